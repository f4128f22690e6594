"""Recompute the statistics rollups from the CRAs (after a bulk load that bypassed the import,
or after a deployment that adds a rollup table). Safe to run at any time: readers wait on the
rollup lock and then see complete figures."""

import time

from django.core.management.base import BaseCommand

from statistiques.cumuls import reconstruire


class Command(BaseCommand):
    help = "Recalcule les cumuls des statistiques à partir des CRA."

    def handle(self, *args, **options):
        started = time.monotonic()
        reconstruire()
        self.stdout.write(
            self.style.SUCCESS(f"Cumuls des statistiques recalculés en {time.monotonic() - started:.1f} s.")
        )
