"""Core tasks: sending the email outbox."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboxEmail

PERIODIC_TASKS = {
    "Courriels : renvoyer les courriels en attente": {
        "task": "conumapp.tasks.send_pending_outbox",
        "crontab": {"minute": "*/10"},
    },
}


@shared_task(bind=True, max_retries=8, default_retry_delay=30)
def send_outbox_email(self, email_id: int) -> str:
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboxEmail.Status.PENDING:
            return "skipped"
        message = EmailMultiAlternatives(subject=email.subject, body=email.body, to=email.to)
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as error:  # SMTP and network errors: record, then retry with backoff
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= (self.max_retries or 0) + 1:
                email.status = OutboxEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            if email.status == OutboxEmail.Status.FAILED:
                return "failed"
            raise self.retry(exc=error, countdown=min(30 * 2 ** (email.attempts - 1), 3600)) from error
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


@shared_task
def send_pending_outbox() -> int:
    ids = list(OutboxEmail.objects.pending().values_list("pk", flat=True)[:500])
    for email_id in ids:
        send_outbox_email.delay(email_id)
    return len(ids)
