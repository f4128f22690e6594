"""Public sign-up, profile edit, availability, deletion and CV files."""

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from conseillers.enums import MiseEnRelationStatut as S
from conseillers.models import Conseiller
from conumapp.enums import Role
from conumapp.models import User
from conumapp.permissions import has_role

from .factories import (
    PDF_BYTES,
    ConseillerFactory,
    StructureFactory,
    commune,
    en_poste,
    membre,
    mise_en_relation,
)

pytestmark = pytest.mark.django_db

URL = reverse("conseillers:candidature")


def _data(**overrides):
    commune("69123")
    data = {
        "email": "Camille.Candidate@Example.fr",
        "password1": "un-mot-de-passe-long",
        "password2": "un-mot-de-passe-long",
        "prenom": "Camille",
        "nom": "Candidate",
        "telephone": "0601020304",
        "code_postal": "69001",
        "disponible": "on",
        "date_disponibilite": "2026-01-05",
        "distance_max": "40",
        "situation": "demandeur_emploi",
        "diplome_mediation": "on",
        "diplome_nom": "Titre REMN",
        "experience_mediation": "on",
        "pix_niveau": "2",
        "pix_partage": "on",
    }
    data.update(overrides)
    return data


def test_signup_creates_account_profile_and_role_and_sends_verification(client, mailoutbox):
    cv = SimpleUploadedFile("Mon CV.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(URL, {**_data(), "cv": cv})
    assert response.status_code == 302 and response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="camille.candidate@example.fr")
    conseiller = user.conseiller
    assert has_role(user, Role.CANDIDAT)
    assert conseiller.commune.code_insee == "69123" and conseiller.departement_id == "69"
    assert conseiller.latitude == pytest.approx(conseiller.commune.latitude)
    assert conseiller.distance_max == 40 and conseiller.pix_niveau == 2
    assert conseiller.cv.name.startswith("cv/") and "Mon" not in conseiller.cv.name
    assert conseiller.cv_nom == "Mon CV.pdf"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["camille.candidate@example.fr"]
    assert user.check_password("un-mot-de-passe-long")


def test_public_home_links_to_signup(client):
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "court", "password2": "court"}, "password1", "au moins 12 caractères"),
        ({"password2": "un-autre-mot-de-passe"}, "password2", "ne sont pas identiques"),
        ({"code_postal": "00000"}, "code_postal", "Code postal inconnu"),
        ({"diplome_nom": ""}, "diplome_nom", "nom de votre diplôme"),
        ({"situation": ""}, "situation", "obligatoire"),
    ],
)
def test_signup_bad_input_rerenders_with_french_errors(client, overrides, field, message):
    response = client.post(URL, _data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Candidate"' in response.content.decode()  # input kept
    assert not Conseiller.objects.exists()


def test_signup_existing_email(client):
    ConseillerFactory(user__email="camille.candidate@example.fr")
    response = client.post(URL, _data())
    assert response.status_code == 200
    assert "Un compte existe déjà" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"MZ\x90\x00 not a pdf at all", "n'est pas un PDF valide"),
        ("cv.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "n'est pas un PDF valide"),
        ("cv.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "taille maximale"),
    ],
)
def test_cv_refused(client, name, content, message):
    cv = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(URL, {**_data(), "cv": cv})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["cv"])


@pytest.mark.parametrize("content_type", ["text/plain", "text/html", "image/png"])
def test_cv_refused_when_the_declared_content_type_is_not_a_pdf(client, content_type):
    cv = SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type=content_type)  # real PDF content
    response = client.post(URL, {**_data(), "cv": cv})
    assert response.status_code == 200
    assert response.context["form"].errors["cv"] == [
        "Le type de fichier annoncé par votre navigateur ne correspond pas à un PDF : "
        "déposez un fichier au format PDF."
    ]
    assert not Conseiller.objects.exists()


@pytest.mark.parametrize("content_type", ["application/x-pdf", "application/octet-stream"])
def test_cv_accepted_with_other_usual_declared_types(client, content_type):
    cv = SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type=content_type)
    assert client.post(URL, {**_data(), "cv": cv}).status_code == 302
    assert Conseiller.objects.get().cv


def test_cv_name_with_path_tricks_is_neutralised(client):
    cv = SimpleUploadedFile("../../etc/passwd.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(URL, {**_data(), "cv": cv})
    conseiller = Conseiller.objects.get()
    assert ".." not in conseiller.cv.name and "passwd" not in conseiller.cv.name
    assert conseiller.cv_nom == "passwd.pdf"


@pytest.fixture
def candidat_avec_cv():
    conseiller = ConseillerFactory()
    conseiller.cv.save("cv.pdf", ContentFile(PDF_BYTES))
    conseiller.cv_nom = "mon-cv.pdf"
    conseiller.save()
    return conseiller


def test_cv_served_to_candidate_structure_in_reach_and_operator(client, candidat_avec_cv):
    url = reverse("conseillers:cv", args=[candidat_avec_cv.pk])
    client.force_login(candidat_avec_cv.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(membre(StructureFactory()))  # Lyon: in reach
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_cv_not_reachable_anonymously_or_by_other_structure(client, candidat_avec_cv):
    url = reverse("conseillers:cv", args=[candidat_avec_cv.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(membre(StructureFactory(a_grenoble=True)))  # 100 km away, candidate: 20 km
    assert client.get(url).status_code == 404
    client.force_login(ConseillerFactory().user)
    assert client.get(url).status_code == 404


def test_profile_edit_and_availability(client):
    conseiller = ConseillerFactory(situation="en_emploi")
    commune("38185")
    client.force_login(conseiller.user)
    response = client.get(reverse("conseillers:profil"))
    assert response.status_code == 200
    data = {
        "prenom": "Camille",
        "nom": "Nouveau",
        "code_postal": "38000",
        "disponible": "on",
        "distance_max": "100",
        "situation": "en_formation",
    }
    response = client.post(reverse("conseillers:profil"), data)
    assert response.status_code == 302
    conseiller.refresh_from_db()
    assert (
        conseiller.nom == "Nouveau" and conseiller.departement_id == "38" and conseiller.distance_max == 100
    )
    client.post(reverse("conseillers:profil_disponibilite"), {"disponible": "0"})
    conseiller.refresh_from_db()
    assert not conseiller.disponible


def test_profile_bad_input_keeps_input(client):
    conseiller = ConseillerFactory(situation="en_emploi")
    client.force_login(conseiller.user)
    response = client.post(
        reverse("conseillers:profil"),
        {
            "prenom": "Camille",
            "nom": "Gardé",
            "code_postal": "1",
            "distance_max": "20",
            "situation": "en_emploi",
        },
    )
    assert response.status_code == 200
    assert "Code postal inconnu" in response.content.decode()
    assert 'value="Gardé"' in response.content.decode()


def test_delete_account_erases_data(client, candidat_avec_cv):
    structure = StructureFactory()
    mise_en_relation(structure, candidat_avec_cv, S.NOUVELLE)
    storage, name = candidat_avec_cv.cv.storage, candidat_avec_cv.cv.name
    client.force_login(candidat_avec_cv.user)
    assert client.get(reverse("conseillers:profil_supprimer")).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("conseillers:profil_supprimer"))
    assert response.status_code == 302
    assert not Conseiller.objects.exists() and not User.objects.filter(pk=candidat_avec_cv.user_id).exists()
    assert not Conseiller.history.filter(id=candidat_avec_cv.pk).exists()
    assert not storage.exists(name)


def test_delete_account_refused_once_recruited(client):
    mer = en_poste(StructureFactory())
    client.force_login(mer.conseiller.user)
    response = client.post(reverse("conseillers:profil_supprimer"), follow=True)
    assert "ne peut pas être supprimé" in response.content.decode()
    assert Conseiller.objects.filter(pk=mer.conseiller_id).exists()
