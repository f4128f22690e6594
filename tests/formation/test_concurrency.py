"""Concurrent last-seat registrations (PostgreSQL row locks) and a task through a real worker."""

import importlib
import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conumapp.services import DomainError
from formation import services
from formation.enums import StatutSession
from formation.models import Inscription, Session

from .factories import SessionFactory, conseiller_eligible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _catalogue():
    from django.apps import apps

    importlib.import_module("formation.migrations.0002_catalogue").forwards(apps, None)


def test_concurrent_last_seat_registrations_only_one_wins(postgres_only):
    session = SessionFactory(capacite=1)
    conseillers = [conseiller_eligible(), conseiller_eligible(), conseiller_eligible()]
    barrier = threading.Barrier(len(conseillers))
    results = []

    def run(conseiller):
        try:
            barrier.wait()
            services.inscrire(
                session=session, conseiller=conseiller, acteur=conseiller.user, today=date(2026, 11, 1)
            )
            results.append("ok")
        except DomainError as error:
            results.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in conseillers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["Cette session est complète : aucune place n'est disponible."] * 2 + ["ok"]
    assert Inscription.objects.filter(session=session).count() == 1


@pytest.mark.redis
def test_cancellation_task_in_a_real_worker_twice(celery_worker):
    today = timezone.localdate()
    session = SessionFactory(date_debut=today + timedelta(days=10), minimum_inscrits=3)
    worker = celery_worker(broker="redis")
    first = worker.send("formation.tasks.annuler_sessions_sous_effectif").get(timeout=90)
    second = worker.send("formation.tasks.annuler_sessions_sous_effectif").get(timeout=90)
    assert (first, second) == (1, 0), worker.log()
    assert Session.objects.get(pk=session.pk).statut == StatutSession.ANNULEE
