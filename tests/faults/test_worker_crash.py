"""A worker killed in the middle of a task, and the same task delivered twice: the task is
redelivered by Redis to another worker and the outcome equals one clean run (no tranche made
due twice, no second email). PostgreSQL (row locks stop the task at a known point) and Redis."""

import importlib
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from conumapp.models import OutboxEmail
from conventions import services
from conventions.calculs import add_months
from conventions.enums import TrancheStatut
from tests.conumapp.test_celery import queue_row
from tests.conventions.factories import (
    StructureFactory,
    conseiller_recrute,
    contrat_accepte,
    convention_signee,
)
from tests.fake_smtp import FakeSMTPServer

from .conftest import row_lock, wait_for_lock_waiter, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]

DIGEST = "conventions/emails/digest_tranches_dues"
WORKER_ENV = {"CELERY_VISIBILITY_TIMEOUT": "3", "OUTBOX_CLAIM_TIMEOUT_SECONDS": "600"}


def past_visibility_timeout():
    """Redis hands an unacknowledged task over once it is older than the visibility timeout,
    when a worker starts (or polls): wait that long after the kill."""
    time.sleep(int(WORKER_ENV["CELERY_VISIBILITY_TIMEOUT"]) + 1)


def _convention_with_three_posts():
    from django.apps import apps

    # Transactional tests flush the tables: reload the shipped barème from its data migration.
    importlib.import_module("conventions.migrations.0002_baremes_par_defaut").forwards(apps, None)
    structure = StructureFactory(postes=3)
    for poste in structure.postes.order_by("pk"):
        contrat_accepte(structure, poste)
        conseiller_recrute(structure, poste, debut=timezone.localdate() - timedelta(days=900))
    convention = convention_signee(
        structure, signed_on=add_months(timezone.localdate(), -6) + timedelta(days=2)
    )
    tranches = list(convention.tranches.filter(numero=2).order_by("pk"))
    assert len(tranches) == 3 and all(t.statut == TrancheStatut.PREVUE for t in tranches)
    return convention, tranches


def test_worker_killed_mid_task_the_task_is_redelivered_and_ends_as_one_clean_run(
    postgres_only, celery_worker
):
    convention, tranches = _convention_with_three_posts()
    day = tranches[0].date_prevue
    expected = {t.pk: services.calcul_tranche(t)[0] for t in tranches}
    with FakeSMTPServer() as smtp:
        env = {**WORKER_ENV, "EMAIL_URL": smtp.url}
        first = celery_worker(broker="redis", env=env)
        with row_lock("conventions_tranche", tranches[-1].pk):
            first.send("conventions.tasks.tranches_dues_quotidien", today=day.isoformat())
            wait_for_lock_waiter()  # two tranches done and committed, the third one waits
            first.process.kill()  # SIGKILL: no acknowledgement, no clean shutdown
            first.process.wait(20)
        assert convention.tranches.filter(numero=2, statut=TrancheStatut.DUE).count() == 2
        assert not OutboxEmail.objects.filter(template=DIGEST).exists()

        # Another worker on the same queue: Redis hands it the unacknowledged task.
        past_visibility_timeout()
        second = celery_worker(broker="redis", env=env, queue=first.queue)
        wait_until(
            lambda: convention.tranches.filter(numero=2, statut=TrancheStatut.DUE).count() == 3,
            message=f"la tâche n'a pas été relivrée :\n{second.log()}",
        )
        wait_until(lambda: len(smtp.messages) == 1, message=f"pas de récapitulatif :\n{second.log()}")

        # The same task delivered once more changes nothing and sends nothing.
        assert (
            second.send("conventions.tasks.tranches_dues_quotidien", today=day.isoformat()).get(timeout=90)
            == 0
        )
        for tranche in convention.tranches.filter(numero=2):
            assert (tranche.statut, tranche.due_le, tranche.montant) == (
                TrancheStatut.DUE,
                day,
                expected[tranche.pk],
            )
        assert OutboxEmail.objects.filter(template=DIGEST).count() == 1
        assert len(smtp.messages) == 1


def test_worker_killed_while_sending_an_email_sends_it_once(postgres_only, celery_worker):
    email = queue_row("crash")  # written as notify() does; dispatched to the test's worker below
    with FakeSMTPServer() as smtp:
        env = {**WORKER_ENV, "EMAIL_URL": smtp.url}
        first = celery_worker(broker="redis", env=env)
        with row_lock("conumapp_outboxemail", email.pk):
            first.send("conumapp.tasks.send_outbox_email", email.pk)
            wait_for_lock_waiter()  # the worker waits to claim the row
            first.process.kill()
            first.process.wait(20)
        past_visibility_timeout()
        second = celery_worker(broker="redis", env=env, queue=first.queue)
        wait_until(lambda: len(smtp.messages) == 1, message=f"courriel jamais envoyé :\n{second.log()}")
        assert second.send("conumapp.tasks.send_outbox_email", email.pk).get(timeout=90) == "skipped"
        email.refresh_from_db()
        assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 1)
        assert len(smtp.messages) == 1
