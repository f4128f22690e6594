"""Email notifications through an outbox.

Every email is written to :class:`~conumapp.models.OutboxEmail` in the same transaction as
the change that causes it; a Celery task sends it after commit (retried, idempotent).
Templates come in pairs under ``templates/<app>/emails/<name>_subject.txt`` and
``<name>_body.txt`` (optionally ``<name>_body.html``).

Usage from a service::

    notify(to=[user.email], template="structures/emails/candidature_recue",
           context={"structure": structure}, key=f"candidature-recue:{structure.pk}")

``key`` makes a notification idempotent: a second call with the same key writes nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string

from .models import OutboxEmail


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
    """Queue an email; returns the outbox row, or None when ``key`` was already queued or no recipient."""
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
    transaction.on_commit(lambda: _schedule(email.pk))
    return email


def _schedule(email_id: int) -> None:
    from .tasks import send_outbox_email

    send_outbox_email.delay(email_id)
