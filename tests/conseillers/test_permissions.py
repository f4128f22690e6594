"""Every URL of the app tried as every role (ids guessed included)."""

import pytest
from django.urls import reverse

from conseillers.enums import MiseEnRelationStatut as S

from .factories import (
    ConseillerFactory,
    StructureFactory,
    UserFactory,
    en_poste,
    membre,
    mise_en_relation,
    operateur,
    prefecture,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonyme",
    "membre",
    "autre_structure",
    "prefecture",
    "autre_prefecture",
    "candidat",
    "autre_candidat",
    "conseiller",
    "autre_conseiller",
    "operateur",
    "sans_role",
]


@pytest.fixture
def monde():
    structure = StructureFactory(nombre_postes_accordes=2)
    autre = StructureFactory(a_grenoble=True)
    candidat = ConseillerFactory(cv="cv/absent.pdf")
    interessee = mise_en_relation(structure, candidat, S.INTERESSEE)
    recrute = en_poste(structure)
    autre_recrute = en_poste(autre)
    users = {
        "anonyme": None,
        "membre": membre(structure),
        "autre_structure": membre(autre),
        "prefecture": prefecture("69"),
        "autre_prefecture": prefecture("75"),
        "candidat": candidat.user,
        "autre_candidat": ConseillerFactory(a_paris=True).user,
        "conseiller": recrute.conseiller.user,
        "autre_conseiller": autre_recrute.conseiller.user,
        "operateur": operateur(),
        "sans_role": UserFactory(),
    }
    return {
        "structure": structure,
        "candidat": candidat,
        "interessee": interessee,
        "recrute": recrute,
        "users": users,
    }


def _get(client, monde, role, url):
    user = monde["users"][role]
    if user:
        client.force_login(user)
    return client.get(url)


OK, NF, LOGIN = 200, 404, "login"


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response.url
    else:
        assert response.status_code == expected, response.status_code


EXPECTED = {
    # url name: {role: status}, others 404
    "profil": {
        "anonyme": LOGIN,
        "candidat": OK,
        "autre_candidat": OK,
        "conseiller": OK,
        "autre_conseiller": OK,
    },
    "mon_espace": {
        "anonyme": LOGIN,
        "candidat": OK,
        "autre_candidat": OK,
        "conseiller": OK,
        "autre_conseiller": OK,
    },
    "candidats": {"anonyme": LOGIN, "membre": OK},
    "candidat": {"anonyme": LOGIN, "membre": OK},
    "recrutement": {
        "anonyme": LOGIN,
        "membre": OK,
        "prefecture": OK,
        "operateur": OK,
        "conseiller": OK,
    },
    "contrat": {"anonyme": LOGIN, "membre": OK},
    "annuler": {"anonyme": LOGIN, "membre": OK},
    "prolongation": {"anonyme": LOGIN, "membre": OK},
    "rupture": {"anonyme": LOGIN, "membre": OK},
    "conge": {"anonyme": LOGIN, "membre": OK},
}


def _url(name, monde):
    structure, candidat = monde["structure"], monde["candidat"]
    return {
        "profil": reverse("conseillers:profil"),
        "mon_espace": reverse("conseillers:mon_espace"),
        "candidats": reverse("conseillers:candidats", args=[structure.pk]),
        "candidat": reverse("conseillers:candidat", args=[structure.pk, candidat.pk]),
        "recrutement": reverse("conseillers:recrutement", args=[monde["recrute"].pk]),
        "contrat": reverse("conseillers:contrat", args=[monde["interessee"].pk]),
        "annuler": reverse("conseillers:annuler", args=[monde["interessee"].pk]),
        "prolongation": reverse("conseillers:prolongation", args=[monde["recrute"].pk]),
        "rupture": reverse("conseillers:rupture", args=[monde["recrute"].pk]),
        "conge": reverse("conseillers:conge", args=[monde["recrute"].pk]),
    }[name]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_matrix(client, monde, role, name):
    _check(_get(client, monde, role, _url(name, monde)), EXPECTED[name].get(role, NF))


@pytest.mark.parametrize("role", ROLES)
def test_public_signup_page(client, monde, role):
    response = _get(client, monde, role, reverse("conseillers:candidature"))
    if role in ("candidat", "autre_candidat", "conseiller", "autre_conseiller"):
        assert response.status_code == 302 and response.url == reverse("conseillers:profil")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_recrutements_list_is_scoped(client, monde, role):
    response = _get(client, monde, role, reverse("conseillers:recrutements"))
    if role == "anonyme":
        _check(response, LOGIN)
        return
    assert response.status_code == 200
    shown = {m.pk for m in response.context["page"].object_list}
    mine = {monde["interessee"].pk, monde["recrute"].pk}
    if role in ("membre", "prefecture"):
        assert mine <= shown and len(shown) == 2
    elif role == "operateur":
        assert len(shown) == 3
    elif role == "conseiller":
        assert shown == {monde["recrute"].pk}
    elif role == "candidat":
        assert shown == {monde["interessee"].pk}
    elif role in ("autre_structure", "autre_conseiller"):
        assert not (shown & mine) and len(shown) == 1
    else:
        assert shown == set()


@pytest.mark.parametrize("role", ROLES)
def test_pipeline_posts(client, monde, role):
    """Preselect / set aside: only a member of the structure; guessed ids give 404."""
    structure, candidat = monde["structure"], monde["candidat"]
    user = monde["users"][role]
    if user:
        client.force_login(user)
    response = client.post(reverse("conseillers:ecarter", args=[structure.pk, candidat.pk]))
    if role == "anonyme":
        _check(response, LOGIN)
    elif role == "membre":
        assert response.status_code == 302
        monde["interessee"].refresh_from_db()
        assert monde["interessee"].statut == S.NON_INTERESSEE
    else:
        assert response.status_code == 404
    # A guessed id: a candidate out of the structure's reach
    loin = ConseillerFactory(a_paris=True)
    response = client.post(reverse("conseillers:preselectionner", args=[structure.pk, loin.pk]))
    assert response.status_code == (302 if role == "anonyme" else 404)


def test_guessed_ids_404(client, monde):
    client.force_login(monde["users"]["membre"])
    assert client.get(reverse("conseillers:recrutement", args=[999999])).status_code == 404
    assert client.get(reverse("conseillers:candidats", args=[999999])).status_code == 404
    assert client.get(reverse("conseillers:cv", args=[999999])).status_code == 404
    loin = ConseillerFactory(a_paris=True)
    assert (
        client.get(reverse("conseillers:candidat", args=[monde["structure"].pk, loin.pk])).status_code == 404
    )


@pytest.mark.parametrize("statut", ["CREEE", "EXAMEN_COMPLEMENTAIRE_COSELEC", "REFUS_COSELEC", "ABANDON"])
def test_non_validated_structure_cannot_open_a_guessed_candidate(client, monde, statut):
    """A structure not validated cannot recruit: a candidate within reach, never linked to it,
    stays hidden (detail page with email and phone, CV, preselection), whatever the id."""
    structure = StructureFactory(non_validee=True, statut=statut)
    client.force_login(membre(structure))
    candidat = monde["candidat"]
    assert client.get(reverse("conseillers:candidat", args=[structure.pk, candidat.pk])).status_code == 404
    assert client.get(reverse("conseillers:cv", args=[candidat.pk])).status_code == 404
    response = client.post(reverse("conseillers:preselectionner", args=[structure.pk, candidat.pk]))
    assert response.status_code == 404
    assert not candidat.mises_en_relation.filter(structure=structure).exists()


def test_structure_no_longer_validated_still_sees_the_candidates_it_is_linked_to(client, monde):
    structure = monde["structure"]
    structure.statut = "ABANDON"
    structure.save(update_fields=["statut"])
    client.force_login(monde["users"]["membre"])
    url = reverse("conseillers:candidat", args=[structure.pk, monde["candidat"].pk])
    assert client.get(url).status_code == 200
