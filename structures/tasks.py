"""Daily task: delete expired structure invitations (they hold an email address and serve no
purpose once expired; docs/rgpd.md). Idempotent."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from .models import Invitation

PERIODIC_TASKS = {
    "Données personnelles : supprimer les invitations expirées": {
        "task": "structures.tasks.supprimer_invitations_expirees",
        "crontab": {"minute": "20", "hour": "3"},
    },
}


def supprimer_invitations_expirees_avant(now: datetime) -> int:
    """Delete invitations whose validity ended before ``now`` (accepted ones have already
    made their member; the others can no longer be used). Returns how many."""
    deleted, _ = Invitation.objects.filter(expires_at__lt=now).delete()
    return deleted


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def supprimer_invitations_expirees(now: str | None = None) -> int:
    return supprimer_invitations_expirees_avant(datetime.fromisoformat(now) if now else timezone.now())
