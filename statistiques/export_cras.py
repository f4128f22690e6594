"""Row-level export of the CRAs in a user's scope (CSV and XLSX), memory-bounded.

Columns, headers and labels: ``export_colonnes``; who exports which rows: ``export_selection``;
the background task: ``export_fond``. This module writes the rows.

Speed and memory (targets in DESIGN.md: ≥ 100,000 rows/s, first byte < 1 s, < 200 MB):

* PostgreSQL CSV: see below (COPY); elsewhere and for XLSX, rows are read with
  ``values_list(...).iterator(chunk_size=CHUNK)`` (never model instances), the public counts
  joined into one column by the database;
* every label is precomputed (enumerations) or memoised (bit sets); commune and structure
  names are looked up once per chunk for the keys not seen yet (never one query per row);
* CSV goes out a chunk at a time through a ``StreamingHttpResponse``;
* XLSX uses openpyxl's ``write_only`` workbook saved into a temporary file, served as a
  ``FileResponse``: rows never accumulate in memory.

``lignes(queryset)`` (row tuples) and ``lignes_csv(queryset)`` (bytes blocks) are the
entry points used by the views, the background task and ``make bench``.

On PostgreSQL the CSV is written by the database itself (``COPY (SELECT …) TO STDOUT``, labels
and quoting in SQL, commune names by a hash join): no Python work per row. Elsewhere (SQLite)
each line is one f-string. ``test_postgresql_copy_writes_exactly_the_python_csv`` proves both
paths write the same bytes. Free text (note, tags, workshop title, structure name) starting
with ``= + - @`` gets a leading apostrophe so that no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from itertools import islice

from django.db import connections
from django.db.models import Case, F, Func, Max, Min, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat, Left, LPad, NullIf
from django.db.models.lookups import In

from conumapp.models import Commune
from cra.enums import (
    Autonomie,
    Niveau,
    StructureRedirection,
    TypeCra,
    TypeLieu,
)
from cra.models import Cra
from structures.models import Structure

# Re-exported: the views, the task and the bench use them as export_cras.<name>.
from .export_colonnes import (  # noqa: F401
    _COMMUNE,
    _FORMULA_STARTS,
    _LIEUX,
    _MATERIEL_LABELS,
    _NIVEAUX,
    _ORIENTE,
    _REDIRECTIONS,
    _STRUCTURE,
    _THEME_LABELS,
    _TYPES,
    COMPTE_FIELDS,
    CONTENT_TYPES,
    FIELDS,
    HEADERS,
    ORDRE,
    _csv,
    _labels_of,
    _Memo,
    _quoted,
    cras_ordonnes,
    texte,
)
from .export_selection import Selection, a_des_lignes, selection  # noqa: F401

logger = logging.getLogger(__name__)

CHUNK = 5000
CLAIM_TIMEOUT = timedelta(hours=1)  # a running export older than this is taken over
CSV_DELIMITER = ";"
BOM = "\ufeff"
XLSX_MAX_ROWS_PER_SHEET = 1_000_000  # Excel's limit is 1,048,576 rows per sheet


def lignes(queryset: QuerySet[Cra], *, chunk_size: int = CHUNK) -> Iterator[tuple]:
    """Every row of the export (plain values: str, int, date), streamed from the database."""
    for batch in _batches(queryset, chunk_size):
        yield from batch


class _Joindre(Func):
    """``a || ';' || b || …`` in SQL (PostgreSQL and SQLite): flat, unlike nested ``Concat``
    pairs (SQLite's parser overflows on 16 of them). The count columns are NOT NULL."""

    arg_joiner = " || ';' || "
    template = "(%(expressions)s)"
    output_field = TextField()


def _rows(queryset: QuerySet[Cra]) -> QuerySet:
    comptes = _Joindre(*(Cast(name, TextField()) for name in COMPTE_FIELDS))
    return queryset.annotate(_comptes=comptes).values_list(*FIELDS)


class _Noms:
    """Commune and structure names, looked up once per chunk for the keys not seen yet."""

    def __init__(self):
        self.communes: dict[str, str] = {"": ""}
        self.structures: dict[int | None, tuple[str, str]] = {None: ("", "")}

    def charger(self, batch) -> None:
        codes = {row[_COMMUNE] for row in batch}.difference(self.communes)
        if codes:
            found = dict(Commune.objects.filter(code_insee__in=codes).values_list("code_insee", "nom"))
            self.communes.update({code: found.get(code, "") for code in codes})
        ids = {row[_STRUCTURE] for row in batch}.difference(self.structures)
        if ids:
            found = dict(Structure.objects.filter(pk__in=ids).values_list("pk", "nom"))
            self.structures.update({pk: (f"STR-{pk:06d}", texte(found.get(pk, ""))) for pk in ids})


def _chunks(queryset: QuerySet[Cra], chunk_size: int) -> Iterator[tuple[list[tuple], _Noms]]:
    rows = _rows(queryset).iterator(chunk_size=chunk_size)
    noms = _Noms()
    while True:
        batch = list(islice(rows, chunk_size))
        if not batch:
            return
        noms.charger(batch)
        yield batch, noms


def _batches(queryset: QuerySet[Cra], chunk_size: int) -> Iterator[list[tuple]]:
    """Typed rows (for XLSX and ``lignes``)."""
    themes = _Memo(_THEME_LABELS)
    materiels = _Memo(_MATERIEL_LABELS)
    types, lieux, niveaux, redirections, oriente = _TYPES, _LIEUX, _NIVEAUX, _REDIRECTIONS, _ORIENTE
    for batch, noms in _chunks(queryset, chunk_size):
        communes, structures = noms.communes, noms.structures
        out = []
        append = out.append
        for (pk, day, type_, participants, recurrents, type_lieu, code_postal, commune, duree, titre, materiel,
             thematiques, tags, autonomie, niveau, oriente_, redirection, comptes, note, structure_id,
             departement, region, conseiller_id) in batch:  # fmt: skip
            ident, nom = structures[structure_id]
            append((
                pk, day, types.get(type_, type_), participants, recurrents, lieux.get(type_lieu, type_lieu),
                code_postal, communes[commune], commune, duree, texte(titre), materiels[materiel],
                themes[thematiques], texte(tags), niveaux.get(autonomie or niveau, ""), oriente[oriente_],
                redirections.get(redirection, redirection), *map(int, comptes.split(";")), texte(note),
                ident, nom, departement, region, conseiller_id,
            ))  # fmt: skip
        yield out


def _lignes_texte(queryset: QuerySet[Cra], chunk_size: int) -> Iterator[tuple[int, str]]:
    """(rows, CSV text) per chunk: each line built by one f-string, labels quoted in advance."""
    themes = _Memo(_THEME_LABELS, quote=True)
    materiels = _Memo(_MATERIEL_LABELS, quote=True)
    types, lieux = _quoted(_TYPES), _quoted(_LIEUX)
    niveaux, redirections, oriente = _quoted(_NIVEAUX), _quoted(_REDIRECTIONS), _ORIENTE
    quoted_communes: dict[str, str] = {}
    quoted_structures: dict[int | None, str] = {}
    for batch, noms in _chunks(queryset, chunk_size):
        for code, nom in noms.communes.items():
            if code not in quoted_communes:
                quoted_communes[code] = _csv(nom)
        for pk, (ident, nom) in noms.structures.items():
            if pk not in quoted_structures:
                quoted_structures[pk] = f"{ident};{_csv(nom)}"
        out = []
        append = out.append
        for (pk, day, type_, participants, recurrents, type_lieu, code_postal, commune, duree, titre, materiel,
             thematiques, tags, autonomie, niveau, oriente_, redirection, comptes, note, structure_id,
             departement, region, conseiller_id) in batch:  # fmt: skip
            append(
                f"{pk};{day};{types[type_]};{participants};{recurrents};{lieux[type_lieu]};{code_postal};"
                f"{quoted_communes[commune]};{commune};{duree};{_csv(texte(titre)) if titre else ''};"
                f"{materiels[materiel]};{themes[thematiques]};{_csv(texte(tags)) if tags else ''};"
                f"{niveaux[autonomie or niveau]};{oriente[oriente_]};{redirections[redirection]};{comptes};"
                f"{_csv(texte(note)) if note else ''};{quoted_structures[structure_id]};{departement};{region};"
                f"{conseiller_id}\n"
            )
        yield len(out), "".join(out)


def lignes_csv(queryset: QuerySet[Cra], *, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The CSV file as bytes blocks: BOM + header first, then one block per chunk of rows.

    ``;``-separated, UTF-8 with BOM (Excel opens it with the accents right), dates ISO 8601.
    On PostgreSQL the rows come from one ``COPY … TO STDOUT`` (blocks of ~256 KB): while the
    generator is suspended the connection is busy, so consume it fully (or close it) before
    running another query on the same connection.
    """
    for _count, block in _blocs_csv(queryset, chunk_size):
        yield block


def _entete() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\n").writerow(HEADERS)
    return (BOM + buffer.getvalue()).encode("utf-8")


def _blocs_csv(queryset: QuerySet[Cra], chunk_size: int = CHUNK) -> Iterator[tuple[int, bytes]]:
    """(rows in the block, bytes): the header block first (0 rows), then one per chunk."""
    yield 0, _entete()
    if connections[queryset.db].vendor == "postgresql":
        yield from _copy_csv_tranches(queryset)
        return
    for count, text in _lignes_texte(queryset, chunk_size):
        yield count, text.encode("utf-8")


# --- PostgreSQL: the database writes the CSV (COPY … TO STDOUT) ------------------------------
# Same columns, labels and quoting as ``_lignes_texte`` (a test compares both on PostgreSQL),
# several times faster: no per-row Python work at all.

COPY_BLOCK = 256 * 1024
PARTS = 20  # background CSV export on PostgreSQL: progress in 5 % steps of the id range
# Streamed CSV on PostgreSQL: one COPY per range of ids, the first ranges small (first rows
# at once), then doubling up to TRANCHE_IDS. A single COPY … ORDER BY id over a date range
# sorts the whole selection before its first row (14 s for 1 M rows out of 10 M).
PREMIERE_TRANCHE_IDS = 20_000
TRANCHE_IDS = 320_000


def _libelle(field: str, choices, default=None):
    whens = [When(**{field: code}, then=Value(label)) for code, label in choices]
    return Case(*whens, default=default if default is not None else F(field), output_field=TextField())


def _bits_sql(column: str, labels: list[str]) -> RawSQL:
    """Labels of a bit set, in SQL: per group of 5 bits, one lookup in a constant array of the 32
    pre-joined label combinations; ``concat_ws`` joins the groups (skipping empty ones)."""
    groupes, params = [], []
    for start in range(0, len(labels), 5):
        part = labels[start : start + 5]
        params.append([_labels_of(bits, part) or None for bits in range(32)])
        groupes.append(f'(%s::text[])[(("cra_cra"."{column}" >> {start}) & 31) + 1]')
    # Column names are this module's constants; labels are query parameters.
    return RawSQL(f"concat_ws(E'\\n', {', '.join(groupes)})", params, output_field=TextField())  # noqa: S611


def _sans_formule(field: str):
    return Case(
        When(In(Left(F(field), 1), list(_FORMULA_STARTS)), then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=TextField(),
    )


def _texte_sql(expression):
    """Empty text as NULL: COPY writes NULL as nothing, an empty string as ``""``."""
    return NullIf(expression, Value(""), output_field=TextField())


def _colonnes_sql() -> list:
    identifiant = Concat(Value("STR-"), LPad(Cast("structure_id", TextField()), 6, Value("0")))
    return [
        F("id"),
        F("date"),
        _texte_sql(_libelle("type", TypeCra.choices)),
        F("participants"),
        F("participants_recurrents"),
        _texte_sql(_libelle("type_lieu", TypeLieu.choices)),
        _texte_sql(F("code_postal")),
        _texte_sql(RawSQL('"x_commune"."nom"', (), output_field=TextField())),  # noqa: S611 - see copy_sql
        _texte_sql(F("commune_code")),
        F("duree"),
        _texte_sql(_sans_formule("titre_atelier")),
        _texte_sql(_bits_sql("materiel", _MATERIEL_LABELS)),
        _texte_sql(_bits_sql("thematiques", _THEME_LABELS)),
        _texte_sql(_sans_formule("tags")),
        _texte_sql(
            Case(
                *[When(autonomie=code, then=Value(label)) for code, label in Autonomie.choices],
                *[When(niveau=code, then=Value(label)) for code, label in Niveau.choices],
                default=Coalesce(NullIf(F("autonomie"), Value("")), F("niveau")),
                output_field=TextField(),
            )
        ),
        Case(
            When(oriente=True, then=Value("Oui")),
            When(oriente=False, then=Value("Non")),
            default=None,
            output_field=TextField(),
        ),  # fmt: skip
        _texte_sql(_libelle("structure_redirection", StructureRedirection.choices)),
        *(F(name) for name in COMPTE_FIELDS),
        _texte_sql(_sans_formule("note")),
        Case(
            When(structure_id__isnull=True, then=Value(None)),
            When(structure_id__gte=1_000_000, then=Concat(Value("STR-"), Cast("structure_id", TextField()))),
            default=identifiant,
            output_field=TextField(),
        ),
        _texte_sql(_sans_formule("structure__nom")),
        _texte_sql(F("departement_code")),
        _texte_sql(F("region_code")),
        F("conseiller_id"),
    ]


def copy_sql(queryset: QuerySet[Cra]) -> tuple[str, tuple]:
    """The ``COPY (SELECT …) TO STDOUT`` statement of the export, with its parameters."""
    colonnes = {f"x{i:02d}": expression for i, expression in enumerate(_colonnes_sql())}
    select = queryset.annotate(**colonnes).values_list(*colonnes)
    sql, params = select.query.sql_with_params()
    # The commune's name: a hash join on the referential (a correlated subquery costs 4× more).
    main_from = ' FROM "cra_cra"'
    position = sql.index(main_from) + len(main_from)
    sql = (
        sql[:position]
        + ' LEFT OUTER JOIN "conumapp_commune" "x_commune" ON ("x_commune"."code_insee" = "cra_cra"."commune_code")'
        + sql[position:]
    )
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', ENCODING 'UTF8')", params


def _copy_csv(queryset: QuerySet[Cra]) -> Iterator[tuple[int, bytes]]:
    sql, params = copy_sql(queryset)
    connection = connections[queryset.db]
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        buffer = bytearray()
        rows = 0
        for data in copy:  # one CopyData message per row
            buffer += data
            rows += 1
            if len(buffer) >= COPY_BLOCK:
                yield rows, bytes(buffer)
                buffer.clear()
                rows = 0
        if buffer:
            yield rows, bytes(buffer)


def _copy_csv_tranches(queryset: QuerySet[Cra]) -> Iterator[tuple[int, bytes]]:
    """The rows in id order, one COPY per range of ids (same bytes as one COPY)."""
    bornes = queryset.order_by().aggregate(debut=Min("id"), fin=Max("id"))
    if bornes["debut"] is None:
        return
    debut, pas = bornes["debut"], min(PREMIERE_TRANCHE_IDS, TRANCHE_IDS)
    while debut <= bornes["fin"]:
        yield from _copy_csv(queryset.filter(id__gte=debut, id__lt=debut + pas))
        debut, pas = debut + pas, min(pas * 2, TRANCHE_IDS)


def ecrire_csv(queryset: QuerySet[Cra], fichier, *, progression=None) -> int:
    """Write the CSV into a binary file; ``progression(rows_done)`` after each part. Returns rows.

    On PostgreSQL the rows come in id slices (one COPY each, 5 % of the id range): the
    connection is free between two slices to record the progress."""
    if connections[queryset.db].vendor != "postgresql":
        total = 0
        for count, block in _blocs_csv(queryset):
            fichier.write(block)
            if count:
                total += count
                if progression:
                    progression(total)
        return total
    fichier.write(_entete())
    bornes = queryset.order_by().aggregate(debut=Min("id"), fin=Max("id"))
    if bornes["debut"] is None:
        return 0
    pas = (bornes["fin"] - bornes["debut"]) // PARTS + 1
    total = 0
    for debut in range(bornes["debut"], bornes["fin"] + 1, pas):
        for count, block in _copy_csv(queryset.filter(id__gte=debut, id__lt=debut + pas)):
            fichier.write(block)
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
