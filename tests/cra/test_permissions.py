"""Every CRA URL for every role: anonymous → login; outsiders → 404; the right user → 200."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conseillers.models import Coordination
from cra.models import Cra

from .factories import (
    CraFactory,
    StructureFactory,
    UserFactory,
    conseiller_en_poste,
    coordinateur,
    membre,
    operateur,
    prefecture,
    recruter,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    structure = StructureFactory()
    conseiller = conseiller_en_poste(structure, debut=date(2023, 1, 1))
    cra = CraFactory(conseiller=conseiller)
    supprime = CraFactory(conseiller=conseiller, supprime=True, duree=45)
    other_structure = StructureFactory()
    other = conseiller_en_poste(other_structure)
    CraFactory(conseiller=other)
    return {
        "structure": structure,
        "cra": cra,
        "supprime": supprime,
        "users": {
            "anonyme": None,
            "conseiller": conseiller.user,
            "autre_conseiller": other.user,
            "structure": membre(structure),
            "autre_structure": membre(other_structure),
            "prefecture_autre": prefecture("75"),
            "prefecture_meme": prefecture("69"),
            "coordinateur": coordinateur(conseiller),
            "autre_coordinateur": coordinateur(other),
            "operateur": operateur(),
            "sans_role": UserFactory(),
        },
    }


ROLES = ["anonyme", "conseiller", "autre_conseiller", "structure", "autre_structure", "prefecture_autre",
         "prefecture_meme", "coordinateur", "autre_coordinateur", "operateur", "sans_role"]  # fmt: skip

# url name -> (args builder, roles allowed with 200)
CASES = {
    "saisir": (lambda w: [], {"conseiller", "autre_conseiller"}),
    "confirmation": (lambda w: [w["cra"].pk], {"conseiller"}),
    "modifier": (lambda w: [w["cra"].pk], {"conseiller"}),
    "supprimer": (lambda w: [w["cra"].pk], {"conseiller"}),
    "historique": (lambda w: [], {"conseiller", "autre_conseiller"}),
    "structure": (lambda w: [w["structure"].pk], {"structure", "operateur"}),
    "coordination": (lambda w: [], {"coordinateur", "autre_coordinateur"}),
    "export": (lambda w: [], set(ROLES) - {"anonyme"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_get_matrix(client, world, role, name):
    args_of, allowed = CASES[name]
    user = world["users"][role]
    if user:
        client.force_login(user)
    url = reverse(f"cra:{name}", args=args_of(world))
    response = client.get(url)
    if user is None:
        assert response.status_code == 302 and reverse("account_login") in response.url
    elif role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_restore_post_matrix(client, world, role):
    user = world["users"][role]
    if user:
        client.force_login(user)
    response = client.post(reverse("cra:restaurer", args=[world["supprime"].pk]))
    world["supprime"].refresh_from_db()
    if role == "conseiller":
        assert response.status_code == 302 and world["supprime"].deleted_at is None
    else:
        assert world["supprime"].deleted_at is not None
        assert response.status_code == (302 if user is None else 404)


@pytest.mark.parametrize("role", ROLES)
def test_export_contains_only_the_scope(client, world, role):
    user = world["users"][role]
    if user is None:
        return
    client.force_login(user)
    ids = {row["id"] for row in client.get(reverse("cra:export")).json()["data"]}
    mine = {f"conum-{world['cra'].pk}", f"conum-{world['supprime'].pk}"}
    if role in {"conseiller", "structure", "coordinateur"}:
        assert ids == mine
    elif role == "operateur":
        assert mine <= ids and len(ids) == Cra.objects.count()
    elif role in {"autre_conseiller", "autre_structure", "autre_coordinateur"}:
        assert ids and not ids & mine
    else:
        assert ids == set()


def test_structure_sees_only_the_period_the_advisor_worked_there(client):
    first, second = StructureFactory(), StructureFactory()
    conseiller = conseiller_en_poste(first, debut=date(2023, 1, 1))
    conseiller.mises_en_relation.update(date_rupture=date(2024, 6, 30), statut="finalisee_rupture")
    recruter(conseiller, second, debut=date(2024, 7, 1))
    before = CraFactory(conseiller=conseiller, structure=first, date=date(2024, 6, 1))
    after = CraFactory(conseiller=conseiller, structure=second, date=timezone.localdate() - timedelta(days=2))
    first_user, second_user = membre(first), membre(second)
    assert list(Cra.objects.visible_to(first_user)) == [before]
    assert list(Cra.objects.visible_to(second_user)) == [after]
    client.force_login(first_user)
    page = client.get(reverse("cra:structure", args=[first.pk]))
    assert list(page.context["page"].object_list) == [before]
    # The coordinator of the advisor sees both; a removed coordination sees nothing.
    coord = coordinateur(conseiller)
    assert set(Cra.objects.visible_to(coord)) == {before, after}
    Coordination.objects.filter(coordinateur=coord).delete()
    assert not Cra.objects.visible_to(coord).exists()
