"""The email outbox in process: written with the change, sent after commit, retried, never twice."""

import threading
from datetime import timedelta
from io import StringIO
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from conumapp.models import OutboxEmail
from conumapp.notifications import deliver, notify, resend, retry_delay
from conumapp.services import DomainError
from conumapp.tasks import send_outbox_email, send_pending_outbox

pytestmark = pytest.mark.django_db

TEMPLATE = "conumapp/emails/essai"


class FlakyBackend(BaseEmailBackend):
    """Fails the first ``failures`` sends (class-level counter), then behaves like locmem."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return LocmemBackend().send_messages(messages)


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.conumapp.test_outbox.FlakyBackend"
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    yield FlakyBackend
    FlakyBackend.failures = 0


def queue(reference="1", **kwargs):
    return notify(to=["a@example.org"], template=TEMPLATE, context={"reference": reference}, **kwargs)


def test_notify_renders_subject_and_bodies_and_queues_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = notify(
            to=["b@example.org", "a@example.org", "", "a@example.org"],
            template=TEMPLATE,
            context={"reference": "42"},
        )
        assert email.status == OutboxEmail.Status.PENDING
        assert mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    email.refresh_from_db()
    assert email.to == ["a@example.org", "b@example.org"]
    assert email.status == OutboxEmail.Status.SENT and email.attempts == 1 and email.sent_at
    [message] = mailoutbox
    assert message.subject == "[Conum] Courriel d'essai n° 42"
    assert "(référence 42)" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    assert message.to == ["a@example.org", "b@example.org"]
    assert message.extra_headers["Message-ID"].startswith(f"<outbox-{email.pk}-")


def test_notify_is_part_of_the_transaction_of_the_change():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue("annulé")
        raise RuntimeError("the change failed")
    assert not OutboxEmail.objects.exists()


def test_notify_key_is_idempotent_and_empty_recipients_write_nothing():
    assert queue(key="essai:1") is not None
    assert queue(key="essai:1") is None
    assert notify(to=["", None], template=TEMPLATE, context={}) is None
    assert OutboxEmail.objects.count() == 1


def test_drain_outbox_sends_rows_written_without_running_commit_hooks(drain_outbox, mailoutbox):
    queue("1")
    queue("2")
    sent = drain_outbox()
    assert [m.subject for m in sent] == ["[Conum] Courriel d'essai n° 1", "[Conum] Courriel d'essai n° 2"]
    assert drain_outbox() == []
    assert len(mailoutbox) == 2
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxEmail.Status.SENT}


def test_delivering_the_same_send_task_twice_sends_one_email(mailoutbox):
    email = queue()
    assert send_outbox_email.apply(args=[email.pk]).get() == "sent"
    assert send_outbox_email.apply(args=[email.pk]).get() == "skipped"
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_live_sending_claim_blocks_a_second_delivery(mailoutbox):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_at=timezone.now()
    )
    assert deliver(email.pk).status == "skipped"
    assert mailoutbox == []


def test_a_stale_claim_is_swept_and_sent_again_at_least_once(settings, mailoutbox):
    """The worker died between the SMTP acceptance and the 'sent' mark: the sweep resends."""
    email = queue()
    stale = timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1)
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.SENDING, claimed_at=stale)
    assert list(OutboxEmail.objects.due()) == [email]
    assert send_pending_outbox.apply().get() == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mailoutbox) == 1


def test_smtp_failure_puts_the_row_back_with_exponential_backoff(flaky_smtp, mailoutbox):
    flaky_smtp.failures = 2
    email = queue()
    before = timezone.now()
    first = deliver(email.pk)
    assert (first.status, first.retry_in) == ("retry", 30)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING and email.attempts == 1
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert before + timedelta(seconds=29) <= email.next_attempt_at <= timezone.now() + timedelta(seconds=31)
    # Not due yet: the periodic sweep leaves it to the task's own retry.
    assert not OutboxEmail.objects.due().exists()
    assert deliver(email.pk).retry_in == 60
    assert deliver(email.pk).status == "sent"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 3)
    assert len(mailoutbox) == 1
    assert [retry_delay(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_task_retries_then_marks_failed_after_max_attempts(flaky_smtp, settings, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky_smtp.failures = 10
    email = queue()
    # Eager in tests: a retry is not replayed inline; the row waits for its next attempt.
    assert send_outbox_email.apply(args=[email.pk]).get() == "retry"
    assert send_outbox_email.apply(args=[email.pk]).get() == "retry"
    assert send_outbox_email.apply(args=[email.pk]).get() == "failed"
    assert send_outbox_email.apply(args=[email.pk]).get() == "skipped"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.FAILED, 3)
    assert email.next_attempt_at is None
    assert OutboxEmail.objects.failed().get() == email
    assert not OutboxEmail.objects.due().exists()  # failed rows wait for an operator
    assert mailoutbox == []
    assert flaky_smtp.failures == 7


def test_resend_gives_a_failed_email_new_attempts(django_capture_on_commit_callbacks, mailoutbox):
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        resend(email=email)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)
    assert len(mailoutbox) == 1
    with pytest.raises(DomainError, match="déjà été envoyé"):
        resend(email=email)


def test_resend_refuses_an_email_being_sent():
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENDING, claimed_at=timezone.now()
    )
    with pytest.raises(DomainError, match="en cours d'envoi"):
        resend(email=email)


def test_admin_lists_failures_and_resends_them(admin_client, django_capture_on_commit_callbacks, mailoutbox):
    failed = queue("échec")
    sent = queue("parti")
    OutboxEmail.objects.filter(pk=failed.pk).update(
        status=OutboxEmail.Status.FAILED, attempts=8, last_error="SMTPDataError: (451, b'busy')"
    )
    OutboxEmail.objects.filter(pk=sent.pk).update(status=OutboxEmail.Status.SENT)
    url = reverse("admin:conumapp_outboxemail_changelist")

    page = admin_client.get(url, {"status__exact": "failed"})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Courriel d&#x27;essai n° échec" in content and "SMTPDataError" in content
    assert "n° parti" not in content

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )
    messages = [str(m) for m in response.context["messages"]]
    assert "Ce courriel a déjà été envoyé : il n'est pas renvoyé une seconde fois." in messages
    assert "1 courriel(s) remis en file d'envoi." in messages
    failed.refresh_from_db()
    assert failed.status == OutboxEmail.Status.SENT
    assert [m.subject for m in mailoutbox] == ["[Conum] Courriel d'essai n° échec"]


def test_outbox_admin_is_read_only(admin_client):
    email = queue()
    assert admin_client.get(reverse("admin:conumapp_outboxemail_add")).status_code == 403
    page = admin_client.get(reverse("admin:conumapp_outboxemail_change", args=[email.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(reverse("admin:conumapp_outboxemail_delete", args=[email.pk])).status_code == 403


def test_periodic_sweep_is_declared_and_installed():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", stdout=StringIO())
    task = PeriodicTask.objects.get(name="Courriels : renvoyer les courriels en attente")
    assert task.task == "conumapp.tasks.send_pending_outbox"
    assert task.crontab.minute == "*/10"
    call_command("setup_periodic_tasks", stdout=StringIO())
    assert PeriodicTask.objects.filter(name=task.name).count() == 1


def test_mail_outbox_starts_empty_for_each_test():
    assert mail.outbox == []


def test_broker_down_at_commit_leaves_the_row_to_the_sweep(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(send_outbox_email, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            email = queue("sans-broker")  # the change still commits: no 500 for the user
    assert "left to the sweep" in caplog.text and "a@example.org" not in caplog.text
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.PENDING
    assert send_pending_outbox.apply().get() == 1
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT


def test_periodic_tasks_removed_from_code_are_disabled_and_pauses_kept(monkeypatch):
    from django_celery_beat.models import PeriodicTask

    from conumapp import periodic

    declared = {
        "Essai : ancienne tâche": {"task": "conumapp.tasks.ping", "crontab": {"minute": 5}},
        "Essai : tâche gardée": {"task": "conumapp.tasks.ping", "crontab": {"minute": 7, "hour": 3}},
    }
    monkeypatch.setattr(periodic, "declared_tasks", lambda: dict(declared))
    periodic.install_periodic_tasks()
    kept = PeriodicTask.objects.get(name="Essai : tâche gardée")
    assert (kept.crontab.minute, kept.crontab.hour, kept.enabled) == ("7", "3", True)
    PeriodicTask.objects.filter(pk=kept.pk).update(enabled=False)  # paused by an operator
    PeriodicTask.objects.create(
        name="Créée à la main", task="conumapp.tasks.ping", interval=None, crontab=kept.crontab
    )

    del declared["Essai : ancienne tâche"]
    periodic.install_periodic_tasks()
    assert not PeriodicTask.objects.get(name="Essai : ancienne tâche").enabled
    assert not PeriodicTask.objects.get(name="Essai : tâche gardée").enabled
    assert PeriodicTask.objects.get(name="Créée à la main").enabled


class SlowBackend(BaseEmailBackend):
    """locmem, slowed down so that two deliveries overlap during the SMTP conversation."""

    def send_messages(self, messages):
        threading.Event().wait(0.5)
        return LocmemBackend().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_send_one_email(settings, mailoutbox):
    """Two workers deliver the same row at the same time: the claim lets only one send."""
    settings.EMAIL_BACKEND = "tests.conumapp.test_outbox.SlowBackend"
    # Written directly: in a transactional test, notify's commit hook would send it at once.
    email = OutboxEmail.objects.create(to=["a@example.org"], subject="Concurrence", body="Bonjour")
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.append(deliver(email.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)
