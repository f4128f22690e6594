"""Every URL of the app as every role: anonymous → login, out of scope → 404, right user → 200."""

import pytest
from django.urls import reverse

from conumapp.enums import Role
from conumapp.permissions import grant_role
from structures.models import Invitation, Membre

from .factories import StructureFactory, UserFactory, departement, membre, operateur, prefecture

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    structure = StructureFactory(validee=True)
    other = StructureFactory(validee=True, paris=True)
    owner = membre(structure)
    colleague = membre(structure)
    other_member = membre(other)
    invitation = Invitation.objects.create(structure=structure, email="invite@mairie.fr", invited_by=owner)
    coord = UserFactory()
    grant_role(coord, Role.CONSEILLER)
    hub = UserFactory()
    grant_role(hub, Role.HUB, region=departement("75").region)
    return {
        "structure": structure,
        "membre_pk": Membre.objects.get(user=colleague).pk,
        "users": {
            "anonyme": None,
            "membre": owner,
            "membre_autre_structure": other_member,
            "prefecture_69": prefecture("69"),
            "prefecture_75": prefecture("75"),
            "operateur": operateur(),
            "conseiller": coord,
            "hub_autre_region": hub,
        },
        "invitation": invitation,
    }


def _urls(w):
    pk = w["structure"].pk
    return {
        "detail": reverse("structures:detail", args=[pk]),
        "demande_ajout": reverse("structures:demande_ajout", args=[pk]),
        "demande_retrait": reverse("structures:demande_retrait", args=[pk]),
        "retirer_membre": reverse("structures:retirer_membre", args=[pk, w["membre_pk"]]),
        "prefecture_detail": reverse("structures:prefecture_detail", args=[pk]),
        "prefecture_liste": reverse("structures:prefecture_liste"),
        "ma_structure": reverse("structures:ma_structure"),
    }


# expected status per (url, role); 302 for anonymous everywhere
EXPECTED = {
    "detail": {"membre": 200, "membre_autre_structure": 404, "prefecture_69": 200, "prefecture_75": 404,
               "operateur": 200, "conseiller": 404, "hub_autre_region": 404},
    "demande_ajout": {"membre": 200, "membre_autre_structure": 404, "prefecture_69": 403, "prefecture_75": 404,
                      "operateur": 403, "conseiller": 404, "hub_autre_region": 404},
    "demande_retrait": {"membre": 200, "membre_autre_structure": 404, "prefecture_69": 403, "prefecture_75": 404,
                        "operateur": 403, "conseiller": 404, "hub_autre_region": 404},
    "retirer_membre": {"membre": 200, "membre_autre_structure": 404, "prefecture_69": 403, "prefecture_75": 404,
                       "operateur": 200, "conseiller": 404, "hub_autre_region": 404},
    "prefecture_detail": {"membre": 404, "membre_autre_structure": 404, "prefecture_69": 200, "prefecture_75": 404,
                          "operateur": 200, "conseiller": 404, "hub_autre_region": 404},
    "prefecture_liste": {"membre": 404, "membre_autre_structure": 404, "prefecture_69": 200, "prefecture_75": 200,
                         "operateur": 200, "conseiller": 404, "hub_autre_region": 404},
    "ma_structure": {"membre": 302, "membre_autre_structure": 302, "prefecture_69": 404, "prefecture_75": 404,
                     "operateur": 404, "conseiller": 404, "hub_autre_region": 404},
}  # fmt: skip
ROLES = ["anonyme", "membre", "membre_autre_structure", "prefecture_69", "prefecture_75", "operateur", "conseiller",
         "hub_autre_region"]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_get_every_url_as_every_role(client, world, name, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(_urls(world)[name])
    if role == "anonyme":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED[name][role]


def test_ma_structure_redirects_to_own_structure(client, world):
    client.force_login(world["users"]["membre"])
    response = client.get(reverse("structures:ma_structure"))
    assert response.url == reverse("structures:detail", args=[world["structure"].pk])


def test_member_of_two_structures_gets_a_list(client, world):
    user = world["users"]["membre"]
    second = StructureFactory(nom="Seconde structure")
    Membre.objects.create(structure=second, user=user)
    client.force_login(user)
    response = client.get(reverse("structures:ma_structure"))
    assert response.status_code == 200 and "Seconde structure" in response.content.decode()


@pytest.mark.parametrize("role", ["membre_autre_structure", "prefecture_75", "conseiller"])
def test_posts_out_of_scope_are_404(client, world, role):
    client.force_login(world["users"][role])
    pk = world["structure"].pk
    assert client.post(reverse("structures:inviter", args=[pk]), {"email": "x@y.fr"}).status_code == 404
    assert client.post(reverse("structures:retirer_membre", args=[pk, world["membre_pk"]])).status_code == 404
    assert client.post(reverse("structures:prefecture_detail", args=[pk]), {}).status_code == 404
    assert Membre.objects.filter(pk=world["membre_pk"]).exists()


def test_public_pages_anonymous(client, world):
    assert client.get(reverse("structures:candidature")).status_code == 200
    assert client.get(reverse("structures:candidature_merci")).status_code == 200
    token_url = reverse("structures:invitation", args=[world["invitation"].token])
    response = client.get(token_url)
    assert response.status_code == 200
    assert f"next={token_url.replace('/', '%2F')}" in response.content.decode()
    assert client.get(reverse("structures:invitation", args=["inconnu"])).status_code == 404


def test_prefecture_cannot_act_as_member(client, world):
    """Reading the structure is allowed in scope; its members' forms are refused (403, French)."""
    client.force_login(world["users"]["prefecture_69"])
    pk = world["structure"].pk
    demandes, invitations = world["structure"].demandes_postes.count(), world["structure"].invitations.count()
    response = client.post(
        reverse("structures:demande_ajout", args=[pk]), {"nombre": 1, "motif": "forte_demande"}
    )
    assert response.status_code == 403
    assert "réservée aux membres de la structure" in response.content.decode()
    assert client.post(reverse("structures:inviter", args=[pk]), {"email": "a@example.fr"}).status_code == 403
    assert world["structure"].demandes_postes.count() == demandes
    assert world["structure"].invitations.count() == invitations
