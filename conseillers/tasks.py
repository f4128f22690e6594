"""Daily task: anonymise the candidates inactive for 24 months who were never recruited
(personal data retention, docs/rgpd.md). Idempotent: a second run the same day does nothing."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from . import retention

PERIODIC_TASKS = {
    "Données personnelles : anonymiser les candidats inactifs depuis 24 mois": {
        "task": "conseillers.tasks.anonymiser_candidats_inactifs",
        "crontab": {"minute": "10", "hour": "3"},
    },
}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def anonymiser_candidats_inactifs(now: str | None = None) -> int:
    """``now``: ISO date-time, for tests and catching up; the current time otherwise."""
    return retention.anonymiser_candidats_inactifs(now=datetime.fromisoformat(now) if now else None)
