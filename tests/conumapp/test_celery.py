"""Real Celery workers (subprocesses): round trips on Redis and on the embedded filesystem broker,
and the outbox sent through a real worker to a local SMTP server."""

import time

import pytest
from django.conf import settings
from django.db import connection

from conumapp import celery as celery_module
from conumapp.models import OutboxEmail
from conumapp.notifications import render_email
from tests.fake_smtp import FakeSMTPServer

RESULT_TIMEOUT = 90


def queue_row(reference: str) -> OutboxEmail:
    """The row ``notify`` writes (dispatch is left to the test: it targets the test's worker)."""
    subject, body, html = render_email("conumapp/emails/essai", {"reference": reference})
    return OutboxEmail.objects.create(
        key=f"essai:{reference}",
        template="conumapp/emails/essai",
        to=["destinataire@example.org"],
        subject=subject,
        body=body,
        html_body=html,
    )


def wait_for_status(email: OutboxEmail, status: str, worker) -> OutboxEmail:
    deadline = time.monotonic() + RESULT_TIMEOUT
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == status:
            return email
        time.sleep(0.1)
    raise AssertionError(f"état {email.status!r} au lieu de {status!r}\n{worker.log()}")


def test_settings_choose_the_embedded_broker_without_redis():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"].endswith("queue")
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    assert celery_module.app.conf.broker_url == settings.CELERY_BROKER_URL


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_round_trip_through_a_real_worker(celery_worker, broker):
    worker = celery_worker(broker=broker)
    result = worker.send("conumapp.tasks.ping", f"bonjour-{broker}")
    answer = result.get(timeout=RESULT_TIMEOUT)
    assert answer == {"value": f"bonjour-{broker}", "vendor": connection.vendor}
    assert result.successful()


@pytest.mark.django_db(transaction=True)
def test_outbox_retries_after_smtp_failure_then_sends_once(celery_worker):
    with FakeSMTPServer() as smtp:
        smtp.fail_next(1)
        worker = celery_worker(
            broker="filesystem",
            env={"EMAIL_URL": smtp.url, "OUTBOX_RETRY_BASE_SECONDS": "1", "OUTBOX_MAX_ATTEMPTS": "3"},
        )
        email = queue_row("retry")
        result = worker.send("conumapp.tasks.send_outbox_email", email.pk)
        assert result.get(timeout=RESULT_TIMEOUT) == "sent", worker.log()
        messages = smtp.wait_for(1)

        email = wait_for_status(email, OutboxEmail.Status.SENT, worker)
        assert smtp.refused == 1
        assert email.attempts == 2
        assert "SMTPDataError" in email.last_error  # the first failure stays visible
        assert email.sent_at is not None
        assert messages[0]["Subject"] == "[Conum] Courriel d'essai n° retry"
        assert (
            messages[0]["Message-ID"]
            == f"<outbox-{email.pk}-{int(email.created_at.timestamp())}@conum.anct.gouv.fr>"
        )
        assert smtp.recipients == [["destinataire@example.org"]]

        # A later redelivery of the same task (broker redelivery, sweep) sends nothing.
        assert (
            worker.send("conumapp.tasks.send_outbox_email", email.pk).get(timeout=RESULT_TIMEOUT) == "skipped"
        )
        assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broker", ["filesystem", pytest.param("redis", marks=pytest.mark.redis)])
def test_same_send_task_delivered_twice_sends_one_email(celery_worker, broker):
    with FakeSMTPServer() as smtp:
        worker = celery_worker(broker=broker, env={"EMAIL_URL": smtp.url})
        email = queue_row(f"double-{broker}")
        first = worker.send("conumapp.tasks.send_outbox_email", email.pk)
        second = worker.send("conumapp.tasks.send_outbox_email", email.pk)
        outcomes = sorted([first.get(timeout=RESULT_TIMEOUT), second.get(timeout=RESULT_TIMEOUT)])
        assert outcomes == ["sent", "skipped"], worker.log()
        assert len(smtp.messages) == 1
        email.refresh_from_db()
        assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_failed_after_max_attempts_on_a_real_worker(celery_worker):
    with FakeSMTPServer() as smtp:
        smtp.fail_next(10)
        worker = celery_worker(
            broker="filesystem",
            env={"EMAIL_URL": smtp.url, "OUTBOX_RETRY_BASE_SECONDS": "0", "OUTBOX_MAX_ATTEMPTS": "2"},
        )
        email = queue_row("echec")
        assert (
            worker.send("conumapp.tasks.send_outbox_email", email.pk).get(timeout=RESULT_TIMEOUT) == "failed"
        )
        email.refresh_from_db()
        assert (email.status, email.attempts, smtp.refused) == (OutboxEmail.Status.FAILED, 2, 2)
        assert smtp.messages == []
