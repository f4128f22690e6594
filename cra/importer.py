"""Legacy CRA import: v1 (MongoDB export of the legacy ``cras`` collection, JSON lines) and v2
(La Coop API pages, JSON:API). Mapping table: docs/cra-import.md.

Rows are mapped and checked in Python (no per-row query) into plain ``LigneCra`` value objects
(not model instances: the model's rules of ``Cra.clean`` are applied by ``_check``, with the
same messages), then written in transactional batches — COPY on PostgreSQL, the original JSON
line kept as ``source_data`` without re-encoding it; ``bulk_create`` elsewhere: a crash leaves
no half batch, and a re-run skips what is already there (idempotent by ``(source, source_id)``),
so it resumes. Refused rows are reported with their line number and reason (CSV), in a dry run
as in a real run. Measured by ``bench/bench_cra_import.py`` (``make bench``).
"""

from __future__ import annotations

import csv
import gc
import io
import json
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from conseillers.models import Conseiller
from conumapp.models import User
from structures.models import Structure

from .enums import (
    COMPTES,
    DUREE_MAX,
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeCra,
    TypeLieu,
)
from .lacoop import SOURCE_PREFIX
from .models import Cra, ImportCra

BATCH_SIZE = 5000

V1_CANAL = {"rattachement": "lieu_activite", "autre lieu": "autre", "autre": "autre", "distance": "a_distance",
            "domicile": "domicile"}  # fmt: skip
V1_ACTIVITE = {"individuel": "individuel", "collectif": "collectif", "ponctuel": "ponctuel"}
V1_THEMES = {
    "equipement informatique": "prendre_en_main_du_materiel",
    "smartphone": "prendre_en_main_du_materiel",
    "vocabulaire": "culture_numerique",
    "internet": "navigation_sur_internet",
    "securite": "securite_numerique",
    "fraude et harcelement": "securite_numerique",
    "courriel": "email",
    "echanger": "reseaux_sociaux",
    "traitement texte": "bureautique",
    "contenus numeriques": "gere_ses_contenus_numeriques",
    "trouver emploi": "insertion_professionnelle",
    "tpe/pme": "entrepreneuriat",
    "accompagner enfant": "parentalite",
    "scolaire": "scolarite_et_numerique",
    "demarche en ligne": "aide_aux_demarches_administratives",
    "sante": "sante",
    "budget": "banque_et_achats_en_ligne",
    "diagnostic": "diagnostic_numerique",
    "autre": "culture_numerique",
}
V1_DUREE = {"0-30": 15, "30-60": 45, "60": 60}
V1_AGE = {"moins12ans": "moins_de_douze", "de12a18ans": "douze_dix_huit", "de18a35ans": "vingt_cinq_trente_neuf",
          "de35a60ans": "quarante_cinquante_neuf", "plus60ans": "soixante_soixante_neuf"}  # fmt: skip
V1_STATUT = {"etudiant": "scolarise", "sansEmploi": "sans_emploi", "enEmploi": "en_emploi",
             "retraite": "retraite", "heterogene": "non_communique"}  # fmt: skip
V1_ORGANISMES = {
    "mairie": "administration", "prefecture": "administration", "préfecture": "administration",
    "ants": "operateur_ou_organisme_en_charge", "caf": "operateur_ou_organisme_en_charge",
    "carsat": "operateur_ou_organisme_en_charge", "cpam": "operateur_ou_organisme_en_charge",
    "dgfip": "operateur_ou_organisme_en_charge", "pôle emploi": "operateur_ou_organisme_en_charge",
    "pole emploi": "operateur_ou_organisme_en_charge", "ccas": "aide_sociale",
    "france services": "aide_aux_demarches_administratives", "mission locale": "insertion_professionnelle",
}  # fmt: skip

_TYPES = {m.value for m in TypeCra}
_LIEUX = {m.value for m in TypeLieu}
_THEMES = {m.value for m in Thematique}
_MATERIEL = {m.value for m in Materiel}
_AUTONOMIE = {m.value for m in Autonomie}
_REDIRECTION = {m.value for m in StructureRedirection}
_NIVEAUX = {m.value for m in Niveau}
DATE_MIN = date(2020, 1, 1)
# Bit of each multi-valued code, and the count columns per prefix (computed once, not per row).
_THEME_BITS = {m.value: 1 << i for i, m in enumerate(Thematique)}
_MATERIEL_BITS = {m.value: 1 << i for i, m in enumerate(Materiel)}
_COUNT_COLUMNS = {prefix: [(m.value, f"{prefix}_{m.value}") for m in enum] for prefix, enum in COMPTES}
_COUNT_CODES = {prefix: {m.value for m in enum} for prefix, enum in COMPTES}
_COUNT_LABELS = {"age": "tranches d'âge", "genre": "genres", "statut": "statuts"}


class LigneCra:
    """The column values of one CRA to import (attributes: ``Cra``'s column attnames).

    Far cheaper than a model instance; unset attributes read the model's defaults (class
    attributes below). ``raw`` is the original JSON text when the source has one (v1 lines):
    it is written as ``source_data`` as is."""

    raw: str | None = None


_FIELDS = [f for f in Cra._meta.concrete_fields if not f.primary_key]
for _field in _FIELDS:
    _default = None if _field.has_default() and callable(_field.default) else _field.get_default()
    setattr(LigneCra, _field.attname, _default)
# COPY column order: every column, ``source_data`` last (its value is wrapped at write time).
_COPY_ATTNAMES = [f.attname for f in _FIELDS if f.attname != "source_data"]
_COPY_COLUMNS = [
    *(f.column for f in _FIELDS if f.attname != "source_data"),
    Cra._meta.get_field("source_data").column,
]
_values_of = operator.attrgetter(*_COPY_ATTNAMES)


def _ligne(**values) -> LigneCra:
    row = LigneCra()
    row.__dict__.update(values)
    return row


def _bits(codes, table: dict[str, int]) -> int:
    value = 0
    for code in codes or ():
        value |= table[code]
    return value


class Refus(Exception):
    """A row that cannot be recovered; the message is the reason shown in the report."""


@dataclass
class Ligne:
    numero: int
    source_id: str
    conseiller_ref: str
    structure_ref: str
    cra: LigneCra


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


# --- helpers ---------------------------------------------------------------------------------


def _oid(value) -> str:
    if isinstance(value, dict):
        return str(value.get("$oid") or value.get("$numberLong") or "")
    return "" if value is None else str(value)


def _date(value) -> date:
    if isinstance(value, dict):
        value = value.get("$date")
        if isinstance(value, dict):  # {"$date": {"$numberLong": "..."}}
            value = int(value.get("$numberLong"))
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=timezone.get_current_timezone()).date()
    if not value:
        raise Refus("date absente")
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise Refus(f"date illisible : {value}") from error


def _code5(value) -> str:
    digits = re.sub(r"[^0-9AB]", "", str(value or "").upper())
    return digits.zfill(5) if len(digits) == 4 else digits[:5]


def _int(value, what) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, dict):
        value = value.get("$numberInt") or value.get("$numberLong") or value.get("$numberDouble")
    try:
        number = int(float(value))
    except (TypeError, ValueError) as error:
        raise Refus(f"{what} illisible : {value}") from error
    if number < 0:
        raise Refus(f"{what} négatif : {number}")
    return number


def _fill_counts(cra: LigneCra, prefix: str, counts: dict[str, int]) -> None:
    """Set counts; put what is missing to reach the participants in « non communiqué »."""
    total = sum(counts.values())
    if total > cra.participants:
        raise Refus(f"la somme des {prefix} ({total}) dépasse le nombre de participants ({cra.participants})")
    counts["non_communique"] = counts.get("non_communique", 0) + cra.participants - total
    values = cra.__dict__
    for code, column in _COUNT_COLUMNS[prefix]:
        values[column] = counts.get(code, 0)


def _check(cra: LigneCra, today: date | None = None) -> None:
    """The import's date bounds, then exactly the rules and messages of ``Cra.clean`` (same
    order; count errors share the non-field slot, as there) — kept in step by a test that
    compares both on random rows (tests/cra/test_import_regles.py)."""
    if cra.date < DATE_MIN:
        raise Refus("date antérieure au 1er janvier 2020")
    if cra.date > (today or timezone.localdate()):
        raise Refus("date dans le futur")
    errors: dict[str, str] = {}
    if cra.duree is not None and not 1 <= cra.duree <= DUREE_MAX:
        errors["duree"] = "La durée doit être comprise entre 1 minute et 8 heures."
    if not cra.thematiques:
        errors["thematiques"] = "Choisissez au moins une thématique."
    participants = cra.participants
    if cra.type == TypeCra.COLLECTIF:
        if not 2 <= (participants or 0) <= 100:
            errors["participants"] = "Un atelier collectif compte entre 2 et 100 participants."
        elif cra.participants_recurrents > participants:
            errors["participants_recurrents"] = (
                "Les participants récurrents ne peuvent pas dépasser le nombre de participants."
            )
    elif cra.type == TypeCra.INDIVIDUEL and participants != 1:
        errors["participants"] = "Un accompagnement individuel concerne une seule personne."
    if participants and "participants" not in errors:
        values = cra.__dict__
        for prefix, columns in _COUNT_COLUMNS.items():
            total = sum(values.get(column, 0) for _code, column in columns)
            if total != participants:
                errors["__all__"] = (
                    f"La somme des {_COUNT_LABELS[prefix]} ({total}) doit être égale au nombre "
                    f"de participants ({participants})."
                )
    if cra.oriente is not True and cra.structure_redirection:
        cra.structure_redirection = ""
    if len(cra.note or "") > 500:
        errors["note"] = "La note ne doit pas dépasser 500 caractères."
    if errors:
        raise Refus(" ".join(errors.values()))


# --- v1 --------------------------------------------------------------------------------------


def map_v1(doc: dict, raw: str | None = None, today: date | None = None) -> Ligne:
    """``raw``: the line's JSON text (kept as ``source_data`` as is); ``today``: the date bound."""
    source_id = _oid(doc.get("_id"))
    if not source_id:
        raise Refus("identifiant _id absent")
    data = doc.get("cra") or {}
    cra = _ligne(source="v1", source_id=source_id, source_data=doc, raw=raw)
    cra.date = _date(data.get("dateAccompagnement"))
    activite = str(data.get("activite") or "").strip().lower()
    if activite not in V1_ACTIVITE:
        raise Refus(f"activité inconnue : {data.get('activite')!r}")
    cra.type = V1_ACTIVITE[activite]
    canal = str(data.get("canal") or "").strip().lower()
    if canal not in V1_CANAL:
        raise Refus(f"canal inconnu : {data.get('canal')!r}")
    cra.type_lieu = V1_CANAL[canal]
    themes = data.get("themes") or []
    if not themes:
        raise Refus("aucune thématique")
    unknown = [t for t in themes if str(t).strip().lower() not in V1_THEMES]
    if unknown:
        raise Refus(f"thématique inconnue : {', '.join(map(str, unknown))}")
    cra.thematiques = _bits({V1_THEMES[str(t).strip().lower()] for t in themes}, _THEME_BITS)
    duree = data.get("duree")
    if isinstance(duree, str) and duree.strip() in V1_DUREE:
        cra.duree = V1_DUREE[duree.strip()]
    else:
        cra.duree = _int(duree, "durée")
        if not 1 <= cra.duree <= DUREE_MAX:
            raise Refus(f"durée hors bornes : {duree}")
    cra.participants = _int(data.get("nbParticipants"), "nombre de participants")
    if cra.participants == 0:
        raise Refus("0 participant")
    if cra.type == TypeCra.INDIVIDUEL and cra.participants > 1:
        cra.type = TypeCra.COLLECTIF  # the legacy tool allowed it: it was a group session
    cra.participants_recurrents = _int(data.get("nbParticipantsRecurrents"), "participants récurrents")
    ages = {}
    for key, value in (data.get("age") or {}).items():
        if key not in V1_AGE:
            raise Refus(f"tranche d'âge inconnue : {key}")
        ages[V1_AGE[key]] = ages.get(V1_AGE[key], 0) + _int(value, "âge")
    _fill_counts(cra, "age", ages)
    statuts = {}
    for key, value in (data.get("statut") or {}).items():
        if key not in V1_STATUT:
            raise Refus(f"statut inconnu : {key}")
        statuts[V1_STATUT[key]] = statuts.get(V1_STATUT[key], 0) + _int(value, "statut")
    _fill_counts(cra, "statut", statuts)
    _fill_counts(cra, "genre", {})
    cra.commune_code = _code5(data.get("codeCommune"))
    cra.code_postal = _code5(data.get("codePostal"))
    organismes = data.get("organismes") or []
    accompagnement = data.get("accompagnement") or {}
    if organismes or _int(accompagnement.get("redirection"), "redirection"):
        cra.oriente = True
        names = [str(name).strip().lower() for item in organismes if isinstance(item, dict) for name in item]
        cra.structure_redirection = next((V1_ORGANISMES[n] for n in names if n in V1_ORGANISMES), "autre")
    _check(cra, today)
    return Ligne(0, source_id, _oid(doc.get("conseiller")), _oid(doc.get("structure")), cra)


# --- v2 --------------------------------------------------------------------------------------


def map_v2(resource: dict, raw: str | None = None, today: date | None = None) -> Ligne:
    source_id = str(resource.get("id") or "")
    if not source_id:
        raise Refus("identifiant absent")
    a = resource.get("attributes") or {}
    cra = _ligne(source="v2", source_id=source_id, source_data=resource)
    cra.date = _date(a.get("date"))
    if a.get("type") not in _TYPES:
        raise Refus(f"type inconnu : {a.get('type')!r}")
    cra.type = a["type"]
    if a.get("type_lieu") not in _LIEUX:
        raise Refus(f"type de lieu inconnu : {a.get('type_lieu')!r}")
    cra.type_lieu = a["type_lieu"]
    cra.duree = _int(a.get("duree"), "durée")
    if not 1 <= cra.duree <= DUREE_MAX:
        raise Refus(f"durée hors bornes : {a.get('duree')}")
    themes = a.get("thematiques") or []
    if not themes:
        raise Refus("aucune thématique")
    if unknown := [t for t in themes if t not in _THEMES]:
        raise Refus(f"thématique inconnue : {', '.join(map(str, unknown))}")
    cra.thematiques = _bits(themes, _THEME_BITS)
    materiel = a.get("materiel") or []
    if unknown := [m for m in materiel if m not in _MATERIEL]:
        raise Refus(f"matériel inconnu : {', '.join(map(str, unknown))}")
    cra.materiel = _bits(materiel, _MATERIEL_BITS)
    for name, allowed, attr in (("autonomie", _AUTONOMIE, "autonomie"), ("niveau_atelier", _NIVEAUX, "niveau"),
                                ("structure_de_redirection", _REDIRECTION, "structure_redirection")):  # fmt: skip
        value = a.get(name) or ""
        if value and value not in allowed:
            raise Refus(f"{name} inconnu : {value!r}")
        setattr(cra, attr, value)
    cra.oriente = a.get("oriente_vers_structure")
    cra.titre_atelier = (a.get("titre_atelier") or "")[:150]
    benef = a.get("beneficiaires") or {}
    cra.participants = _int(benef.get("total", a.get("accompagnements")), "nombre de participants")
    if cra.participants == 0:
        raise Refus("0 participant")
    cra.participants_recurrents = _int(a.get("participants_recurrents"), "participants récurrents")
    for prefix, key in (("genre", "genres"), ("age", "tranches_age"), ("statut", "statuts")):
        counts = {}
        allowed = _COUNT_CODES[prefix]
        for code, value in (benef.get(key) or {}).items():
            if code not in allowed:
                raise Refus(f"{key} : code inconnu {code!r}")
            counts[code] = _int(value, key)
        _fill_counts(cra, prefix, counts)
    cra.commune_code = _code5(a.get("lieu_code_insee"))
    cra.code_postal = _code5(a.get("lieu_code_postal"))
    cra.tags = ", ".join(a.get("tags") or [])[:200]
    cra.note = (a.get("notes") or "")[:500]
    if a.get("suppression"):
        cra.deleted_at = datetime.fromisoformat(a["suppression"])
    _check(cra, today)
    return Ligne(0, source_id, str(a.get("mediateur_id") or ""), str(a.get("structure_id") or ""), cra)


# --- reading ---------------------------------------------------------------------------------


def read_v1(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str]]:
    for number, doc, error, _raw in _read_v1(lines):
        yield number, doc, error


def _read_v1(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str, str | None]]:
    """(line number, document, error, the line's JSON text)."""
    loads = json.loads
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, loads(line), "", line
        except json.JSONDecodeError:
            yield number, None, "JSON illisible", None


def _read_v2(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str, str | None]]:
    for number, doc, error in read_v2(lines):
        yield number, doc, error, None


def read_v2(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str]]:
    """JSON:API pages, one per line (or one pretty-printed page): rows are numbered by line for
    one-resource-per-line files, by position for pages."""
    text_lines = list(lines) if not isinstance(lines, list) else lines
    content = "".join(text_lines).strip()
    documents: list[tuple[int, object]]
    try:
        documents = [(1, json.loads(content))] if content else []
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text_lines, start=1):
            if line.strip():
                try:
                    documents.append((number, json.loads(line)))
                except json.JSONDecodeError:
                    yield number, None, "JSON illisible"
    position = 0
    for number, doc in documents:
        resources = doc.get("data", []) if isinstance(doc, dict) and "data" in doc else [doc]
        for resource in resources:
            position += 1
            yield (position if len(documents) == 1 else number), resource, ""


# --- writing ---------------------------------------------------------------------------------


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
    from .services import cra_ecrits_en_masse

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
