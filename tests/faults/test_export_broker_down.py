"""A large CRA export requested while the Celery broker is down: the request succeeds (the export
waits in the database, one warning without personal data), and the periodic relaunch queues it
once the broker is back: the file is written and its link emailed exactly once."""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from statistiques.export_fond import RELANCE_APRES, relancer_exports
from statistiques.models import ExportCra
from statistiques.tasks import PERIODIC_TASKS
from tests.conventions.factories import StructureFactory, membre
from tests.cra.factories import CraFactory, conseiller_en_poste

from .conftest import free_port
from .test_redis_down import web_broker

pytestmark = pytest.mark.django_db


def test_export_requested_while_the_broker_is_down_is_prepared_once_it_is_back(
    client, settings, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    settings.EXPORT_CRAS_SYNC_MAX = 1
    structure = StructureFactory(nom="Médiathèque de Lyon")
    conseiller = conseiller_en_poste(structure)
    hier = timezone.localdate() - timedelta(days=1)
    CraFactory(conseiller=conseiller, date=hier)
    CraFactory(conseiller=conseiller, date=hier - timedelta(days=2))
    user = membre(structure)
    client.force_login(user)

    dead_broker = f"redis://127.0.0.1:{free_port()}/0"
    with (
        web_broker(dead_broker, "faults-export"),
        caplog.at_level(logging.WARNING, logger="statistiques.export_fond"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            f"{reverse('statistiques:export_cras')}?perimetre=structure:{structure.pk}", {"format": "csv"}
        )
    job = ExportCra.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("statistiques:export_cras_statut", args=[job.pk])
    assert job.statut == ExportCra.Statut.EN_ATTENTE
    (warning,) = [r for r in caplog.records if r.name == "statistiques.export_fond"]
    assert "injoignable" in warning.getMessage() and user.email not in warning.getMessage()
    assert not mailoutbox

    # Broker back (tasks run eagerly here). A recent waiting export may still be in a queue.
    assert relancer_exports() == 0
    later = timezone.now() + RELANCE_APRES + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert relancer_exports(now=later) == 1
    job.refresh_from_db()
    assert (job.statut, job.lignes) == (ExportCra.Statut.TERMINE, 2)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    # A second relaunch finds nothing to do, and a forced re-run sends no second email.
    with django_capture_on_commit_callbacks(execute=True):
        assert relancer_exports(now=later) == 0
    assert len(mailoutbox) == 1


def test_an_export_whose_worker_was_lost_is_queued_again(django_capture_on_commit_callbacks, mailoutbox):
    structure = StructureFactory()
    CraFactory(conseiller=conseiller_en_poste(structure), date=timezone.localdate())
    user = membre(structure)
    started = timezone.now() - timedelta(hours=2)
    job = ExportCra.objects.create(
        user=user, format="csv", parametres=f"perimetre=structure:{structure.pk}",
        statut=ExportCra.Statut.EN_COURS, started_at=started,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert relancer_exports() == 1
    job.refresh_from_db()
    assert job.statut == ExportCra.Statut.TERMINE and len(mailoutbox) == 1


def test_the_relaunch_is_a_periodic_task():
    tasks = {entry["task"] for entry in PERIODIC_TASKS.values()}
    assert "statistiques.tasks.relancer_exports_cras" in tasks
