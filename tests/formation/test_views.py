"""Pages: every URL tried as every role, registration flow, absence justification, query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conseillers.models import Coordination
from conumapp.enums import Role
from conumapp.permissions import grant_role
from formation import services
from formation.enums import StatutAbsence, StatutInscription
from formation.models import Inscription

from .factories import (
    SessionFactory,
    StructureFactory,
    UserFactory,
    conseiller_eligible,
    membre,
    operateur,
    pdf,
    prefecture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    structure = StructureFactory()
    conseiller = conseiller_eligible(structure)
    session = SessionFactory(date_debut=timezone.localdate() + timedelta(days=40))
    inscription = services.inscrire(session=session, conseiller=conseiller, acteur=conseiller.user)
    Inscription.objects.filter(pk=inscription.pk).update(
        statut=StatutInscription.ABSENT, absence_statut=StatutAbsence.A_JUSTIFIER
    )
    coordinateur = UserFactory()
    grant_role(coordinateur, Role.COORDINATEUR)
    Coordination.objects.create(coordinateur=coordinateur, conseiller=conseiller)
    autre_coordinateur = UserFactory()
    grant_role(autre_coordinateur, Role.COORDINATEUR)
    return {
        "structure": structure,
        "conseiller": conseiller,
        "session": session,
        "inscription": inscription,
        "users": {
            "conseiller": conseiller.user,
            "structure": membre(structure),
            "coordinateur": coordinateur,
            "operateur": operateur(),
            "autre_conseiller": conseiller_eligible().user,
            "autre_structure": membre(StructureFactory()),
            "autre_coordinateur": autre_coordinateur,
            "prefecture_autre": prefecture("38"),
        },
    }


def _urls(monde):
    c, s, i = monde["conseiller"], monde["session"], monde["inscription"]
    return {
        "conseiller": reverse("formation:conseiller", args=[c.pk]),
        "sessions": reverse("formation:sessions", args=[c.pk]),
        "inscrire": reverse("formation:inscrire", args=[c.pk, s.pk]),
        "absence": reverse("formation:justifier_absence", args=[i.pk]),
    }


ALLOWED = {"conseiller", "structure", "coordinateur", "operateur"}
ROLES = [
    "anonyme",
    *sorted(ALLOWED),
    "autre_conseiller",
    "autre_structure",
    "autre_coordinateur",
    "prefecture_autre",
]


@pytest.mark.parametrize("url_name", ["conseiller", "sessions", "inscrire", "absence"])
@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(client, monde, role, url_name):
    url = _urls(monde)[url_name]
    if role != "anonyme":
        client.force_login(monde["users"][role])
    response = client.get(url)
    if role == "anonyme":
        assert (
            response.status_code == 302
            and "/login" in response["Location"]
            or "connexion" in response["Location"]
        )
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_home_lists_followed_advisors_and_redirects_an_advisor(client, monde):
    client.force_login(monde["users"]["conseiller"])
    response = client.get(reverse("formation:accueil"))
    assert response.status_code == 302
    assert response["Location"] == reverse("formation:conseiller", args=[monde["conseiller"].pk])
    client.force_login(monde["users"]["coordinateur"])
    content = client.get(reverse("formation:accueil")).content.decode()
    assert monde["conseiller"].nom in content
    client.force_login(monde["users"]["autre_structure"])
    assert monde["conseiller"].nom not in client.get(reverse("formation:accueil")).content.decode()


def test_home_query_count_fixed(client, django_assert_max_num_queries):
    structure = StructureFactory(nombre_postes_accordes=6)
    user = membre(structure)
    conseiller_eligible(structure)
    conseiller_eligible(structure)
    client.force_login(user)
    url = reverse("formation:accueil")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as deux:
        client.get(url)
    for _ in range(3):
        conseiller_eligible(structure)
    with django_assert_max_num_queries(len(deux.captured_queries)):
        response = client.get(url)
    assert len(response.context["lignes"]) == 5


def test_sessions_query_count_fixed(client, monde, django_assert_max_num_queries):
    client.force_login(monde["users"]["conseiller"])
    url = _urls(monde)["sessions"]
    SessionFactory(date_debut=timezone.localdate() + timedelta(days=50))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as deux:
        client.get(url)
    for days in (60, 70, 80):
        SessionFactory(date_debut=timezone.localdate() + timedelta(days=days))
    with django_assert_max_num_queries(len(deux.captured_queries)):
        assert len(client.get(url).context["page"].object_list) == 5


def test_registration_page_shows_refusal_reasons_and_registers(client):
    conseiller = conseiller_eligible(convoque=False)
    session = SessionFactory(date_debut=timezone.localdate() + timedelta(days=30))
    client.force_login(conseiller.user)
    url = reverse("formation:inscrire", args=[conseiller.pk, session.pk])
    content = client.get(url).content.decode()
    assert "Inscription impossible" in content and "convocation à l&#x27;examen du CCP1" in content
    response = client.post(url, follow=True)
    assert (
        "Inscription impossible : Le conseiller doit avoir reçu sa convocation" in response.content.decode()
    )
    assert not Inscription.objects.exists()

    structure_user = membre(StructureFactory())
    eligible = conseiller_eligible(structure_user.membres_structures.get().structure)
    client.force_login(structure_user)
    response = client.post(reverse("formation:inscrire", args=[eligible.pk, session.pk]), follow=True)
    assert "Demande d&#x27;inscription enregistrée" in response.content.decode()
    assert Inscription.objects.get(conseiller=eligible).demandee_par == structure_user


def test_absence_justification_bad_input_then_ok(client, monde):
    client.force_login(monde["users"]["structure"])
    url = _urls(monde)["absence"]
    response = client.post(url, {"motif": "Arrêt maladie"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert "Arrêt maladie" in response.content.decode()
    response = client.post(url, {"motif": "Arrêt maladie", "justificatif": pdf()})
    assert response.status_code == 302
    inscription = Inscription.objects.get(pk=monde["inscription"].pk)
    assert inscription.absence_statut == StatutAbsence.JUSTIFICATIF_ENVOYE
    assert inscription.absence_motif == "Arrêt maladie"


def test_advisor_page_shows_deadline_and_obligation(client, monde, settings):
    settings.CERTIFICATION_DEADLINE_MONTHS = 6
    client.force_login(monde["users"]["conseiller"])
    content = client.get(_urls(monde)["conseiller"]).content.decode()
    assert "6 mois" in content
    assert "Présentation à la certification au plus tard le" in content
    assert str(date.today().year) in content
