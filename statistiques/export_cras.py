"""Row-level export of the CRAs in a user's scope (CSV and XLSX), memory-bounded.

Columns follow La Coop's "Activités" export (DOMAIN.md §6), with French headers; the public is
described by counts only (CRAs are non-nominative): no name, no email, no contact.

Speed and memory (targets in DESIGN.md: ≥ 100,000 rows/s, first byte < 1 s, < 200 MB):

* rows are read with ``values_list(...).iterator(chunk_size=CHUNK)``: a server-side cursor on
  PostgreSQL, ``fetchmany`` on SQLite; never a list of model instances;
* every label is precomputed (enumerations, equipment bit sets) or memoised (theme bit sets,
  structure identifiers); commune names are looked up once per chunk for the codes not seen
  yet (one query per chunk at most, never per row);
* CSV is produced a chunk at a time (``csv.writer.writerows`` into a buffer, one ``encode``)
  and handed to a ``StreamingHttpResponse``;
* XLSX uses openpyxl's ``write_only`` workbook saved into a temporary file, served as a
  ``FileResponse``: rows never accumulate in memory.

``lignes(queryset)`` (row tuples) and ``lignes_csv(queryset)`` (bytes blocks) are the
entry points used by the views, the background task and ``make bench``.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from conseillers.models import Conseiller, Coordination
from conumapp import permissions
from conumapp.files import random_name
from conumapp.models import Commune
from cra.enums import (
    COMPTES,
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeCra,
    TypeLieu,
)
from cra.models import Cra
from structures.models import Membre

from .filtres import Filtres, FiltresForm
from .perimetres import Perimetre, perimetre_par_cle

logger = logging.getLogger(__name__)

CHUNK = 5000
CLAIM_TIMEOUT = timedelta(hours=1)  # a running export older than this is taken over
CSV_DELIMITER = ";"
BOM = "\ufeff"
ORDRE = ("date", "id")
XLSX_MAX_ROWS_PER_SHEET = 1_000_000  # Excel's limit is 1,048,576 rows per sheet
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# (prefix, member) for every public count column, in the Cra model's order.
_COMPTES = [(prefix, member) for prefix, enum in COMPTES for member in enum]
_COMPTE_TITRES = {"age": "Âge", "genre": "Genre", "statut": "Statut"}

FIELDS = (
    "id",
    "date",
    "type",
    "participants",
    "participants_recurrents",
    "type_lieu",
    "code_postal",
    "commune_code",
    "duree",
    "titre_atelier",
    "materiel",
    "thematiques",
    "tags",
    "autonomie",
    "niveau",
    "oriente",
    "structure_redirection",
    *(f"{prefix}_{member.value}" for prefix, member in _COMPTES),
    "note",
    "structure_id",
    "structure__nom",
    "departement_code",
    "region_code",
    "conseiller_id",
)

HEADERS = (
    "Identifiant",
    "Date",
    "Type",
    "Nombre de participants",
    "Dont participants récurrents",
    "Lieu",
    "Code postal",
    "Commune",
    "Code INSEE de la commune",
    "Durée (min)",
    "Nom de l'atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d'accompagnement",
    "Tags",
    "Niveau d'autonomie (ou de l'atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    *(f"{_COMPTE_TITRES[prefix]} : {member.label}" for prefix, member in _COMPTES),
    "Notes supplémentaires",
    "Identifiant de la structure",
    "Structure",
    "Département",
    "Région",
    "Identifiant du conseiller",
)

_N_COMPTES = len(_COMPTES)
_FIRST_COMPTE = FIELDS.index(f"{_COMPTES[0][0]}_{_COMPTES[0][1].value}")
_COMMUNE = FIELDS.index("commune_code")

_TYPES = dict(TypeCra.choices)
_LIEUX = dict(TypeLieu.choices)
_NIVEAUX = {"": "", **dict(Autonomie.choices), **dict(Niveau.choices)}
_REDIRECTIONS = {"": "", **dict(StructureRedirection.choices)}
_ORIENTE = {True: "Oui", False: "Non", None: ""}
_MATERIEL_MEMBERS = list(Materiel)
_THEME_MEMBERS = list(Thematique)


def _labels_of(bits: int, members) -> str:
    return ", ".join(m.label for i, m in enumerate(members) if bits >> i & 1)


# Equipment: 5 codes, every combination precomputed.
_MATERIELS = {bits: _labels_of(bits, _MATERIEL_MEMBERS) for bits in range(1 << len(_MATERIEL_MEMBERS))}


class _Memo(dict):
    """bits → labels, computed once per distinct combination (bounded in practice)."""

    def __init__(self, members):
        super().__init__()
        self.members = members

    def __missing__(self, bits):
        value = _labels_of(bits or 0, self.members)
        if len(self) < 100_000:
            self[bits] = value
        return value


class _StructureIds(dict):
    def __missing__(self, pk):
        value = f"STR-{pk:06d}" if pk else ""
        self[pk] = value
        return value


def cras_ordonnes(queryset: QuerySet[Cra]) -> QuerySet[Cra]:
    """The export order: by date, then filing order (index ``cra_date`` + incremental sort)."""
    return queryset.order_by(*ORDRE)


def lignes(queryset: QuerySet[Cra], *, chunk_size: int = CHUNK) -> Iterator[tuple]:
    """Every row of the export (plain values: str, int, date), streamed from the database."""
    for batch in _batches(queryset, chunk_size):
        yield from batch


def _batches(queryset: QuerySet[Cra], chunk_size: int) -> Iterator[list[tuple]]:
    rows = queryset.values_list(*FIELDS).iterator(chunk_size=chunk_size)
    communes: dict[str, str] = {"": ""}
    themes = _Memo(_THEME_MEMBERS)
    structures = _StructureIds()
    types, lieux, niveaux, redirections, oriente, materiels = (
        _TYPES, _LIEUX, _NIVEAUX, _REDIRECTIONS, _ORIENTE, _MATERIELS,
    )  # fmt: skip
    first, last = _FIRST_COMPTE, _FIRST_COMPTE + _N_COMPTES
    while True:
        batch = list(islice(rows, chunk_size))
        if not batch:
            return
        missing = {row[_COMMUNE] for row in batch}.difference(communes)
        if missing:
            found = dict(Commune.objects.filter(code_insee__in=missing).values_list("code_insee", "nom"))
            communes.update({code: found.get(code, "") for code in missing})
        out = []
        append = out.append
        for row in batch:
            (pk, day, type_, participants, recurrents, type_lieu, code_postal, commune, duree, titre,
             materiel, thematiques, tags, autonomie, niveau, oriente_, redirection) = row[:first]  # fmt: skip
            note, structure_id, structure_nom, departement, region, conseiller_id = row[last:]
            append((
                pk, day, types.get(type_, type_), participants, recurrents, lieux.get(type_lieu, type_lieu),
                code_postal, communes[commune], commune, duree, titre, materiels[materiel & 31],
                themes[thematiques], tags, niveaux.get(autonomie or niveau, ""), oriente[oriente_],
                redirections.get(redirection, redirection), *row[first:last], note,
                structures[structure_id], structure_nom or "", departement, region, conseiller_id,
            ))  # fmt: skip
        yield out


def lignes_csv(queryset: QuerySet[Cra], *, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The CSV file as bytes blocks: BOM + header first, then one block per chunk of rows.

    ``;``-separated, UTF-8 with BOM (Excel opens it with the accents right), dates ISO 8601.
    """
    for _count, block in _blocs_csv(queryset, chunk_size):
        yield block


def _blocs_csv(queryset: QuerySet[Cra], chunk_size: int = CHUNK) -> Iterator[tuple[int, bytes]]:
    """(rows in the block, bytes): the header block first (0 rows), then one per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(HEADERS)
    yield 0, buffer.getvalue().encode("utf-8")
    for batch in _batches(queryset, chunk_size):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield len(batch), buffer.getvalue().encode("utf-8")


def ecrire_csv(queryset: QuerySet[Cra], fichier, *, progression=None) -> int:
    """Write the CSV into a binary file; ``progression(rows_done)`` after each chunk. Returns rows."""
    total = 0
    for count, block in _blocs_csv(queryset):
        fichier.write(block)
        if count:
            total += count
            if progression:
                progression(total)
    return total


def ecrire_xlsx(queryset: QuerySet[Cra], fichier, *, progression=None) -> int:
    """Write an XLSX workbook (write-only mode: constant memory) into a binary file. Returns rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = None
    in_sheet = 0
    total = 0
    for batch in _batches(queryset, CHUNK):
        for row in batch:
            if sheet is None or in_sheet >= XLSX_MAX_ROWS_PER_SHEET:
                sheet = workbook.create_sheet(_sheet_title(len(workbook.worksheets)))
                sheet.append(HEADERS)
                in_sheet = 0
            sheet.append(row)
            in_sheet += 1
        total += len(batch)
        if progression:
            progression(total)
    if sheet is None:
        sheet = workbook.create_sheet(_sheet_title(0))
        sheet.append(HEADERS)
    workbook.save(fichier)
    return total


def _sheet_title(index: int) -> str:
    return "CRA" if index == 0 else f"CRA ({index + 1})"


def xlsx_temporaire(queryset: QuerySet[Cra]):
    """An anonymous temporary file holding the XLSX, positioned at its start (deleted on close)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse
    ecrire_xlsx(queryset, handle)
    handle.seek(0)
    return handle


def nom_fichier(fmt: str, today) -> str:
    return f"cra-{today:%Y-%m-%d}.{fmt}"


def headers() -> Iterable[str]:
    return HEADERS


# --- Who exports what ----------------------------------------------------------------------


def a_des_lignes(user) -> bool:
    """Roles that read CRA rows: operators, advisors, structure members, coordinators of advisors.

    Prefectures, hubs and networks read statistics only (``Cra.objects.visible_to`` gives them
    nothing)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if permissions.is_operateur(user):
        return True
    return (
        Conseiller.objects.filter(user=user).exists()
        or Membre.objects.filter(user=user).exists()
        or Coordination.objects.filter(coordinateur=user).exists()
    )


@dataclass
class Selection:
    perimetre: Perimetre
    form: FiltresForm
    filtres: Filtres
    cras: QuerySet[Cra]


def filtrer(queryset: QuerySet[Cra], filtres: Filtres) -> QuerySet[Cra]:
    """The statistics filters applied to CRA rows (same meaning as the statistics pages)."""
    queryset = queryset.filter(date__gte=filtres.debut, date__lte=filtres.fin)
    if filtres.region:
        queryset = queryset.filter(region_code=filtres.region)
    if filtres.departement:
        queryset = queryset.filter(departement_code=filtres.departement)
    if filtres.structure:
        queryset = queryset.filter(structure_id=filtres.structure)
    if filtres.conseiller:
        queryset = queryset.filter(conseiller_id=filtres.conseiller)
    if filtres.type:
        queryset = queryset.filter(type=filtres.type)
    if filtres.thematique:
        queryset = queryset.with_theme(filtres.thematique)
    if filtres.tag:
        queryset = queryset.filter(tags__icontains=filtres.tag)
    return queryset


def selection(user, querydict) -> Selection | None:
    """The CRAs ``user`` exports with these GET parameters (``perimetre`` + filters).

    None when the user has no row access or asks for a scope that is not theirs (403)."""
    if not a_des_lignes(user):
        return None
    perimetre = perimetre_par_cle(user, querydict.get("perimetre"))
    if perimetre is None:
        return None
    data = querydict.copy()
    data.pop("format", None)
    form = FiltresForm(data or None, perimetre=perimetre)
    filtres = form.filtres()
    cras = Cra.objects.visible_to(user).actifs().filter(perimetre.condition_cras())
    return Selection(perimetre, form, filtres, cras_ordonnes(filtrer(cras, filtres)))


# --- Large exports: a background task ------------------------------------------------------


def export_demander(*, user, format: str, parametres: str):
    """Record the request and start the task after commit (call inside a transaction)."""
    from .models import ExportCra
    from .tasks import exporter_cras

    job = ExportCra.objects.create(user=user, format=format, parametres=parametres)
    transaction.on_commit(lambda: exporter_cras.delay(job.pk))
    return job


def executer_export(export_id: int) -> str:
    """Write the file of an ``ExportCra``, then email its link. Idempotent: a finished export
    (or one another worker is writing) is left alone; the email has a key (sent once)."""
    from . import notifications
    from .models import ExportCra

    now = timezone.now()
    with transaction.atomic():
        job = ExportCra.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if job is None or job.statut == ExportCra.Statut.TERMINE:
            return "deja_fait"
        if (
            job.statut == ExportCra.Statut.EN_COURS
            and job.started_at
            and job.started_at > now - CLAIM_TIMEOUT
        ):
            return "en_cours_ailleurs"
        job.statut, job.started_at, job.progression, job.erreur = ExportCra.Statut.EN_COURS, now, 0, ""
        job.save(update_fields=["statut", "started_at", "progression", "erreur"])
    claimed = ExportCra.objects.filter(pk=job.pk, statut=ExportCra.Statut.EN_COURS, started_at=now)
    choix = selection(job.user, QueryDict(job.parametres))
    if choix is None:
        claimed.update(statut=ExportCra.Statut.ECHEC, erreur="Vous n'avez plus accès à ces données.",
                       finished_at=timezone.now())  # fmt: skip
        return "refuse"
    total = choix.cras.count()
    claimed.update(total=total)

    def progression(done: int) -> None:
        claimed.update(lignes=done, progression=min(99, done * 100 // total) if total else 99)

    write = ecrire_csv if job.format == "csv" else ecrire_xlsx
    try:
        with tempfile.TemporaryFile() as handle:
            rows = write(choix.cras, handle, progression=progression)
            handle.seek(0)
            with transaction.atomic():
                job = ExportCra.objects.select_for_update().get(pk=job.pk)
                if job.statut != ExportCra.Statut.EN_COURS or job.started_at != now:
                    return "en_cours_ailleurs"  # a stale claim was taken over meanwhile
                job.fichier.save(random_name(f".{job.format}"), File(handle), save=False)
                job.statut, job.progression, job.lignes = ExportCra.Statut.TERMINE, 100, rows
                job.total, job.finished_at = rows, timezone.now()
                job.save()
                notifications.export_cras_pret(job)
    except Exception as error:
        logger.warning("export CRA %s : échec (%s)", export_id, type(error).__name__)
        claimed.update(statut=ExportCra.Statut.ECHEC, erreur="L'export a échoué ; il sera relancé.",
                       finished_at=timezone.now())  # fmt: skip
        raise
    return "termine"


def purger_exports(*, now=None) -> int:
    """Delete prepared exports (rows and files) older than ``ExportCra.CONSERVATION_JOURS``.

    Idempotent: a second run finds nothing left to delete."""
    from .models import ExportCra

    limite = (now or timezone.now()) - timedelta(days=ExportCra.CONSERVATION_JOURS)
    supprimes = 0
    for job in ExportCra.objects.filter(created_at__lt=limite).exclude(
        statut__in=[ExportCra.Statut.EN_ATTENTE, ExportCra.Statut.EN_COURS]
    ):
        if job.fichier:
            job.fichier.delete(save=False)
        job.delete()
        supprimes += 1
    return supprimes
