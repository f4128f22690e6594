"""Writing: advisor placeholders and structure lookups (cached per run), skipping of rows
already there, transactional batches written by COPY (PostgreSQL) or ``bulk_create``, and the
run itself (``import_lines``, ``import_file``) with its report (``Resultat``)."""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from conseillers.models import Conseiller
from conumapp.models import User
from structures.models import Structure

from ..lacoop import SOURCE_PREFIX
from ..models import Cra, ImportCra
from .mapping import _oid, map_v1, map_v2
from .reading import _read_v1, _read_v2
from .rows import _COPY_ATTNAMES, _COPY_COLUMNS, Ligne, LigneCra, Refus, _values_of

BATCH_SIZE = 5000


@dataclass
class Resultat:
    lignes: int = 0
    importees: int = 0
    deja_presentes: int = 0
    refus: list[tuple[int, str, str]] = field(default_factory=list)

    def rapport_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["ligne", "identifiant", "motif"])
        writer.writerows(self.refus)
        return out.getvalue()


def _placeholders(refs: set[str], cache: dict[str, int]) -> None:
    """Advisors by legacy id; a placeholder advisor (inactive account) per unknown id."""
    missing = refs - cache.keys()
    if not missing:
        return
    for legacy_id, pk in Conseiller.objects.filter(legacy_id__in=missing).values_list("legacy_id", "pk"):
        cache[legacy_id] = pk
    missing -= cache.keys()
    if not missing:
        return
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"conseiller-{ref.lower()}@import-cra.invalid", is_active=False, password=password)
            for ref in sorted(missing)
        ]  # fmt: skip
    )
    users_by_email = {u.email: u for u in User.objects.filter(email__in=[u.email for u in users])}
    # One INSERT for the advisors and one for their history rows, whatever their number.
    created = bulk_create_with_history(
        [
            Conseiller(
                user=users_by_email[f"conseiller-{ref.lower()}@import-cra.invalid"],
                prenom="Conseiller",
                nom=f"importé {ref}"[:100],
                code_postal="",
                legacy_id=ref[:40],
            )  # fmt: skip
            for ref in sorted(missing)
        ],
        Conseiller,
    )
    by_user = {c.user_id: c.pk for c in created}
    if None in by_user.values():  # backends that do not return ids
        by_user = dict(
            Conseiller.objects.filter(user__in=users_by_email.values()).values_list("user_id", "pk")
        )
    for ref in sorted(missing):
        cache[ref] = by_user[users_by_email[f"conseiller-{ref.lower()}@import-cra.invalid"].pk]


def _structures(refs: set[str], cache: dict[str, tuple]) -> None:
    missing = refs - cache.keys()
    if not missing:
        return
    rows = Structure.objects.filter(legacy_id__in=missing).values_list(
        "legacy_id", "pk", "departement_id", "region_id"
    )
    for legacy_id, pk, dep, reg in rows:
        cache[legacy_id] = (pk, dep or "", reg or "")
    numeric = [r for r in missing - cache.keys() if r.isdigit()]
    for pk, dep, reg in Structure.objects.filter(pk__in=numeric).values_list(
        "pk", "departement_id", "region_id"
    ):
        cache[str(pk)] = (pk, dep or "", reg or "")
    for ref in missing - cache.keys():
        cache[ref] = (None, "", "")


def _departement_from_postcode(code: str) -> str:
    if len(code) != 5:
        return ""
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if code < "20200" else "2B"
    return code[:2]


def _write(
    batch: list[Ligne], fmt: str, result: Resultat, advisors: dict, structures: dict, dry_run: bool
) -> None:
    if not batch:
        return
    with transaction.atomic():
        conum_ids = [int(ln.source_id[len(SOURCE_PREFIX):]) for ln in batch if ln.source_id.startswith(SOURCE_PREFIX)
                     and ln.source_id[len(SOURCE_PREFIX):].isdigit()]  # fmt: skip
        existing_conum = {
            f"{SOURCE_PREFIX}{pk}" for pk in Cra.objects.filter(pk__in=conum_ids).values_list("pk", flat=True)
        }
        existing = (
            set(
                Cra.objects.filter(source=fmt, source_id__in=[ln.source_id for ln in batch]).values_list(
                    "source_id", flat=True
                )
            )
            | existing_conum
        )
        seen = set()
        fresh = []
        for line in batch:
            if line.source_id in existing or line.source_id in seen:
                result.deja_presentes += 1
                continue
            seen.add(line.source_id)
            fresh.append(line)
        if dry_run:
            result.importees += len(fresh)
            return
        _placeholders({ln.conseiller_ref or "inconnu" for ln in fresh}, advisors)
        _structures({ln.structure_ref for ln in fresh if ln.structure_ref}, structures)
        rows = []
        no_structure = (None, "", "")
        for line in fresh:
            cra = line.cra
            structure_id, dep, reg = structures.get(line.structure_ref, no_structure)
            cra.__dict__.update(
                conseiller_id=advisors[line.conseiller_ref or "inconnu"], structure_id=structure_id,
                departement_code=dep or _departement_from_postcode(cra.code_postal), region_code=reg,
            )  # fmt: skip
            rows.append(cra)
        _insert(rows)
        result.importees += len(rows)


def _insert(rows: list[LigneCra]) -> None:
    """PostgreSQL: COPY (several times faster than INSERT for large imports); else bulk_create.
    Then the bulk-write signal (rollups), with the rows (``date``, ``departement_code``, …)."""
    from ..services import cra_ecrits_en_masse

    now = timezone.now()
    for row in rows:
        if row.created_at is None:
            row.created_at = now
        row.updated_at = now
    if connection.vendor != "postgresql":
        Cra.objects.bulk_create(
            [Cra(**{name: getattr(row, name) for name in (*_COPY_ATTNAMES, "source_data")}) for row in rows],
            batch_size=1000,
        )
        cra_ecrits_en_masse.send(sender=Cra, rows=rows)
        return
    from psycopg.types.json import Jsonb

    def as_is(text):
        return text

    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _COPY_COLUMNS)
    sql = f"COPY {quote(Cra._meta.db_table)} ({columns}) FROM STDIN"  # noqa: S608 - model metadata only
    values_of = _values_of
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        write = copy.write_row
        for row in rows:
            if row.raw is not None:
                data = Jsonb(row.raw, dumps=as_is)  # the original JSON text, not re-encoded
            elif row.source_data is not None:
                data = Jsonb(row.source_data)
            else:
                data = None
            write((*values_of(row), data))
    cra_ecrits_en_masse.send(sender=Cra, rows=rows)


def import_lines(lines: Iterable[str], *, fmt: str, dry_run: bool, batch_size: int = BATCH_SIZE) -> Resultat:
    # The parsed documents are acyclic (freed by reference counting): the cyclic garbage
    # collector's passes over millions of fresh objects would cost ~20 % of the time.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _import_lines(lines, fmt=fmt, dry_run=dry_run, batch_size=batch_size)
    finally:
        if paused:
            gc.enable()


def _import_lines(lines: Iterable[str], *, fmt: str, dry_run: bool, batch_size: int) -> Resultat:
    reader, mapper = (_read_v1, map_v1) if fmt == "v1" else (_read_v2, map_v2)
    result = Resultat()
    advisors: dict[str, int] = {}
    structures: dict[str, tuple] = {}
    batch: list[Ligne] = []
    today = timezone.localdate()
    for number, doc, error, raw in reader(lines):
        result.lignes += 1
        if doc is None:
            result.refus.append((number, "", error))
            continue
        try:
            line = mapper(doc, raw, today)
        except Refus as refus:
            ident = _oid(doc.get("_id")) if fmt == "v1" else str(doc.get("id", ""))
            result.refus.append((number, ident, str(refus)))
            continue
        line.numero = number
        batch.append(line)
        if len(batch) >= batch_size:
            _write(batch, fmt, result, advisors, structures, dry_run)
            batch = []
    _write(batch, fmt, result, advisors, structures, dry_run)
    return result


def import_file(
    stream, *, fmt: str, dry_run: bool, nom_fichier: str, by=None, batch_size: int = BATCH_SIZE
) -> ImportCra:
    """Import a text stream and record the run (with the refused rows' report) in ImportCra."""
    result = import_lines(stream, fmt=fmt, dry_run=dry_run, batch_size=batch_size)
    return ImportCra.objects.create(
        format=fmt, nom_fichier=nom_fichier[:255], dry_run=dry_run, lignes=result.lignes,
        importees=result.importees, deja_presentes=result.deja_presentes, refusees=len(result.refus),
        rapport=result.rapport_csv(), par=by,
    )  # fmt: skip
