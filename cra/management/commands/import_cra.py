"""``manage.py import_cra --format v1|v2 [--dry-run] FILE``: legacy CRA import (docs/cra-import.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conumapp.files import first_non_utf8_line
from cra.importer import BATCH_SIZE, import_file


class Command(BaseCommand):
    help = "Importe des CRA historiques (v1 : export MongoDB ; v2 : pages de l'API La Coop)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["v1", "v2"], required=True)
        parser.add_argument("--dry-run", action="store_true", help="Vérifier sans rien enregistrer.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--report", help="Écrire le rapport des lignes refusées (CSV) dans ce fichier.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        with path.open("rb") as raw:
            if (line := first_non_utf8_line(raw)) is not None:
                raise CommandError(f"Le fichier doit être encodé en UTF-8 : la ligne {line} ne l'est pas.")
        with path.open(encoding="utf-8-sig") as stream:
            run = import_file(stream, fmt=options["format"], dry_run=options["dry_run"], nom_fichier=path.name,
                              batch_size=options["batch_size"])  # fmt: skip
        verb = "seraient importées" if run.dry_run else "importées"
        self.stdout.write(
            f"{run.lignes} lignes lues, {run.importees} {verb}, {run.deja_presentes} déjà présentes, "
            f"{run.refusees} refusées."
        )
        if run.refusees:
            for row in run.rapport.splitlines()[1:51]:
                self.stdout.write(f"  refusée : {row}")
        if options["report"]:
            Path(options["report"]).write_text(run.rapport, encoding="utf-8")
