"""The daily task through a real Celery worker on Redis (tests/celery_helpers.py), on the test database."""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone

from conumapp.models import OutboxEmail
from conventions.calculs import add_months
from conventions.enums import TrancheStatut

from .factories import StructureFactory, conseiller_recrute, contrat_accepte, convention_signee

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def test_daily_task_runs_in_a_real_worker_and_twice_changes_nothing(celery_worker):
    from django.apps import apps

    # Transactional tests flush the tables: reload the shipped barème from its data migration.
    importlib.import_module("conventions.migrations.0002_baremes_par_defaut").forwards(apps, None)
    structure = StructureFactory()
    poste = structure.postes.get()
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=timezone.localdate() - timedelta(days=900))
    convention = convention_signee(
        structure, signed_on=add_months(timezone.localdate(), -6) + timedelta(days=2)
    )
    day = convention.tranches.get(numero=2).date_prevue.isoformat()
    worker = celery_worker(broker="redis")
    first = worker.send("conventions.tasks.tranches_dues_quotidien", today=day).get(timeout=90)
    second = worker.send("conventions.tasks.tranches_dues_quotidien", today=day).get(timeout=90)
    assert (first, second) == (1, 0), worker.log()
    assert convention.tranches.get(numero=2).statut == TrancheStatut.DUE
    assert OutboxEmail.objects.filter(template="conventions/emails/digest_tranches_dues").count() == 1
