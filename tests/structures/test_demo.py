import io

import pytest
from django.core.management import call_command

from conumapp.enums import Role
from conumapp.models import User
from conumapp.permissions import has_role
from structures.enums import PosteEtat, StructureStatut
from structures.forms import siret_valide
from structures.models import DecisionCoselec, Membre, Structure

from .factories import departement

pytestmark = pytest.mark.django_db


def test_seed_demo_structures_in_every_status():
    for code in ("69", "2A", "971", "75"):
        departement(code)
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert set(Structure.objects.values_list("statut", flat=True)) == set(StructureStatut.values)
    assert Structure.objects.filter(legacy_id="").count() >= 60
    assert {"69", "2A", "971"} <= set(Structure.objects.values_list("departement_id", flat=True))
    sirets = list(Structure.objects.exclude(nom__contains="(conventions)").values_list("siret", flat=True))
    assert all(siret_valide(s) for s in sirets)
    assert DecisionCoselec.objects.filter(structure__statut=StructureStatut.REFUS_COSELEC).exists()
    assert Structure.history.count() >= 60
    user = User.objects.get(email="structure@demo.conum.fr")
    assert has_role(user, Role.STRUCTURE)
    own = Structure.objects.get(pk=Membre.objects.filter(user=user).order_by("pk").values("structure_id")[:1])
    assert own.departement_id == "69" and own.statut == StructureStatut.VALIDATION_COSELEC
    # later apps' demo data may recruit advisors on these posts (occupied)
    assert own.postes.filter(etat__in=[PosteEtat.VACANT, PosteEtat.OCCUPE]).count() >= 2
