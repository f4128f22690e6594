"""Territory referential helpers: postcode lookups, commune search, distances.

The data (régions, départements, communes with postcodes, population and coordinates) comes
from ``conumapp/data/``, built by ``scripts/build_territories.py`` (see docs/territoires.md)
and loaded by the migration ``0003_territories`` or ``manage.py load_territories``.
Coordinates: © GeoNames (CC BY 4.0).
"""

from __future__ import annotations

import csv
import gzip
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from .models import CodePostal, Commune, Departement
from .sql import RequeteCompilee

DATA_DIR = Path(__file__).resolve().parent / "data"
EARTH_RADIUS_KM = 6371.0088
SEARCH_LIMIT_MAX = 50

# --- Normalisation ---------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase, accent-free text with hyphens, apostrophes and other punctuation as spaces.

    >>> normalise("L'Haÿ-les-Roses")
    'l hay les roses'
    """
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def _search_key(query: str) -> str:
    """normalise() plus the common abbreviations "st"/"ste" when followed by another word."""
    words = normalise(query).split()
    expanded = {"st": "saint", "ste": "sainte"}
    return " ".join(expanded.get(w, w) if i < len(words) - 1 else w for i, w in enumerate(words))


def clean_postcode(code: str) -> str:
    """Digits of a postcode, with the leading zero a spreadsheet may have dropped put back."""
    digits = re.sub(r"\D", "", str(code or ""))
    return digits.zfill(5) if len(digits) == 4 else digits


# --- Postcodes -------------------------------------------------------------------------------


_COMMUNE_CHAMPS = ("code_insee", "nom", "codes_postaux")
_COMMUNE = RequeteCompilee(
    lambda code: Commune.objects.filter(pk=code).order_by().values_list(*_COMMUNE_CHAMPS)[:1], code="§code§"
)


def commune_par_code(code: str) -> Commune | None:
    """The commune of an INSEE code, with its name and postcodes (the other fields load on
    access). Compiled once (conumapp.sql): the CRA form checks its commune at every filing."""
    row = _COMMUNE.ligne(code=code)
    return Commune.from_db(DEFAULT_DB_ALIAS, _COMMUNE_CHAMPS, row) if row else None


def communes_for_postcode(code: str) -> models.QuerySet[Commune]:
    """Communes served by a postcode, most populated first (empty if the code is unknown)."""
    code = clean_postcode(code)
    if len(code) != 5:
        return Commune.objects.none()
    return (
        Commune.objects.filter(postcodes__code=code)
        .select_related("departement")
        .order_by(models.F("population").desc(nulls_last=True), "nom")
    )


def _departement_code_from_postcode(code: str) -> str:
    """Best guess without communes: Corsica by ranges, overseas by three digits."""
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    if code[:2] in {"97", "98"}:
        return code[:3]
    return code[:2]


def departement_for_postcode(code: str) -> Departement | None:
    """The département of a postcode.

    The communes the postcode serves decide (this handles Corsica's 20xxx, split between
    2A and 2B, and Saint-Barthélemy / Saint-Martin whose 971xx postcodes belong to 977 / 978);
    a postcode serving communes of two départements gives the one with most communes. Unknown
    postcodes fall back to the code's prefix (2 digits, 3 for 97x/98x).
    """
    code = clean_postcode(code)
    if len(code) != 5:
        return None
    counts = Counter(CodePostal.objects.filter(code=code).values_list("commune__departement_id", flat=True))
    if counts:
        best = max(sorted(counts), key=counts.__getitem__)
        return Departement.objects.filter(code=best).first()
    return Departement.objects.filter(code=_departement_code_from_postcode(code)).first()


# --- Search ----------------------------------------------------------------------------------


def _by_population(queryset):
    return queryset.order_by(models.F("population").desc(nulls_last=True), "nom", "code_insee")


def search_communes(query: str, limit: int = 20) -> list[Commune]:
    """Communes matching a name or a postcode, most relevant first.

    Digits search by postcode prefix ("69001" → Lyon, "690" → the 690xx communes); letters
    search the accent-free name, first by prefix (index on ``nom_recherche``), then anywhere in
    the name; both ranked by population. "69 lyon" combines both.
    """
    limit = max(1, min(int(limit), SEARCH_LIMIT_MAX))
    words = (query or "").split()
    digits = "".join(w for w in words if w.isdigit())
    key = _search_key(" ".join(w for w in words if not w.isdigit()))
    if not digits and not key:
        return []

    base = Commune.objects.select_related("departement")
    if digits:
        if len(digits) > 5:
            return []
        postcode_ids = CodePostal.objects.filter(code__startswith=digits).values("commune_id")
        base = base.filter(code_insee__in=postcode_ids)
    if not key:
        return list(_by_population(base)[:limit])

    results = list(_by_population(base.filter(nom_recherche__startswith=key))[:limit])
    if len(results) < limit:
        seen = [c.code_insee for c in results]
        results += _by_population(base.filter(nom_recherche__contains=key).exclude(code_insee__in=seen))[
            : limit - len(results)
        ]
    return results


# --- Distances -------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(commune_a: Commune, commune_b: Commune) -> float | None:
    """Distance as the crow flies between two communes, None if one has no coordinates."""
    if None in (commune_a.latitude, commune_a.longitude, commune_b.latitude, commune_b.longitude):
        return None
    return haversine_km(commune_a.latitude, commune_a.longitude, commune_b.latitude, commune_b.longitude)


def bounding_box(latitude: float, longitude: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a square containing the circle."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(latitude))
    # Near the poles the box spans every longitude (no French commune is there, but stay correct).
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def filter_bounding_box(
    queryset: models.QuerySet, *, latitude: float, longitude: float, radius_km: float, prefix: str = ""
) -> models.QuerySet:
    """Pre-filter any queryset on a lat/lon pair by the box around a circle (pure SQL).

    ``prefix`` reaches the coordinates through a relation, e.g. ``prefix="commune__"`` on a
    model with a ``commune`` foreign key. Rows in the box corners are further than
    ``radius_km``: follow with :func:`within_radius` for the exact distance.
    """
    min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
    return queryset.filter(
        **{
            f"{prefix}latitude__gte": min_lat,
            f"{prefix}latitude__lte": max_lat,
            f"{prefix}longitude__gte": min_lon,
            f"{prefix}longitude__lte": max_lon,
        }
    )


@dataclass(frozen=True)
class Nearby:
    obj: models.Model
    distance_km: float


def within_radius(
    queryset: models.QuerySet, *, latitude: float, longitude: float, radius_km: float, prefix: str = ""
) -> list[Nearby]:
    """Rows of ``queryset`` within ``radius_km`` of a point, nearest first, with their distance.

    ``within_radius(Commune.objects.all(), latitude=45.76, longitude=4.84, radius_km=20)``;
    for another model use ``prefix`` as in :func:`filter_bounding_box` (and ``select_related``
    the relation to avoid one query per row).
    """
    lat_path, lon_path = f"{prefix}latitude".split("__"), f"{prefix}longitude".split("__")

    def attr(obj, path):
        for name in path:
            obj = getattr(obj, name)
        return obj

    found = []
    for obj in filter_bounding_box(
        queryset, latitude=latitude, longitude=longitude, radius_km=radius_km, prefix=prefix
    ):
        distance = haversine_km(latitude, longitude, attr(obj, lat_path), attr(obj, lon_path))
        if distance <= radius_km:
            found.append(Nearby(obj, distance))
    found.sort(key=lambda item: item.distance_km)
    return found


# --- Loading the referential ------------------------------------------------------------------


def _read_csv(name: str) -> Iterator[dict]:
    path = DATA_DIR / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def read_regions() -> list[dict]:
    return [{"code": row["code"], "nom": row["nom"]} for row in _read_csv("regions.csv")]


def read_departements() -> list[dict]:
    return [
        {"code": row["code"], "nom": row["nom"], "region_id": row["region"] or None}
        for row in _read_csv("departements.csv")
    ]


def read_communes() -> list[dict]:
    communes = []
    for row in _read_csv("communes.csv.gz"):
        communes.append(
            {
                "code_insee": row["code_insee"],
                "nom": row["nom"],
                "nom_recherche": normalise(row["nom"]),
                "departement_id": row["departement"],
                "codes_postaux": row["codes_postaux"],
                "population": int(row["population"]) if row["population"] else None,
                "latitude": float(row["lat"]) if row["lat"] else None,
                "longitude": float(row["lon"]) if row["lon"] else None,
            }
        )
    return communes


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_referential(
    *,
    region_model,
    departement_model,
    commune_model,
    codepostal_model,
    refresh: bool = False,
    batch_size=2000,
) -> dict[str, int]:
    """Write the referential from ``conumapp/data/`` into the given models.

    The models are parameters so the data migration passes its historical models and the
    ``load_territories`` command the current ones. ``refresh=False`` assumes empty tables
    (plain inserts, fastest); ``refresh=True`` inserts or updates every row, removes the
    postcode links that disappeared and the communes that disappeared when nothing refers to
    them. Returns counts for reporting.
    """
    regions, departements, communes = read_regions(), read_departements(), read_communes()
    links = [(cp, c["code_insee"]) for c in communes for cp in c["codes_postaux"].split()]
    stats = {"regions": len(regions), "departements": len(departements), "communes": len(communes)}

    def write(model, rows, unique, fields):
        objects = [model(**row) for row in rows]
        for batch in _batches(objects, batch_size):
            if refresh:
                model.objects.bulk_create(
                    batch, update_conflicts=True, unique_fields=[unique], update_fields=fields
                )
            else:
                model.objects.bulk_create(batch)

    write(region_model, regions, "code", ["nom"])
    write(departement_model, departements, "code", ["nom", "region"])
    commune_fields = [
        "nom",
        "nom_recherche",
        "departement",
        "codes_postaux",
        "population",
        "latitude",
        "longitude",
    ]
    write(commune_model, communes, "code_insee", commune_fields)

    if refresh:
        wanted = set(links)
        existing = {
            (code, commune_id): pk
            for pk, code, commune_id in codepostal_model.objects.values_list("pk", "code", "commune_id")
        }
        stale = [pk for pair, pk in existing.items() if pair not in wanted]
        for batch in _batches(stale, batch_size):
            codepostal_model.objects.filter(pk__in=batch).delete()
        links = [pair for pair in links if pair not in existing]
        stats["codes_postaux_supprimes"] = len(stale)

        codes = {c["code_insee"] for c in communes}
        kept = 0
        obsolete = sorted(set(commune_model.objects.values_list("code_insee", flat=True)) - codes)
        for batch in _batches(obsolete, batch_size):
            for commune in commune_model.objects.filter(code_insee__in=batch):
                try:
                    with transaction.atomic():
                        commune.delete()
                except (ProtectedError, RestrictedError, IntegrityError):
                    kept += 1  # still referenced (a structure's address...): left for an operator
        stats["communes_obsoletes_conservees"] = kept

    for batch in _batches(links, batch_size):
        codepostal_model.objects.bulk_create(
            [codepostal_model(code=cp, commune_id=code) for cp, code in batch]
        )
    stats["codes_postaux_ajoutes"] = len(links)
    return stats
