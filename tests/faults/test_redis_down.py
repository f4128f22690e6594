"""Redis stops while an advisor files a CRA and a structure asks for posts: both requests succeed
(the data and the outbox rows are committed together), and the notification leaves once Redis is
back, through the worker's sweep, exactly once."""

import uuid
from contextlib import contextmanager

import pytest
from django.urls import reverse

from conumapp.models import OutboxEmail
from cra.models import Cra
from structures.enums import MotifAjout
from structures.models import DemandePoste
from tests.cra.factories import commune, conseiller_en_poste, form_data
from tests.fake_smtp import FakeSMTPServer
from tests.structures.factories import StructureFactory, membre, prefecture

from .conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@contextmanager
def web_broker(url: str, queue: str):
    """Publish from this process (the web side) to ``url`` instead of running tasks eagerly."""
    from conumapp.celery import app

    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}

    def reset_connections():
        # Drop (without closing: kombu's process-wide registry may share them) this app's pools,
        # so that the next publication connects to the broker now configured.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(task_always_eager=False, broker_url=url, task_default_queue=queue)
    reset_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        reset_connections()


def test_requests_succeed_while_redis_is_down_and_emails_leave_once_it_is_back(
    client, private_redis, celery_worker
):
    commune()
    structure = StructureFactory(validee=True)
    prefecture(structure.departement_id)
    conseiller = conseiller_en_poste(structure)
    queue = f"faults-{uuid.uuid4().hex[:8]}"

    with web_broker(private_redis.url, queue):
        private_redis.stop()

        client.force_login(conseiller.user)
        response = client.post(reverse("cra:saisir"), form_data(note="Pendant la panne de Redis"))
        assert response.status_code == 302, response.content.decode()[:500]
        assert Cra.objects.filter(conseiller=conseiller, note="Pendant la panne de Redis").count() == 1

        client.force_login(membre(structure))
        response = client.post(
            reverse("structures:demande_ajout", args=[structure.pk]),
            {"nombre": "1", "motif": MotifAjout.RENFORCER},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        demande = DemandePoste.objects.get(structure=structure)

    pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    assert pending.filter(key=f"structure-demande-creee:{demande.pk}").count() == 1
    waiting = pending.count()

    private_redis.start()  # Redis is back, same address
    with FakeSMTPServer() as smtp:
        worker = celery_worker(
            broker="redis", redis_url=private_redis.url, env={"EMAIL_URL": smtp.url}, queue=queue
        )
        assert worker.send("conumapp.tasks.send_pending_outbox").get(timeout=90) == waiting, worker.log()
        wait_until(lambda: len(smtp.messages) == waiting, message=f"courriels non envoyés :\n{worker.log()}")
        wait_until(lambda: not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists())
        # A second sweep finds nothing: each email left exactly once.
        assert worker.send("conumapp.tasks.send_pending_outbox").get(timeout=90) == 0
        assert len(smtp.messages) == waiting
        subjects = [message["Subject"] for message in smtp.messages]
        assert any("poste" in subject.lower() for subject in subjects), subjects
