"""Benchmark data set: structures, advisors in post and N CRAs, written fast with COPY.

    DATABASE_URL=postgres://... .venv/bin/python bench/dataset.py [--cras N] [--reset]
    # N: --cras, else BENCH_CRAS, else 1,000,000

What it builds (PostgreSQL; SQLite only for tiny sizes in tests, with plain inserts):

* the territory referential through the migrations (``migrate``);
* 3,000 validated structures over every département (one at least each, the rest weighted by
  population; commune weighted by population inside the département), one member each;
* 4,000 advisors (statut RECRUTE) with a *finalisee* recruitment on an occupied post of one of
  those structures, started before the period (current posts), with unequal activity;
* N CRAs over the last 24 months (weekdays, fewer in August and at Christmas, growing over
  time): ~80 % individual, collective sessions of 2–30 participants, durations skewed to
  30–60 min, places, themes skewed like real usage (handling equipment, internet, e-mail and
  administrative procedures dominate), equipment and theme bit sets (cra/enums.py), age /
  gender / status counts summing to the participants, 0.5 % soft-deleted, and the
  denormalised scope (structure, département, région codes) of the advisor's structure.

Rows are drawn from a pool of pre-built CRA "bodies" (50,000 random sessions) combined with a
random advisor, day and hour, so the Python side stays cheap. For large loads the secondary
indexes and foreign keys of ``cra_cra`` are dropped in the same transaction as the COPY and
rebuilt afterwards, then the table is vacuumed and analysed.

Accounts (password ``conum-bench-2026``): ``conseiller-<i>@bench.conum.fr``,
``structure-<i>@bench.conum.fr``, ``prefecture-<dép>@bench.conum.fr``,
``hub-<région>@bench.conum.fr``, ``operateur@bench.conum.fr`` (staff).

Idempotent-ish: without ``--reset`` an existing bench reference is reused and only the missing
CRAs are added (so ``make bench`` does not regenerate each time); ``--reset`` removes every
bench row (the CRAs of bench advisors, then the advisors, structures and accounts).
Tests use :func:`build` at tiny sizes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")
    import django

    django.setup()

# The data set is split by part (each re-exported here, so ``dataset.<name>`` keeps working):
# reference data, structures, advisors and candidates in dataset_reference.py; CRA bodies and their
# distributions in dataset_bodies.py; COPY writing, ANALYZE and rollups rebuild in dataset_cras.py.
from bench.dataset_bodies import (  # noqa: E402
    AGE_WEIGHTS,
    AUTONOMIE,
    BODIES,
    DEMARCHE_WEIGHTS,
    DUREES_COLLECTIF,
    DUREES_INDIVIDUEL,
    GENRE_WEIGHTS,
    LIEUX_COLLECTIF,
    LIEUX_INDIVIDUEL,
    MATERIEL_WEIGHTS,
    NB_THEMES,
    NIVEAUX,
    PART_INDIVIDUEL,
    PART_SUPPRIMES,
    STATUT_WEIGHTS,
    THEME_WEIGHTS,
    _columns,
    _counts,
    _cumulative,
    _days,
    _text,
    make_bodies,
)
from bench.dataset_cras import (  # noqa: E402
    CHUNK,
    DROP_INDEXES_FROM,
    _p,
    _secondary_objects,
    analyze,
    refresh_rollups,
    write_cras,
)
from bench.dataset_reference import (  # noqa: E402
    DEFAULT_ADVISORS,
    DEFAULT_CRAS,
    DEFAULT_STRUCTURES,
    DOMAIN,
    LEGACY_PREFIX,
    MONTHS,
    PASSWORD,
    Advisor,
    Reference,
    _bench_conseillers,
    _bench_structures,
    build_reference,
    count_bench_cras,
    ensure_candidats,
    load_reference,
    reset,
)

__all__ = [
    "AGE_WEIGHTS", "AUTONOMIE", "BODIES", "CHUNK", "DEFAULT_ADVISORS", "DEFAULT_CRAS", "DEFAULT_STRUCTURES",
    "DEMARCHE_WEIGHTS", "DOMAIN", "DROP_INDEXES_FROM", "DUREES_COLLECTIF", "DUREES_INDIVIDUEL", "GENRE_WEIGHTS",
    "LEGACY_PREFIX", "LIEUX_COLLECTIF", "LIEUX_INDIVIDUEL", "MATERIEL_WEIGHTS", "MONTHS", "NB_THEMES", "NIVEAUX",
    "PART_INDIVIDUEL", "PART_SUPPRIMES", "PASSWORD", "STATUT_WEIGHTS", "THEME_WEIGHTS", "Advisor", "Reference",
    "Summary", "_bench_conseillers", "_bench_structures", "_columns", "_counts", "_cumulative", "_days", "_p",
    "_secondary_objects", "_text", "analyze", "build", "build_reference", "count_bench_cras", "ensure_candidats",
    "load_reference", "main", "make_bodies", "refresh_rollups", "require_postgresql", "reset", "write_cras",
]  # fmt: skip


@dataclass
class Summary:
    cras_before: int
    cras_added: int
    cras_total: int
    structures: int
    advisors: int
    seconds_reference: float
    seconds_cras: float
    seconds_indexes: float
    seconds_analyze: float

    @property
    def rate(self) -> float:
        return self.cras_added / self.seconds_cras if self.seconds_cras else 0.0


def build(
    cras: int, *, structures: int = DEFAULT_STRUCTURES, advisors: int = DEFAULT_ADVISORS, reset_first: bool = False,
    seed: int = 1, months: int = MONTHS, today: date | None = None, drop_indexes: bool | None = None,
    vacuum: bool = True, progress: bool = False,
) -> Summary:  # fmt: skip
    """Ensure the bench data set holds ``cras`` CRAs (adds the missing ones). Usable in tests."""
    from django.utils import timezone

    today = today or timezone.localdate()
    started = time.perf_counter()
    if reset_first:
        reset()
    reference = load_reference()
    if not reference.advisors:
        reference = build_reference(structures, advisors, random.Random(seed), today)
    else:  # data sets built before the operator became a superuser (admin pages of make load)
        from conumapp.models import User

        User.objects.filter(email=f"operateur@{DOMAIN}").update(is_staff=True, is_superuser=True)
    seconds_reference = time.perf_counter() - started
    before = count_bench_cras()
    missing = max(0, cras - before)
    if progress:
        _p(
            f"Référence : {reference.structures} structures, {len(reference.advisors)} conseillers en poste "
            f"({seconds_reference:.1f} s). CRA présents : {before:,} ; à ajouter : {missing:,}."
        )
    seconds_cras, seconds_indexes = write_cras(
        missing, reference, seed=seed + before, months=months, today=today, drop_indexes=drop_indexes,
        progress=progress,
    )  # fmt: skip
    analyzed = time.perf_counter()
    if missing:
        analyze(vacuum=vacuum)
        refresh_rollups()
    seconds_analyze = time.perf_counter() - analyzed
    return Summary(
        cras_before=before, cras_added=missing, cras_total=before + missing, structures=reference.structures,
        advisors=len(reference.advisors), seconds_reference=seconds_reference, seconds_cras=seconds_cras,
        seconds_indexes=seconds_indexes, seconds_analyze=seconds_analyze,
    )  # fmt: skip


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            "Le banc d'essai a besoin de PostgreSQL : définissez DATABASE_URL "
            "(par exemple postgres://conum:conum@127.0.0.1:5432/conum_bench). SQLite n'est pas mesuré."
        )


def main(argv=None) -> int:
    from django.core.management import call_command

    parser = argparse.ArgumentParser(description="Jeu de données du banc d'essai (CRA par COPY).")
    parser.add_argument("--cras", type=int, default=int(os.environ.get("BENCH_CRAS", DEFAULT_CRAS)))
    parser.add_argument("--structures", type=int, default=DEFAULT_STRUCTURES)
    parser.add_argument("--conseillers", type=int, default=DEFAULT_ADVISORS)
    parser.add_argument("--mois", type=int, default=MONTHS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="supprimer d'abord toutes les lignes du banc")
    parser.add_argument("--no-vacuum", action="store_true")
    args = parser.parse_args(argv)
    require_postgresql()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = build(
        args.cras, structures=args.structures, advisors=args.conseillers, reset_first=args.reset, seed=args.seed,
        months=args.mois, vacuum=not args.no_vacuum, progress=True,
    )  # fmt: skip
    _p(
        f"Jeu de données : {summary.cras_total:,} CRA ({summary.cras_added:,} ajoutés : écriture "
        f"{summary.seconds_cras:.1f} s soit {summary.rate:,.0f}/s, index {summary.seconds_indexes:.1f} s, "
        f"VACUUM/ANALYZE {summary.seconds_analyze:.1f} s) ; total {time.perf_counter() - started:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
