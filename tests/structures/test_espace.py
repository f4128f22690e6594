"""The members' space: identity, posts, decisions, post requests, colleagues and invitations."""

import pytest
from django.urls import reverse

from conumapp.enums import Role
from conumapp.permissions import has_role
from structures import services
from structures.enums import DecisionType, DemandePosteStatut, PosteEtat
from structures.models import DemandePoste, Invitation, Membre

from .factories import PASSWORD, StructureFactory, UserFactory, membre, operateur, prefecture

pytestmark = pytest.mark.django_db


def test_detail_shows_status_posts_and_decisions(client):
    structure = StructureFactory(postes=[])
    services.coselec_decider(structure=structure, by=operateur(), numero=42, type=DecisionType.VALIDATION,
                             nombre_postes=2, avis="Dossier solide")  # fmt: skip
    client.force_login(membre(structure))
    page = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Validée" in page
    assert "COSELEC 42" in page and "Dossier solide" in page
    assert page.count(">Vacant<") == 2
    assert "2 vacant(s), 0 occupé(s), 0 rendu(s)" in page


def test_posts_page_query_count(client, django_assert_num_queries):
    structure = StructureFactory(validee=True, postes=[PosteEtat.VACANT, PosteEtat.OCCUPE, PosteEtat.RENDU])
    user = membre(structure)
    services.coselec_decider(structure=structure, by=operateur(), numero=1, type=DecisionType.VALIDATION,
                             nombre_postes=3)  # fmt: skip
    client.force_login(user)
    url = reverse("structures:detail", args=[structure.pk])
    client.get(url)
    with django_assert_num_queries(21):
        client.get(url)
    # more posts must not add queries
    for _ in range(3):
        structure.postes.create(etat=PosteEtat.VACANT)
    with django_assert_num_queries(21):
        client.get(url)


def test_request_more_posts_through_the_form(client, mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory(validee=True)
    client.force_login(membre(structure))
    url = reverse("structures:demande_ajout", args=[structure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"nombre": "2", "motif": "forte_demande"})
    assert response.status_code == 302
    demande = DemandePoste.objects.get()
    assert (demande.nombre, demande.statut) == (2, DemandePosteStatut.EN_COURS)
    page = client.get(reverse("structures:detail", args=[structure.pk])).content.decode()
    assert "Une demande est en cours" in page and "Je rencontre une forte demande" in page
    second = client.post(url, {"nombre": "1", "motif": "forte_demande"})
    assert "Une demande est déjà en cours" in second.content.decode()


def test_request_bad_input_kept(client):
    structure = StructureFactory(validee=True)
    client.force_login(membre(structure))
    response = client.post(
        reverse("structures:demande_retrait", args=[structure.pk]), {"nombre": "0", "motif": ""}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "nombre" in form.errors and "motif" in form.errors
    assert 'value="0"' in response.content.decode()
    response = client.post(
        reverse("structures:demande_retrait", args=[structure.pk]),
        {"nombre": "5", "motif": "besoin_non_justifie"},
    )
    assert "plus de postes que vos postes libres (2)" in response.content.decode()
    assert not DemandePoste.objects.exists()


def test_invite_then_colleague_signs_in_and_accepts(client, mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory(validee=True)
    client.force_login(membre(structure))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("structures:inviter", args=[structure.pk]), {"email": "collegue@mairie.fr"})
    invitation = Invitation.objects.get()
    email = mailoutbox[-1]
    assert email.to == ["collegue@mairie.fr"]
    assert structure.nom in email.subject
    link = reverse("structures:invitation", args=[invitation.token])
    assert link in email.body
    client.logout()
    colleague = UserFactory(email="collegue@mairie.fr")
    landing = client.get(link)
    assert "Se connecter" in landing.content.decode()
    login = client.post(
        f"{reverse('account_login')}?next={link}", {"login": colleague.email, "password": PASSWORD}
    )
    assert login.status_code == 302 and login.url == link
    response = client.post(link)
    assert response.url == reverse("structures:detail", args=[structure.pk])
    assert Membre.objects.filter(structure=structure, user=colleague).exists()
    assert has_role(colleague, Role.STRUCTURE)


def test_invitation_bad_email(client):
    structure = StructureFactory()
    client.force_login(membre(structure))
    response = client.post(
        reverse("structures:inviter", args=[structure.pk]), {"email": "pas-un-email"}, follow=True
    )
    assert "Adresse électronique invalide" in response.content.decode()
    assert not Invitation.objects.exists()


def test_remove_colleague_with_confirmation_never_the_last(client):
    structure = StructureFactory()
    me = membre(structure)
    other = membre(structure)
    client.force_login(me)
    other_membre = Membre.objects.get(user=other)
    url = reverse("structures:retirer_membre", args=[structure.pk, other_membre.pk])
    assert "Confirmer le retrait" in client.get(url).content.decode()
    client.post(url)
    assert not Membre.objects.filter(pk=other_membre.pk).exists()
    mine = Membre.objects.get(user=me)
    response = client.post(reverse("structures:retirer_membre", args=[structure.pk, mine.pk]), follow=True)
    assert "dernier membre" in response.content.decode()
    assert Membre.objects.filter(pk=mine.pk).exists()


def test_navigation_tiles_by_role(client):
    structure = StructureFactory()
    client.force_login(membre(structure))
    assert "Ma structure" in client.get("/").content.decode()
    client.force_login(prefecture("69"))
    page = client.get("/").content.decode()
    assert "Candidatures des structures" in page and "Ma structure" not in page
