"""Core tasks: sending the email outbox, and a ping to check that workers answer."""

from datetime import datetime, timedelta

from axes.models import AccessAttempt
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from .models import OutboxEmail
from .notifications import deliver

PERIODIC_TASKS = {
    "Courriels : renvoyer les courriels en attente": {
        "task": "conumapp.tasks.send_pending_outbox",
        "crontab": {"minute": "*/10"},
    },
    "Données personnelles : purger les courriels envoyés et les sessions expirées": {
        "task": "conumapp.tasks.purge_personal_data",
        "crontab": {"minute": "0", "hour": "3"},
    },
}

# Sent (or definitively failed) emails are kept this long in the outbox, then deleted.
OUTBOX_RETENTION_DAYS = 365

SWEEP_BATCH = 500


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_outbox_email(self, email_id: int) -> str:
    """Send one outbox row; idempotent (a second delivery of the same id sends nothing).

    The number of attempts is counted on the row (``OUTBOX_MAX_ATTEMPTS``), not by Celery.
    """
    result = deliver(email_id)
    if result.status == "retry":
        if self.request.is_eager:
            # Eager (tests, CELERY_TASK_ALWAYS_EAGER): no inline replay ignoring the backoff;
            # the row stays pending with its next attempt date, for the sweep.
            return "retry"
        raise self.retry(countdown=result.retry_in)
    return result.status


@shared_task
def send_pending_outbox() -> int:
    """Periodic sweep: dispatch due pending rows and stale claims (broker was down, worker died)."""
    ids = list(OutboxEmail.objects.due().order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    for email_id in ids:
        send_outbox_email.delay(email_id)
    return len(ids)


@shared_task
def ping(value: str = "pong") -> dict:
    """Round trip check for operators and tests: answers with the value and its database vendor."""
    return {"value": value, "vendor": connection.vendor}


def purge_personal_data_at(now: datetime) -> dict[str, int]:
    """Delete outbox emails sent or failed more than OUTBOX_RETENTION_DAYS ago (they hold
    addresses and names), expired sessions and finished login lockouts. Pending emails are
    never touched."""
    limit = now - timedelta(days=OUTBOX_RETENTION_DAYS)
    emails, _ = OutboxEmail.objects.filter(
        status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED], created_at__lt=limit
    ).delete()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    # Failed login records (IP address, hashed login) once their lockout period is over.
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME).delete()
    return {"emails": emails, "sessions": sessions, "login_attempts": attempts}


@shared_task
def purge_personal_data(now: str | None = None) -> dict[str, int]:
    """Daily, idempotent (see purge_personal_data_at); ``now``: ISO date-time for tests."""
    return purge_personal_data_at(datetime.fromisoformat(now) if now else timezone.now())
