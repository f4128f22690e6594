"""Benchmark of the legacy CRA import (v1): generate N rows, import them, print the rate.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_cra_import.py [N]   # default 1,000,000

Target: 1 million rows in under 3 minutes on PostgreSQL. Uses the configured database: run it on a
scratch database (it migrates it and deletes the CRAs it imported afterwards).
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

THEMES = ["courriel", "internet", "smartphone", "demarche en ligne", "securite", "traitement texte", "sante"]


def generate(path: Path, n: int, advisors: int = 4000) -> None:
    rng = random.Random(42)  # noqa: S311 - benchmark data
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            participants = 1 if rng.random() < 0.88 else rng.randint(2, 15)
            doc = {
                "_id": {"$oid": f"{i:024x}"},
                "conseiller": {"$oid": f"c{rng.randrange(advisors):023x}"},
                "structure": {"$oid": f"s{rng.randrange(3000):023x}"},
                "cra": {
                    "codePostal": f"{rng.randint(1000, 95999):05d}", "codeCommune": f"{rng.randint(1000, 95999)}",
                    "canal": rng.choice(["rattachement", "rattachement", "distance", "domicile", "autre lieu"]),
                    "activite": "individuel" if participants == 1 else "collectif",
                    "nbParticipants": participants, "nbParticipantsRecurrents": None,
                    "age": {"de35a60ans": participants}, "statut": {"enEmploi": participants},
                    "themes": rng.sample(THEMES, rng.randint(1, 3)),
                    "duree": rng.choice(["0-30", "30-60", "60", 90, 120]),
                    "dateAccompagnement": {"$date": f"202{rng.randint(1, 3)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"},
                    "organismes": None,
                },
            }  # fmt: skip
            out.write(json.dumps(doc) + "\n")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    from django.db import connection

    from cra.importer import import_file
    from cra.models import Cra

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cras.jsonl"
        started = time.perf_counter()
        generate(path, n)
        print(f"generated {n} rows in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with path.open(encoding="utf-8") as stream:
            run = import_file(stream, fmt="v1", dry_run=False, nom_fichier=path.name)
        elapsed = time.perf_counter() - started
    print(f"{connection.vendor}: imported {run.importees} rows (refused {run.refusees}) in {elapsed:.1f} s "
          f"= {run.importees / elapsed:,.0f} rows/s")  # fmt: skip
    imported = Cra.objects.filter(source="v1", source_id__regex=r"^[0-9a-f]{24}$")
    imported._raw_delete(imported.db)  # no per-row signals: this is a scratch database
    print("BENCH_JSON " + json.dumps({"lignes": n, "importees": run.importees, "refusees": run.refusees,
                                      "secondes": round(elapsed, 1), "debit": run.importees / elapsed}))  # fmt: skip


if __name__ == "__main__":
    main()
