import io

import pytest
from django.core.management import call_command

from conumapp.models import Departement, Region
from conventions.enums import ConventionStatut, TrancheStatut
from conventions.models import Convention, Reconventionnement, Tranche

pytestmark = pytest.mark.django_db


def test_seed_demo_covers_every_status_paid_and_due_tranches_and_a_renewal(settings):
    region = Region.objects.get_or_create(code="84", defaults={"nom": "Auvergne-Rhône-Alpes"})[0]
    Departement.objects.get_or_create(code="69", defaults={"nom": "Rhône", "region": region})
    for code, nom in (("11", "Île-de-France"),):
        Region.objects.get_or_create(code=code, defaults={"nom": nom})
    call_command("seed_demo", "--force", stdout=io.StringIO())
    statuts = set(Convention.objects.values_list("statut", flat=True))
    assert statuts == set(ConventionStatut.values)
    assert Tranche.objects.filter(statut=TrancheStatut.VERSEE).exists()
    assert Tranche.objects.filter(statut=TrancheStatut.DUE).exists()
    assert Reconventionnement.objects.filter(statut="initie").exists()
    # Deterministic: same volume on a second database-level count
    assert Convention.objects.count() >= 8
