"""Row export benchmark, run in its own process so its peak memory (VmHWM) is the export's.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_export.py [ROWS]   # default 1,000,000

Exports the operator's national CRAs of the most recent days holding about ROWS rows with
``statistiques.export_cras`` (the code of the CSV view and of the background task): time to the
first block (header) and to the first block of rows, rows/s, peak RSS. Prints one JSON line.
Falls back to a plain streamed ``values_list`` CSV when the statistics export is absent (and
says so in the JSON).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import peak_rss_mb, require_postgresql, rss_mb, setup_django  # noqa: E402


def _debut(rows: int):
    """The first day of the most recent period holding ~``rows`` active CRAs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date FROM cra_cra WHERE deleted_at IS NULL ORDER BY date DESC OFFSET %s LIMIT 1", [rows]
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT MIN(date) FROM cra_cra")
            return cursor.fetchone()[0]
        return row[0]


def _plain_csv(queryset):
    import csv
    import io

    rows = queryset.values_list().iterator(chunk_size=5000)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    while True:
        batch = [row for _, row in zip(range(5000), rows, strict=False)]
        if not batch:
            return
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield len(batch), buffer.getvalue().encode()


def main(rows: int) -> dict:
    setup_django()
    require_postgresql()
    from django.http import QueryDict
    from django.utils import timezone

    from bench.dataset import DOMAIN
    from conumapp.models import User

    baseline = rss_mb()
    debut = _debut(rows)
    fin = timezone.localdate()
    user = User.objects.get(email=f"operateur@{DOMAIN}")
    try:
        from statistiques import export_cras

        selection = export_cras.selection(user, QueryDict(f"perimetre=national&debut={debut}&fin={fin}"))
        blocks = export_cras._blocs_csv(selection.cras)
        methode = "statistiques.export_cras (CSV)"
    except ImportError:
        from cra.models import Cra

        blocks = _plain_csv(Cra.objects.actifs().filter(date__gte=debut).order_by("date", "id"))
        methode = "values_list + csv (l'export des statistiques n'existe pas encore)"
    started = time.perf_counter()
    first_block = first_rows = None
    total = size = 0
    for count, block in blocks:
        now = time.perf_counter() - started
        if first_block is None:
            first_block = now
        if count and first_rows is None:
            first_rows = now
        total += count
        size += len(block)
    elapsed = time.perf_counter() - started
    return {
        "methode": methode,
        "lignes": total,
        "octets": size,
        "secondes": round(elapsed, 2),
        "debit": total / elapsed if elapsed else 0.0,
        "premier_octet_ms": (first_block or 0) * 1000,
        "premieres_lignes_ms": (first_rows or 0) * 1000,
        "rss_depart_mo": round(baseline, 1),
        "rss_pic_mo": round(peak_rss_mb(), 1),
        "periode": f"{debut} → {fin}",
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
