"""Public candidature: account, structure, member, role, emails, bad input, spam protection."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from conumapp.enums import Role
from conumapp.models import User
from conumapp.permissions import has_role
from structures.enums import StructureStatut
from structures.models import Membre, Structure

from .factories import StructureFactory, UserFactory, valid_siret

pytestmark = pytest.mark.django_db
URL = "/structures/candidature/"


def _data(**overrides):
    data = {
        "siret": valid_siret(1),
        "ridet": "",
        "nom": "Mairie de Lyon",
        "type": "COMMUNE",
        "adresse": "1 place de la Comédie",
        "code_postal": "69001",
        "contact_prenom": "Claire",
        "contact_nom": "Dupont",
        "contact_fonction": "Directrice",
        "contact_telephone": "0472000000",
        "contact_email": "claire.dupont@mairie-lyon.fr",
        "password": "un-mot-de-passe-long",
        "nombre_conseillers_souhaites": "2",
        "date_debut_mission": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "motivation": "Accompagner les habitants dans leurs démarches en ligne.",
        "zrr": "",
        "qpv": "on",
        "label_france_services": "on",
        "grand_reseau": "",
        "engagement_confirme": "on",
        "site_web": "",
    }
    data.update(overrides)
    return data


def test_url_name_and_public_page(client):
    assert reverse("structures:candidature") == URL
    response = client.get(URL)
    assert response.status_code == 200
    assert "Engager un conseiller numérique" in response.content.decode()


def test_submit_creates_everything(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data())
    assert response.status_code == 302 and response.url == reverse("structures:candidature_merci")
    structure = Structure.objects.get()
    assert structure.statut == StructureStatut.CREEE
    assert structure.departement_id == "69" and structure.region_id == "84"
    assert structure.commune is not None and structure.commune.departement_id == "69"
    assert structure.qpv and structure.label_france_services and not structure.zrr
    assert structure.est_publique
    user = User.objects.get(email="claire.dupont@mairie-lyon.fr")
    assert user.check_password("un-mot-de-passe-long")
    assert not EmailAddress.objects.get(user=user).verified
    assert Membre.objects.filter(structure=structure, user=user).exists()
    assert has_role(user, Role.STRUCTURE)
    subjects = [m.subject for m in mailoutbox]
    assert any("Mairie de Lyon" in s and "reçue" in s for s in subjects)
    confirmation = next(m for m in mailoutbox if "reçue" in m.subject)
    assert confirmation.to == ["claire.dupont@mairie-lyon.fr"]
    assert "Et maintenant" in confirmation.body and "préfecture" in confirmation.body
    assert len(mailoutbox) == 2  # allauth's email confirmation and ours
    page = client.get(reverse("structures:candidature_merci")).content.decode()
    assert "Et maintenant ?" in page


def test_unverified_contact_cannot_log_in_before_confirming(client):
    client.post(URL, _data())
    response = client.post(
        reverse("account_login"),
        {"login": "claire.dupont@mairie-lyon.fr", "password": "un-mot-de-passe-long"},
    )
    assert response.status_code == 302
    assert "confirm" in response.url or "verification" in response.url


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"siret": "12345678901234"}, "siret", "Ce SIRET n'est pas valide"),
        ({"siret": "", "ridet": "12345", "code_postal": "98800"}, "ridet", "exactement 7 chiffres"),
        ({"siret": "", "ridet": "1234567"}, "ridet", "réservé aux structures de Nouvelle-Calédonie"),
        ({"siret": ""}, "siret", "Indiquez le SIRET"),
        ({"date_debut_mission": "2020-01-01"}, "date_debut_mission", "ne peut pas être dans le passé"),
        ({"nombre_conseillers_souhaites": "0"}, "nombre_conseillers_souhaites", "supérieure ou égale à 1"),
        ({"motivation": "x" * 2501}, "motivation", "2500 caractères"),
        ({"engagement_confirme": ""}, "engagement_confirme", "obligatoire"),
        ({"password": "court"}, "password", "12 caractères"),
        ({"code_postal": "00000"}, "code_postal", "aucun département"),
    ],
)
def test_bad_input_rerenders_with_french_errors_and_input_kept(client, overrides, field, message):
    response = client.post(URL, _data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field]).replace("\u202f", "").replace("\xa0", "")
    assert "Mairie de Lyon" in response.content.decode()  # input kept
    assert not Structure.objects.exists() and not User.objects.exists()


def test_new_caledonia_with_ridet(client):
    response = client.post(URL, _data(siret="", ridet="1234567", code_postal="98800"))
    assert response.status_code == 302
    structure = Structure.objects.get()
    assert structure.ridet == "1234567" and structure.departement_id == "988"


def test_duplicate_siret_refused(client):
    existing = StructureFactory(siret=valid_siret(1))
    response = client.post(URL, _data())
    assert response.status_code == 200
    assert "Une candidature existe déjà pour ce SIRET" in response.content.decode()
    assert Structure.objects.get() == existing


def test_existing_account_email_refused(client):
    UserFactory(email="claire.dupont@mairie-lyon.fr")
    response = client.post(URL, _data())
    assert "Un compte existe déjà avec cette adresse" in response.content.decode()
    assert not Structure.objects.exists()


def test_honeypot_records_nothing(client, mailoutbox):
    response = client.post(URL, _data(site_web="http://spam.example"))
    assert response.status_code == 302
    assert not Structure.objects.exists() and not User.objects.exists()
    assert mailoutbox == []


def test_rate_limit_per_ip(client, settings):
    settings.STRUCTURES_CANDIDATURE_RATE = (2, 3600)
    client.post(URL, _data(nom="A", siret="bad"))
    client.post(URL, _data(nom="B", siret="bad"))
    response = client.post(URL, _data())
    assert response.status_code == 429
    assert "Trop de candidatures" in response.content.decode()
    assert not Structure.objects.exists()
    other_ip = client.post(URL, _data(), REMOTE_ADDR="10.0.0.2")
    assert other_ip.status_code == 302
