from django.core.management.base import BaseCommand
from django.db import transaction

from conumapp.models import CodePostal, Commune, Departement, Region
from conumapp.territories import load_referential


class Command(BaseCommand):
    help = (
        "Met à jour les régions, départements, communes et codes postaux depuis conumapp/data/ "
        "(idempotent ; voir docs/territoires.md)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            stats = load_referential(
                region_model=Region,
                departement_model=Departement,
                commune_model=Commune,
                codepostal_model=CodePostal,
                refresh=True,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{stats['regions']} régions, {stats['departements']} départements, "
                f"{stats['communes']} communes à jour ; codes postaux : "
                f"{stats['codes_postaux_ajoutes']} ajoutés, {stats['codes_postaux_supprimes']} supprimés."
            )
        )
        if stats["communes_obsoletes_conservees"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{stats['communes_obsoletes_conservees']} communes absentes des données sont "
                    "conservées car encore référencées."
                )
            )
