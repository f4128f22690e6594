"""Concurrent recruitments (PostgreSQL row locks): only one succeeds."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from conseillers import services
from conseillers.enums import MiseEnRelationStatut as S
from conseillers.enums import TypeContrat
from conseillers.models import MiseEnRelation
from conumapp.services import DomainError

from .factories import ConseillerFactory, StructureFactory, membre, mise_en_relation, operateur

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

CDD = {
    "type_contrat": TypeContrat.CDD,
    "date_debut": date(2025, 3, 1),
    "date_fin": date(2026, 2, 28),
    "salaire_brut": Decimal("2100.00"),
}


def _race(*funcs):
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


def test_two_structures_recruit_the_same_advisor(postgres_only):
    candidat = ConseillerFactory()
    a, b = StructureFactory(), StructureFactory()
    ma, mb = membre(a), membre(b)
    mer_a, mer_b = mise_en_relation(a, candidat), mise_en_relation(b, candidat)
    results = _race(
        lambda: services.contrat_declarer(mise_en_relation=mer_a, by=ma, **CDD),
        lambda: services.contrat_declarer(mise_en_relation=mer_b, by=mb, **CDD),
    )
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert "déjà recruté" in next(message for kind, message in results if kind == "refus")
    assert MiseEnRelation.objects.filter(conseiller=candidat, statut=S.RECRUTEE).count() == 1


def test_structure_recruits_past_its_quota_from_two_tabs(postgres_only):
    structure = StructureFactory(nombre_postes_accordes=1)
    user = membre(structure)
    mer_1 = mise_en_relation(structure, ConseillerFactory())
    mer_2 = mise_en_relation(structure, ConseillerFactory())
    results = _race(
        lambda: services.contrat_declarer(mise_en_relation=mer_1, by=user, **CDD),
        lambda: services.contrat_declarer(mise_en_relation=mer_2, by=user, **CDD),
    )
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert "autant de recrutements que de postes" in next(m for k, m in results if k == "refus")
    assert MiseEnRelation.objects.filter(structure=structure).occupant_poste().count() == 1


def test_two_operators_validate_past_the_quota(postgres_only):
    structure = StructureFactory(nombre_postes_accordes=1, postes=2)
    op = operateur()
    mer_1 = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    mer_2 = mise_en_relation(structure, ConseillerFactory(), S.RECRUTEE)
    results = _race(
        lambda: services.recrutement_valider(mise_en_relation=mer_1, by=op),
        lambda: services.recrutement_valider(mise_en_relation=mer_2, by=op),
    )
    assert sorted(kind for kind, _ in results) == ["ok", "refus"]
    assert MiseEnRelation.objects.filter(structure=structure, statut=S.FINALISEE).count() == 1
    assert structure.postes.filter(etat="occupe").count() == 1
