"""Email notifications through an outbox.

Every email is written to :class:`~conumapp.models.OutboxEmail` in the same transaction as
the change that causes it; a Celery task sends it after commit. Templates come in pairs under
``templates/<app>/emails/<name>_subject.txt`` and ``<name>_body.txt`` (optionally
``<name>_body.html``).

Usage from a service::

    notify(to=[user.email], template="structures/emails/candidature_recue",
           context={"structure": structure}, key=f"candidature-recue:{structure.pk}")

``key`` makes a notification idempotent: a second call with the same key writes nothing.

Delivery guarantees (see :func:`deliver`):

* a row is *claimed* (status ``sending`` + ``claimed_at``) in its own transaction, under a
  row lock, before the SMTP conversation; any other delivery of the task (a duplicate
  ``delay``, a broker redelivery with ``acks_late``, the periodic sweep) sees the claim and
  sends nothing. On SQLite, ``select_for_update`` is a no-op but the ``IMMEDIATE``
  transactions configured in settings serialise the claims the same way;
* an SMTP failure puts the row back to ``pending`` with an exponential backoff
  (``OUTBOX_RETRY_BASE_SECONDS`` × 2^(attempts-1), at most one hour) and the task retries;
  after ``OUTBOX_MAX_ATTEMPTS`` attempts it is ``failed``: visible in the admin, which can
  "renvoyer" it;
* the only window left for a duplicate is a worker that dies *after* the SMTP server accepted
  the message and *before* the row is marked ``sent``. Such a claim goes stale after
  ``OUTBOX_CLAIM_TIMEOUT_SECONDS`` and the sweep sends the email again: delivery is
  at-least-once, by choice, because a lost notification (convention to sign, tranche paid)
  costs more than a rare duplicate. The ``Message-ID`` is stable per row, so mail clients can
  recognise such a duplicate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboxEmail
from .services import DomainError

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_RETRY_BASE_SECONDS = 30
DEFAULT_CLAIM_TIMEOUT_SECONDS = 15 * 60
MAX_RETRY_DELAY_SECONDS = 3600


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt (exponential, capped)."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY_SECONDS)


def stale_claim_limit(now: datetime | None = None) -> datetime:
    """A ``sending`` claim older than this is considered abandoned by a dead worker."""
    timeout = getattr(settings, "OUTBOX_CLAIM_TIMEOUT_SECONDS", DEFAULT_CLAIM_TIMEOUT_SECONDS)
    return (now or timezone.now()) - timedelta(seconds=timeout)


# --- Queueing --------------------------------------------------------------------------------


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    try:
        html = render_to_string(f"{template}_body.html", context)
    except TemplateDoesNotExist:
        html = ""
    return subject, body, html


def notify(
    *, to: list[str], template: str, context: dict | None = None, key: str | None = None
) -> OutboxEmail | None:
    """Queue an email; returns the outbox row, or None when ``key`` was already queued or no recipient.

    Call it inside the transaction of the change that causes the email: if that transaction
    rolls back, the email is never written, and it is dispatched only after commit.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    if key and OutboxEmail.objects.filter(key=key).exists():
        return None
    subject, body, html = render_email(template, context or {})
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                key=key, template=template, to=recipients, subject=subject, body=body, html_body=html
            )
    except IntegrityError:
        if key:
            return None  # a concurrent call queued the same key first
        raise
    transaction.on_commit(lambda: schedule(email.pk))
    return email


def schedule(email_id: int) -> None:
    """Hand the row to a worker. If the broker is down, the periodic sweep sends it later."""
    from kombu.exceptions import OperationalError

    from .tasks import send_outbox_email

    try:
        send_outbox_email.delay(email_id)
    except (OperationalError, ConnectionError) as error:
        logger.warning(
            "outbox %s: broker unreachable (%s), left to the sweep", email_id, type(error).__name__
        )


def resend(*, email: OutboxEmail) -> None:
    """Operator action "Renvoyer": give a failed (or waiting) email a fresh set of attempts."""
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().get(pk=email.pk)
        if email.status == OutboxEmail.Status.SENT:
            raise DomainError("Ce courriel a déjà été envoyé : il n'est pas renvoyé une seconde fois.")
        if email.status == OutboxEmail.Status.SENDING and email.claimed_at >= stale_claim_limit():
            raise DomainError("Ce courriel est en cours d'envoi : réessayez dans quelques minutes.")
        email.status = OutboxEmail.Status.PENDING
        email.attempts = 0
        email.claimed_at = None
        email.next_attempt_at = None
        email.save(update_fields=["status", "attempts", "claimed_at", "next_attempt_at"])
        transaction.on_commit(lambda: schedule(email.pk))


# --- Delivery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    status: str  # "sent", "skipped", "retry" or "failed"
    retry_in: int = 0


def _claim(email_id: int, now: datetime) -> OutboxEmail | None:
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in (OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED):
            return None
        if email.status == OutboxEmail.Status.SENDING and email.claimed_at >= stale_claim_limit(now):
            return None  # another delivery holds a live claim
        email.status = OutboxEmail.Status.SENDING
        email.claimed_at = now
        email.attempts += 1
        email.save(update_fields=["status", "claimed_at", "attempts"])
    return email


def build_message(email: OutboxEmail) -> EmailMultiAlternatives:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "conum.local"
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        # Stable per row: a rare at-least-once duplicate is recognisable by mail clients.
        headers={"Message-ID": f"<outbox-{email.pk}-{int(email.created_at.timestamp())}@{domain}>"},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def deliver(email_id: int) -> Delivery:
    """Send one outbox row at most once per claim; never raises for an SMTP failure."""
    now = timezone.now()
    email = _claim(email_id, now)
    if email is None:
        return Delivery("skipped")
    claimed = OutboxEmail.objects.filter(pk=email.pk, status=OutboxEmail.Status.SENDING, claimed_at=now)
    try:
        build_message(email).send()
    except Exception as error:  # SMTP and network errors: recorded, then retried with backoff
        error_text = f"{type(error).__name__}: {error}"[:2000]
        logger.warning("outbox %s: attempt %s failed (%s)", email.pk, email.attempts, type(error).__name__)
        if email.attempts >= max_attempts():
            claimed.update(status=OutboxEmail.Status.FAILED, last_error=error_text, next_attempt_at=None)
            logger.error("outbox %s: failed after %s attempts", email.pk, email.attempts)
            return Delivery("failed")
        delay = retry_delay(email.attempts)
        claimed.update(
            status=OutboxEmail.Status.PENDING,
            last_error=error_text,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        return Delivery("retry", delay)
    claimed.update(status=OutboxEmail.Status.SENT, sent_at=timezone.now(), next_attempt_at=None)
    return Delivery("sent")
