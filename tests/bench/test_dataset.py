"""Smoke test of the benchmark data set generator (bench/dataset.py) at a tiny size."""

from datetime import date

import pytest
from django.db.models import F, Sum

from bench import dataset
from conseillers.enums import MiseEnRelationStatut
from conseillers.models import MiseEnRelation, structure_employant
from cra.enums import COMPTES
from cra.models import Cra

pytestmark = pytest.mark.django_db(transaction=False)


def test_build_tiny_dataset_is_consistent_and_idempotent():
    today = date(2026, 6, 15)
    summary = dataset.build(400, structures=12, advisors=20, today=today, months=6, vacuum=False)
    assert (summary.cras_added, summary.cras_total, summary.structures, summary.advisors) == (
        400,
        400,
        12,
        20,
    )

    cras = Cra.objects.filter(conseiller__legacy_id__startswith=dataset.LEGACY_PREFIX)
    assert cras.count() == 400
    # Every row is a valid CRA (model rules), inside the period, of the advisor's employer.
    for cra in cras.select_related("structure"):
        cra.clean()
        assert date(2025, 12, 1) <= cra.date < today
        assert cra.structure_id == structure_employant(cra.conseiller_id, cra.date)
        assert (cra.departement_code, cra.region_code) == (
            cra.structure.departement_id,
            cra.structure.region_id or "",
        )
        for prefix, _enum in COMPTES:
            assert sum(cra.comptes(prefix).values()) == cra.participants
    assert cras.filter(type="individuel").count() > cras.filter(type="collectif").count() > 0
    assert (
        cras.filter(type="collectif", participants__gte=2, participants__lte=30).count()
        == cras.filter(type="collectif").count()
    )
    assert MiseEnRelation.objects.filter(statut=MiseEnRelationStatut.FINALISEE).count() == 20

    # Re-running adds only the missing rows, and nothing when the target is reached.
    again = dataset.build(400, structures=12, advisors=20, today=today, months=6, vacuum=False)
    assert (again.cras_before, again.cras_added) == (400, 0)
    more = dataset.build(450, structures=12, advisors=20, today=today, months=6, vacuum=False)
    assert (more.cras_added, cras.count()) == (50, 450)
    assert cras.aggregate(n=Sum(F("participants")))["n"] >= 450

    dataset.reset()
    assert not Cra.objects.exists()
    assert not dataset.load_reference().advisors
