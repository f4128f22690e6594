"""Each notification: recipients, subject and body (through the outbox)."""

import pytest

from structures import services
from structures.enums import AvisPrefecture, DemandePosteType, MotifAjout, MotifRetrait

from .factories import StructureFactory, UserFactory, membre, operateur, prefecture

pytestmark = pytest.mark.django_db


def test_candidature_received(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="contact@mairie-bron.fr")
    structure = StructureFactory.build(nom="Mairie de Bron", contact_email="contact@mairie-bron.fr",
                                       contact_prenom="Lina", contact_nom="Roux")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.candidature_deposer(structure=structure, user=user)
    (email,) = mailoutbox
    assert email.to == ["contact@mairie-bron.fr"]
    assert email.subject == "Votre candidature « Mairie de Bron » a bien été reçue"
    assert "Bonjour Lina Roux" in email.body and structure.identifiant in email.body
    assert f"/structures/{structure.pk}/" in email.body


def test_post_request_goes_to_prefecture(mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory(validee=True, nom="Mairie de Givors")
    prefet = prefecture("69")
    prefecture("75")  # another département: not a recipient
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_creer(structure=structure, by=membre(structure), type=DemandePosteType.AJOUT, nombre=2,
                               motif=MotifAjout.DEVELOPPER)  # fmt: skip
    (email,) = mailoutbox
    assert email.to == [prefet.email]
    assert email.subject == "Nouvelle demande de postes pour « Mairie de Givors »"
    assert (
        "Demande de postes supplémentaires (2 poste(s))" in email.body
        and "Votre avis est attendu" in email.body
    )


def test_post_request_decision_goes_to_members(mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory(validee=True, nom="Mairie de Oullins")
    first, second = membre(structure), membre(structure)
    demande = services.demande_creer(structure=structure, by=first, type=DemandePosteType.RETRAIT, nombre=1,
                                     motif=MotifRetrait.RECRUTEMENT)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.demande_decider(
            demande=demande, by=operateur(), accepter=False, commentaire="Postes encore utiles"
        )
    (email,) = mailoutbox
    assert sorted(email.to) == sorted([first.email, second.email])
    assert email.subject == "Votre demande de postes a été refusée"
    assert "Postes encore utiles" in email.body and "Mairie de Oullins" in email.body


def test_refusal_decision_email(mailoutbox, django_capture_on_commit_callbacks):
    structure = StructureFactory(nom="Association Clic")
    member = membre(structure)
    services.avis_prefet_donner(structure=structure, by=prefecture(), avis=AvisPrefecture.NEGATIF,
                                commentaire="Projet trop peu précis.")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.coselec_decider(structure=structure, by=operateur(), numero=4, type="REFUS_COSELEC",
                                 avis="Projet à préciser")  # fmt: skip
    email = next(m for m in mailoutbox if m.to == [member.email])
    assert "Refus" in email.body and "Projet à préciser" in email.body and "COSELEC 4" in email.body
