"""Nothing of another scope is ever returned: lists, JSON, files, PDFs; and nobody becomes staff.

The access matrix already fails on any response carrying the other side's marker; these
tests add the positive half (each scope DOES see its own data, so the absence of the other's
is meaningful) on the pages and downloads where a leak would hurt most.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from conumapp.models import User

from .matrix import RANDOM_VALUES, readable_texts, request_as

pytestmark = pytest.mark.django_db


def get(world, role, name, query=None, **kwargs):
    result = request_as(world.users[role], "GET", reverse(name, kwargs=kwargs or None), query=query)
    assert result.status == 200, f"{name} en tant que {role} : {result.status}"
    # Random values (CSRF token, CSP nonce) may contain a marker by chance: blanked first.
    return "\n".join(RANDOM_VALUES.sub("", text) for text in readable_texts(result.content))


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("membre", "ZZA", "ZZB"), ("autre_membre", "ZZB", "ZZA"), ("prefecture", "ZZA", "ZZB"),
     ("autre_prefecture", "ZZB", "ZZA"), ("operateur", "ZZA", None)],
)  # fmt: skip
@pytest.mark.parametrize("name", ["conventions:liste", "conseillers:recrutements", "formation:accueil"])
def test_list_pages_show_their_own_scope_only(world, role, own, other, name):
    content = get(world, role, name)
    assert own in content
    if other:
        assert other not in content
    else:  # operators see both sides
        assert "ZZB" in content


@pytest.mark.parametrize(
    ("role", "own", "other"), [("prefecture", "ZZA", "ZZB"), ("autre_prefecture", "ZZB", "ZZA")]
)
def test_prefecture_list_is_its_departement(world, role, own, other):
    # The applying structures (CREEE) of the département are listed; the other's never.
    content = get(world, role, "structures:prefecture_liste")
    assert f"Candidature {own}" in content and other not in content
    search = get(world, role, "structures:prefecture_liste", query={"q": "Candidature"})
    assert f"Candidature {own}" in search and f"Candidature {other}" not in search


def _cra_ids(world, role, **query):
    result = request_as(world.users[role], "GET", reverse("cra:export"), query=query)
    assert result.status == 200
    return {int(row["id"].rsplit("-", 1)[-1]) for row in json.loads(result.content)["data"]}


def test_cra_api_returns_each_role_its_own_rows_only(world):
    a = {world.cra_a.pk, world.cra_supprime_a.pk}
    b = {world.cra_b.pk, world.cra_supprime_b.pk}
    for role in ("conseiller", "membre", "coordinateur"):
        ids = _cra_ids(world, role)
        assert world.cra_a.pk in ids and not ids & b, role
    for role in ("autre_conseiller", "autre_membre"):
        ids = _cra_ids(world, role)
        assert world.cra_b.pk in ids and not ids & a, role
    # Roles that read statistics, not rows: nothing at all.
    for role in ("candidat", "prefecture", "hub", "grand_reseau"):
        assert _cra_ids(world, role) == set(), role
    # The cursor cannot be used to walk into another scope.
    assert not _cra_ids(world, "conseiller", cursor=world.cra_a.pk) & b
    assert {world.cra_a.pk, world.cra_b.pk} <= _cra_ids(world, "operateur")


def test_communes_autocomplete_is_the_public_referential(world):
    result = request_as(world.users["membre"], "GET", reverse("core:communes"), query={"q": "par"})
    rows = json.loads(result.content)["results"]
    assert rows and all(set(row) == {"code_insee", "nom", "departement", "codes_postaux"} for row in rows)


@pytest.mark.parametrize(
    ("name", "side", "marker"),
    [("conseillers:cv", "candidat_{}", "CV"), ("conventions:piece", "piece_{}", "PIECE")],
)
def test_files_reach_their_scope_only(world, name, side, marker):
    own = request_as(world.users["membre"], "GET", reverse(name, args=[getattr(world, side.format("a")).pk]))
    assert own.status == 200 and f"ZZA-{marker}".encode() in own.content
    foreign = request_as(
        world.users["membre"], "GET", reverse(name, args=[getattr(world, side.format("b")).pk])
    )
    assert foreign.status == 404 and b"ZZB" not in foreign.content
    for role in ("prefecture", "hub", "coordinateur", "autre_membre"):
        refused = request_as(
            world.users[role], "GET", reverse(name, args=[getattr(world, side.format("a")).pk])
        )
        assert refused.status == 404 and b"ZZA" not in refused.content, role


def test_leave_proof_reaches_the_structure_and_operators_only(world):
    url_a = reverse("conseillers:conge_justificatif", args=[world.conge_a.pk])
    own = request_as(world.users["membre"], "GET", url_a)
    assert own.status == 200 and b"ZZA-CONGE" in own.content
    assert b"ZZA-CONGE" in request_as(world.users["operateur"], "GET", url_a).content
    for role in ("autre_membre", "prefecture", "coordinateur", "hub", "autre_conseiller", "candidat"):
        assert request_as(world.users[role], "GET", url_a).status == 404, role


def test_convention_pdf_is_the_structures_own(world):
    content = get(world, "membre", "conventions:pdf", pk=world.convention_a.pk)
    assert "ZZA" in content and "ZZB" not in content
    assert (
        request_as(
            world.users["membre"], "GET", reverse("conventions:pdf", args=[world.convention_b.pk])
        ).status
        == 404
    )


# --- Nobody obtains staff status (the back office) from a public or personal form -------------

ESCALATION = {
    "is_staff": "on",
    "is_superuser": "on",
    "is_active": "on",
    "groups": "1",
    "user_permissions": "1",
}


def _not_staff(**lookup):
    user = User.objects.get(**lookup)
    assert not user.is_staff and not user.is_superuser
    assert not user.user_permissions.exists() and not user.groups.exists()
    return user


def test_profile_form_cannot_grant_staff(client, world):
    user = world.users["candidat"]
    client.force_login(user)
    data = {
        "prenom": "Camille",
        "nom": "Nom",
        "code_postal": "69001",
        "distance_max": "20",
        "situation": "en_emploi",
    }
    response = client.post(reverse("conseillers:profil"), {**data, **ESCALATION, "role": "operateur"})
    assert response.status_code == 302
    _not_staff(pk=user.pk)
    assert not user.habilitations.filter(role="operateur").exists()


def test_sign_up_forms_cannot_grant_staff(client, world, settings):
    settings.STRUCTURES_CANDIDATURE_RATE = (100, 3600)
    client.post(
        reverse("account_signup"),
        {"email": "signup@example.fr", "password1": "mot-de-passe-tres-solide", "password2": "mot-de-passe-tres-solide",
         **ESCALATION},
    )  # fmt: skip
    client.post(
        reverse("conseillers:candidature"),
        {"email": "candidat.escalade@example.fr", "password1": "mot-de-passe-tres-solide",
         "password2": "mot-de-passe-tres-solide", "prenom": "Alex", "nom": "Escalade", "code_postal": "69001",
         "distance_max": "20", "situation": "en_emploi", **ESCALATION},
    )  # fmt: skip
    created = User.objects.filter(email__in=["signup@example.fr", "candidat.escalade@example.fr"])
    assert created.exists()
    for user in created:
        _not_staff(pk=user.pk)
        assert not user.habilitations.filter(role="operateur").exists()
