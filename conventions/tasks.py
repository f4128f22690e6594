"""Daily tasks: tranches due (with the operators' digest), renewal and proof-of-use reminders.

Every task is idempotent: running it twice the same day changes nothing and sends nothing new;
after days of downtime it catches up without duplicates (outbox keys, state checks).
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services

PERIODIC_TASKS = {
    "Conventions : tranches dues et récapitulatif aux opérateurs": {
        "task": "conventions.tasks.tranches_dues_quotidien",
        "crontab": {"minute": "15", "hour": "6"},
    },
    "Conventions : rappels de reconventionnement (120, 90, 60, 30 jours)": {
        "task": "conventions.tasks.rappels_reconventionnement",
        "crontab": {"minute": "30", "hour": "7"},
    },
    "Conventions : rappel du justificatif d'utilisation de la subvention": {
        "task": "conventions.tasks.rappels_justificatif",
        "crontab": {"minute": "45", "hour": "7"},
    },
}


def _day(today: str | None) -> date:
    return date.fromisoformat(today) if today else timezone.localdate()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def tranches_dues_quotidien(today: str | None = None) -> int:
    day = _day(today)
    tranches = services.tranches_marquer_dues(today=day)
    services.digest_operateurs(today=day)
    return len(tranches)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rappels_reconventionnement(today: str | None = None) -> int:
    return services.rappels_reconventionnement(today=_day(today))


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rappels_justificatif(today: str | None = None) -> int:
    return services.rappels_justificatif(today=_day(today))
