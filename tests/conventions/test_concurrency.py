"""Concurrent operators and duplicate task deliveries (PostgreSQL row locks)."""

import importlib
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conumapp.models import OutboxEmail
from conumapp.services import DomainError
from conventions import services, tasks
from conventions.calculs import add_months
from conventions.enums import ConventionEtat, TrancheStatut
from conventions.models import Convention, Tranche

from .factories import StructureFactory, conseiller_recrute, contrat_accepte, convention_signee, operateur

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _baremes():
    """Transactional tests flush the tables: reload the shipped barème from its data migration."""
    from django.apps import apps

    importlib.import_module("conventions.migrations.0002_baremes_par_defaut").forwards(apps, None)


def _race(func, n=2):
    barrier = threading.Barrier(n)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(("ok", func()))
        except DomainError as error:
            results.append(("refus", error.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_operators_sign_the_same_convention(postgres_only):
    op = operateur()
    convention = services.convention_rediger(structure=StructureFactory(), by=op)
    services.convention_envoyer(convention=convention, by=op)
    results = _race(lambda: services.convention_signer(convention=convention, by=op, date_signature=TODAY()))
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert Convention.objects.get(pk=convention.pk).etat == ConventionEtat.SIGNEE
    assert Tranche.objects.filter(convention=convention).count() == 3


def test_two_payments_of_the_same_tranche(postgres_only):
    op = operateur()
    structure = StructureFactory()
    contrat_accepte(structure, structure.postes.get())
    conseiller_recrute(structure, structure.postes.get(), debut=TODAY() - timedelta(days=900))
    convention = convention_signee(structure, signed_on=TODAY() - timedelta(days=40), by=op)
    tranche = convention.tranches.get(numero=1)
    results = _race(lambda: services.tranche_verser(tranche=tranche, by=op, date_versement=TODAY()))
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert OutboxEmail.objects.filter(template="conventions/emails/tranche_versee").count() <= 1


def test_duplicate_delivery_of_the_daily_task(postgres_only):
    structure = StructureFactory(postes=3)
    for poste in structure.postes.all():
        contrat_accepte(structure, poste)
        conseiller_recrute(structure, poste, debut=TODAY() - timedelta(days=900))
    convention = convention_signee(structure, signed_on=add_months(TODAY(), -6) + timedelta(days=2))
    day = convention.tranches.filter(numero=2).first().date_prevue.isoformat()
    results = _race(lambda: tasks.tranches_dues_quotidien(today=day), n=3)
    assert sum(count for _, count in results) == 3
    assert convention.tranches.filter(numero=2, statut=TrancheStatut.DUE).count() == 3
    assert OutboxEmail.objects.filter(template="conventions/emails/digest_tranches_dues").count() == 1
