"""Benchmark of the structure's candidate search: 50,000 candidates, nearest first, paginated.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_candidats.py [N]   # default 50,000

Seeds N candidates over the communes of the shipped referential (random distance_max, Pix,
CV, diploma), a validated structure in Lyon, then times the first page and a filtered page of
``conseillers.selectors.candidats_pour`` as the view runs it (count + page), and checks the
number of SQL queries does not depend on N. Uses the configured database: run it on a scratch
database (it migrates it and deletes the rows it created afterwards).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

PREFIX = "bench-candidat-"
RUNS = 20
RESULTS: list[dict] = []


def seed(n: int):
    from django.contrib.auth.hashers import make_password

    from conseillers.enums import DistanceMax, PixNiveau
    from conseillers.models import Conseiller
    from conumapp.models import Commune, Departement, User
    from structures.enums import StructureStatut, StructureType
    from structures.models import Structure

    rng = random.Random(50_000)  # noqa: S311 - benchmark data
    communes = list(
        Commune.objects.filter(latitude__isnull=False)
        .exclude(departement__code__startswith="97")
        .values_list("code_insee", "departement_id", "latitude", "longitude")
    )
    if not communes:
        sys.exit("Référentiel des communes vide : lancez d'abord manage.py migrate (ou load_territories).")
    password = make_password(None)
    batch = 5000
    for start in range(0, n, batch):
        users = [
            User(email=f"{PREFIX}{i}@bench.conum.fr", first_name="Bench", last_name=str(i), password=password)
            for i in range(start, min(n, start + batch))
        ]
        User.objects.bulk_create(users)
        users = User.objects.filter(email__in=[u.email for u in users]).only("pk", "last_name")
        rows = []
        for user in users:
            code, dep, lat, lon = rng.choice(communes)
            pix = rng.choice([None, *PixNiveau.values])
            rows.append(
                Conseiller(
                    user_id=user.pk,
                    prenom="Bench",
                    nom=user.last_name,
                    code_postal="00000",
                    commune_id=code,
                    departement_id=dep,
                    latitude=lat,
                    longitude=lon,
                    disponible=rng.random() < 0.9,
                    distance_max=rng.choice(DistanceMax.values),
                    pix_niveau=pix,
                    pix_partage=pix is not None,
                    cv="cv/bench.pdf" if rng.random() < 0.6 else "",
                    diplome_mediation=rng.random() < 0.3,
                    ccp1_obtenu=rng.random() < 0.1,
                )  # fmt: skip
            )
        Conseiller.objects.bulk_create(rows)
    lyon = Commune.objects.get(code_insee="69123")
    structure = Structure.objects.create(
        siret="21690123499999", nom="Structure du banc d'essai", type=StructureType.COMMUNE,
        statut=StructureStatut.VALIDATION_COSELEC, adresse="1 place Bellecour", code_postal="69002",
        commune=lyon, departement=Departement.objects.get(code="69"), region_id="84",
        contact_prenom="Bench", contact_nom="Mark", contact_email="bench@bench.conum.fr", nombre_postes_accordes=3,
    )  # fmt: skip
    return structure


def cleanup(structure) -> None:
    from conseillers.models import Conseiller
    from conumapp.models import User

    Conseiller.objects.filter(user__email__startswith=PREFIX).delete()
    User.objects.filter(email__startswith=PREFIX).delete()
    structure.delete()


def page(structure, filtres=None):
    from django.core.paginator import Paginator

    from conseillers.selectors import candidats_pour

    paginator = Paginator(candidats_pour(structure, filtres).select_related("commune"), 20)
    current = paginator.get_page(1)
    return paginator.count, [(c.pk, c.distance, c.commune.nom) for c in current.object_list]


def measure(label, func):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()  # warm
    timings = []
    with CaptureQueriesContext(connection) as queries:
        result = func()
    for _ in range(RUNS):
        started = time.perf_counter()
        func()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"  {label:<40} {result[0]:>7} candidats  {len(queries)} requêtes  "
        f"médiane {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms"
    )
    RESULTS.append({"recherche": label, "candidats": result[0], "requetes": len(queries),
                    "p50": statistics.median(timings), "p95": p95})  # fmt: skip
    return len(queries)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    from django.db import connection

    from conseillers.selectors import Filtres

    call_command("migrate", verbosity=0)
    print(f"Recherche de candidats ({connection.vendor}) : génération de {n} candidats…")
    started = time.perf_counter()
    structure = seed(n)
    print(f"  génération : {time.perf_counter() - started:.1f} s")
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE conseillers_conseiller")
        q1 = measure("première page (Lyon)", lambda: page(structure))
        q2 = measure("filtrée (CV, Pix ≥ 2)", lambda: page(structure, Filtres(avec_cv=True, pix_niveau=2)))
        assert q1 == q2 == 2, "le nombre de requêtes doit rester fixe (comptage + page)"
    finally:
        if os.environ.get("BENCH_SCRATCH") != "1":  # make bench drops its scratch database instead
            cleanup(structure)
    # One machine-readable line for bench/run.py.
    print("BENCH_JSON " + json.dumps({"candidats": n, "mesures": RESULTS}))


if __name__ == "__main__":
    main()
