"""Two operators deciding on the same structure at once: only one succeeds (row lock)."""

import threading

import pytest
from django.db import connection

from conumapp.services import DomainError
from structures import services
from structures.enums import DecisionType, DemandePosteStatut, DemandePosteType, MotifRetrait, StructureStatut
from structures.models import DecisionCoselec, DemandePoste, Structure

from .factories import StructureFactory, membre, operateur

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _race(funcs):
    barrier = threading.Barrier(len(funcs))
    results = []

    def run(func):
        try:
            barrier.wait()
            results.append(("ok", func()))
        except DomainError as error:
            results.append(("refus", error.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(func,)) for func in funcs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_operators_refuse_the_same_candidature(postgres_only):
    structure = StructureFactory()
    op1, op2 = operateur(), operateur()
    results = _race([
        lambda: services.coselec_decider(structure=structure, by=op1, numero=1, type=DecisionType.REFUS),
        lambda: services.coselec_decider(structure=structure, by=op2, numero=2, type=DecisionType.REFUS),
    ])  # fmt: skip
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert DecisionCoselec.objects.filter(structure=structure).count() == 1
    assert Structure.objects.get(pk=structure.pk).statut == StructureStatut.REFUS_COSELEC


def test_validation_and_refusal_at_once(postgres_only):
    structure = StructureFactory()
    op1, op2 = operateur(), operateur()
    results = _race([
        lambda: services.coselec_decider(structure=structure, by=op1, numero=1, type=DecisionType.VALIDATION,
                                         nombre_postes=2),
        lambda: services.coselec_decider(structure=structure, by=op2, numero=1, type=DecisionType.REFUS),
    ])  # fmt: skip
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert DecisionCoselec.objects.filter(structure=structure).count() == 1
    structure.refresh_from_db()
    expected_posts = 2 if structure.statut == StructureStatut.VALIDATION_COSELEC else 0
    assert structure.postes.count() == expected_posts


def test_two_operators_accept_the_same_request(postgres_only):
    structure = StructureFactory(validee=True, postes=None)
    demande = services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.RETRAIT,
                                     nombre=1, motif=MotifRetrait.BESOIN)  # fmt: skip
    op1, op2 = operateur(), operateur()
    results = _race([
        lambda: services.demande_decider(demande=demande, by=op1, accepter=True),
        lambda: services.demande_decider(demande=demande, by=op2, accepter=True),
    ])  # fmt: skip
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert DemandePoste.objects.get().statut == DemandePosteStatut.VALIDEE
    assert structure.postes.vacants().count() == 1
