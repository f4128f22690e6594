"""Benchmark data set, writing: the CRAs appended by COPY (secondary indexes and foreign keys of
``cra_cra`` dropped and rebuilt for large loads), ANALYZE / VACUUM and the statistics rollups rebuild.

Re-exported by ``bench/dataset.py`` (use ``from bench import dataset``).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta

from bench.dataset_bodies import BODIES, PART_SUPPRIMES, _columns, _cumulative, _days, _text, make_bodies
from bench.dataset_reference import MONTHS, Reference

CHUNK = 50_000
# Below this many new rows, indexes stay in place (rebuilding them would cost more).
DROP_INDEXES_FROM = 300_000


def _p(*args):
    print(*args, flush=True)


# --- writing ----------------------------------------------------------------------------------------


def _secondary_objects(cursor) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(index name, definition) of cra_cra's non-constraint indexes; (name, definition) of its FKs."""
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
           WHERE t.relname = 'cra_cra' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"""
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = 'cra_cra'::regclass AND contype = 'f'"""
    )
    return indexes, cursor.fetchall()


def write_cras(
    n: int, reference: Reference, *, seed: int = 1, months: int = MONTHS, today: date | None = None,
    drop_indexes: bool | None = None, progress: bool = False,
) -> tuple[float, float]:  # fmt: skip
    """Append ``n`` CRAs of the reference's advisors. Returns (seconds writing, seconds indexes)."""
    from django.db import connection, transaction
    from django.utils import timezone

    if n <= 0:
        return 0.0, 0.0
    if not reference.advisors:
        raise SystemExit("Aucun conseiller du banc d'essai : construisez d'abord la référence.")
    rng = random.Random(seed)
    today = today or timezone.localdate()
    advisor_cols, time_cols, body_cols = _columns()
    bodies = make_bodies(rng, min(BODIES, max(200, n)))
    body_texts = ["\t".join(_text(v) for v in body) for body in bodies]
    days, day_weights = _days(rng, today, months)
    # Activity per advisor: log-normal (a few advisors file many CRAs).
    adv_weights = [rng.lognormvariate(0, 0.6) for _ in reference.advisors]
    adv_values = [
        (a.conseiller_id, a.structure_id, a.departement, a.region, a.commune, a.code_postal)
        for a in reference.advisors
    ]
    adv_texts = ["\t".join(_text(v) for v in values) for values in adv_values]
    slots = [(h, m) for h in range(8, 19) for m in (0, 10, 20, 30, 40, 50)]
    time_texts = []  # per day: [(normal, deleted) per slot]
    time_values = []
    for day in days:
        per_day, per_day_values = [], []
        for h, m in slots:
            stamp = datetime(day.year, day.month, day.day, h, m, tzinfo=UTC)
            deleted = stamp + timedelta(hours=2)
            iso, iso_del = stamp.isoformat(sep=" "), deleted.isoformat(sep=" ")
            per_day.append((f"{day}\t{iso}\t{iso}\t\\N", f"{day}\t{iso}\t{iso}\t{iso_del}"))
            per_day_values.append(((day, stamp, stamp, None), (day, stamp, stamp, deleted)))
        time_texts.append(per_day)
        time_values.append(per_day_values)
    deleted_flags = [rng.random() < PART_SUPPRIMES for _ in bodies]

    adv_cum = _cumulative(adv_weights)
    day_cum = _cumulative(day_weights)
    n_adv, n_days, n_bodies, n_slots = len(adv_texts), len(days), len(bodies), len(slots)
    columns = advisor_cols + time_cols + body_cols
    postgres = connection.vendor == "postgresql"
    if drop_indexes is None:
        drop_indexes = postgres and n >= DROP_INDEXES_FROM
    started = time.perf_counter()
    seconds_indexes = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            dropped, foreign_keys = _secondary_objects(cursor) if drop_indexes else ([], [])
            for name, _definition in foreign_keys:
                cursor.execute(f'ALTER TABLE cra_cra DROP CONSTRAINT "{name}"')
            for name, _definition in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            sql = f"COPY cra_cra ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                done = 0
                while done < n:
                    size = min(CHUNK, n - done)
                    advs = rng.choices(range(n_adv), cum_weights=adv_cum, k=size)
                    dys = rng.choices(range(n_days), cum_weights=day_cum, k=size)
                    bods = [int(rng.random() * n_bodies) for _ in range(size)]
                    lines = [
                        f"{adv_texts[a]}\t{time_texts[d][int(rng.random() * n_slots)][deleted_flags[b]]}"
                        f"\t{body_texts[b]}\n"
                        for a, d, b in zip(advs, dys, bods, strict=True)
                    ]
                    copy.write("".join(lines).encode())
                    done += size
                    if progress and (done // CHUNK) % 20 == 0:
                        elapsed = time.perf_counter() - started
                        _p(f"  {done:>11,} CRA écrits ({done / elapsed:,.0f}/s)")
            written = time.perf_counter()
            if dropped or foreign_keys:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for name, definition in dropped:
                    if progress:
                        _p(f"  index {name}…")
                    cursor.execute(definition)
                for name, definition in foreign_keys:
                    cursor.execute(f'ALTER TABLE cra_cra ADD CONSTRAINT "{name}" {definition}')
            seconds_indexes = time.perf_counter() - written
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO cra_cra ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 - fixed columns
            rows = []
            for _ in range(n):
                a = rng.choices(range(n_adv), cum_weights=adv_cum)[0]
                d = rng.choices(range(n_days), cum_weights=day_cum)[0]
                b = int(rng.random() * n_bodies)
                rows.append(
                    adv_values[a] + time_values[d][int(rng.random() * n_slots)][deleted_flags[b]] + bodies[b]
                )
            cursor.executemany(sql, rows)
            written = time.perf_counter()
    return written - started, seconds_indexes


def analyze(vacuum: bool = True) -> None:
    """ANALYZE (and VACUUM outside a transaction: visibility map for index-only scans)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if vacuum and connection.get_autocommit() and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE) cra_cra")
        else:
            cursor.execute("ANALYZE cra_cra")
        for table in ("structures_structure", "conseillers_conseiller", "conseillers_miseenrelation",
                      "conumapp_user", "structures_membre"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")


def refresh_rollups() -> None:
    """Rebuild the statistics rollups (COPY bypasses the signals that keep them up to date)."""
    from django.apps import apps

    if not apps.is_installed("statistiques"):
        return
    try:
        from statistiques import cumuls
    except ImportError:
        return
    if callable(rebuild := getattr(cumuls, "reconstruire", None)):
        rebuild()
