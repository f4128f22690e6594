"""Every URL of the app tried as every role: anonymous → login; outside scope → 404; right user → 200."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from conventions.calculs import add_months

from .factories import (
    PDF_BYTES,
    StructureFactory,
    UserFactory,
    conseiller_recrute,
    convention_signee,
    departement,
    membre,
    operateur,
    prefecture,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonyme",
    "autre_structure",
    "autre_conseiller",
    "prefecture_autre",
    "prefecture",
    "membre",
    "operateur",
]


@pytest.fixture
def world():
    structure = StructureFactory()
    autre = StructureFactory(departement=departement("75", "Paris", "11"), code_postal="75001")
    convention = convention_signee(
        structure, signed_on=add_months(timezone.localdate(), -24) + timedelta(days=60)
    )
    member = membre(structure)
    piece = structure.pieces_justificatives.create(
        type="avis_sirene",
        fichier=ContentFile(PDF_BYTES, name="sirene.pdf"),
        nom_fichier="sirene.pdf",
        deposee_par=member,
    )
    autre_conseiller = conseiller_recrute(autre, autre.postes.get()).conseiller.user
    users = {
        "anonyme": None,
        "autre_structure": membre(autre),
        "autre_conseiller": autre_conseiller,
        "prefecture_autre": prefecture("75"),
        "prefecture": prefecture("69"),
        "membre": member,
        "operateur": operateur(),
    }
    return {"convention": convention, "piece": piece, "users": users}


EXPECTED = {
    # url name: {role: status}, default 404 for the roles not listed
    "liste": {"anonyme": 302, **dict.fromkeys(ROLES[1:], 200)},
    "detail": {"anonyme": 302, "prefecture": 200, "membre": 200, "operateur": 200},
    "pdf": {"anonyme": 302, "membre": 200, "operateur": 200},
    "piece": {"anonyme": 302, "membre": 200, "operateur": 200},
    "reconventionnement": {"anonyme": 302, "membre": 200},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_get_urls_for_every_role(client, world, name, role):
    user = world["users"][role]
    if user:
        client.force_login(user)
    if name == "liste":
        url = reverse("conventions:liste")
    elif name == "piece":
        url = reverse("conventions:piece", args=[world["piece"].pk])
    else:
        url = reverse(f"conventions:{name}", args=[world["convention"].pk])
    response = client.get(url)
    if response.streaming:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        response.close()
    expected = EXPECTED[name].get(role, 404)
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_conventions_in_scope(client, world, role):
    user = world["users"][role]
    if not user:
        return
    client.force_login(user)
    content = client.get(reverse("conventions:liste")).content.decode()
    visible = role in {"prefecture", "membre", "operateur"}
    assert (world["convention"].numero in content) is visible


POST_EXPECTED = {
    "non_interesse": {"anonyme": 302, "membre": 302},
    "piece_deposer": {"anonyme": 302, "membre": 302},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(POST_EXPECTED))
def test_post_urls_for_every_role(client, world, name, role):
    user = world["users"][role]
    if user:
        client.force_login(user)
    url = reverse(f"conventions:{name}", args=[world["convention"].pk])
    if name == "non_interesse":
        data = {"motif": "besoin_non_justifie"}
    else:
        data = {"type": "avis_sirene", "fichier": ContentFile(PDF_BYTES, name="avis.pdf")}
    response = client.post(url, data)
    expected = POST_EXPECTED[name].get(role, 404)
    assert response.status_code == expected
    if role == "membre":
        assert response["Location"] == reverse("conventions:detail", args=[world["convention"].pk])


def test_unused_user_factory_is_not_a_member(world):
    assert not UserFactory().membres_structures.exists()
