"""Registration, session and certification transitions (allowed and refused), emails."""

from datetime import date

import pytest

from conumapp.services import DomainError
from formation import services
from formation.enums import (
    StatutAbsence,
    StatutCertification,
    StatutInscription,
    StatutSession,
    StatutValidation,
)
from formation.models import Certification, Dispense, Inscription

from .factories import (
    SessionFactory,
    StructureFactory,
    UserFactory,
    conseiller_eligible,
    membre,
    operateur,
    pdf,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def inscrire(conseiller, session, acteur=None):
    return services.inscrire(
        session=session, conseiller=conseiller, acteur=acteur or conseiller.user, today=TODAY
    )


def test_structure_member_registers_its_advisor_but_not_another():
    structure = StructureFactory()
    conseiller = conseiller_eligible(structure)
    autre = conseiller_eligible()
    session = SessionFactory()
    assert inscrire(conseiller, session, membre(structure)).structure == structure
    with pytest.raises(DomainError, match="Vous ne pouvez pas inscrire ce conseiller"):
        inscrire(autre, session, UserFactory())


def test_over_capacity_refuses_the_next_registration():
    session = SessionFactory(capacite=1)
    inscrire(conseiller_eligible(), session)
    with pytest.raises(DomainError, match="Cette session est complète"):
        inscrire(conseiller_eligible(), session)
    assert session.inscriptions.count() == 1


def test_refused_registration_frees_its_seat():
    session = SessionFactory(capacite=1)
    premiere = inscrire(conseiller_eligible(), session)
    services.refuser_eligibilite(inscription=premiere, acteur=operateur(), motif="Dossier incomplet")
    assert inscrire(conseiller_eligible(), session).pk


def test_duplicate_cancelled_and_past_sessions_are_refused():
    conseiller = conseiller_eligible()
    session = SessionFactory()
    inscrire(conseiller, session)
    with pytest.raises(DomainError, match="déjà inscrit"):
        inscrire(conseiller, session)
    with pytest.raises(DomainError, match="annulée"):
        inscrire(conseiller, SessionFactory(statut=StatutSession.ANNULEE))
    with pytest.raises(DomainError, match="déjà commencé"):
        inscrire(conseiller, SessionFactory(date_debut=TODAY))


def test_full_registration_flow_with_emails(django_capture_on_commit_callbacks, mailoutbox):
    structure = StructureFactory()
    conseiller = conseiller_eligible(structure)
    session = SessionFactory(date_debut=date(2026, 12, 15))
    op = operateur()
    with django_capture_on_commit_callbacks(execute=True):
        inscription = inscrire(conseiller, session)
    assert mailoutbox[-1].to == sorted([conseiller.user.email, structure.contact_email])
    assert session.module.nom in mailoutbox[-1].subject
    assert "financée par l'État" in mailoutbox[-1].body

    with pytest.raises(DomainError, match="Seule une inscription éligible peut être confirmée"):
        services.confirmer_inscription(inscription=inscription, acteur=op)
    with pytest.raises(DomainError, match="Seuls les opérateurs"):
        services.valider_eligibilite(inscription=inscription, acteur=conseiller.user, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        inscription = services.valider_eligibilite(inscription=inscription, acteur=op, today=TODAY)
    assert inscription.statut == StatutInscription.ELIGIBLE
    assert mailoutbox[-1].subject.startswith("Inscription éligible")
    with pytest.raises(DomainError, match="en attente d'éligibilité"):
        services.refuser_eligibilite(inscription=inscription, acteur=op, motif="x")

    with django_capture_on_commit_callbacks(execute=True):
        inscription = services.confirmer_inscription(inscription=inscription, acteur=op)
    assert inscription.statut == StatutInscription.CONFIRMEE
    assert "confirmée" in mailoutbox[-1].subject

    with pytest.raises(DomainError, match="pas encore eu lieu"):
        services.enregistrer_presence(inscription=inscription, acteur=op, present=True, today=TODAY)
    inscription = services.enregistrer_presence(
        inscription=inscription, acteur=op, present=True, today=date(2026, 12, 16)
    )
    assert inscription.statut == StatutInscription.SUIVIE
    with pytest.raises(DomainError, match="confirmée"):
        services.enregistrer_presence(
            inscription=inscription, acteur=op, present=False, today=date(2026, 12, 16)
        )


def test_refusal_needs_a_reason_and_is_emailed(django_capture_on_commit_callbacks, mailoutbox):
    conseiller = conseiller_eligible()
    inscription = inscrire(conseiller, SessionFactory())
    op = operateur()
    with pytest.raises(DomainError, match="Indiquez le motif du refus"):
        services.refuser_eligibilite(inscription=inscription, acteur=op, motif=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.refuser_eligibilite(
            inscription=inscription, acteur=op, motif="Dossier administratif incomplet"
        )
    assert mailoutbox[-1].subject.startswith("Inscription refusée")
    assert "Dossier administratif incomplet" in mailoutbox[-1].body


def _absent(conseiller):
    op = operateur()
    inscription = inscrire(conseiller, SessionFactory())
    services.valider_eligibilite(inscription=inscription, acteur=op, today=TODAY)
    services.confirmer_inscription(inscription=inscription, acteur=op)
    return services.enregistrer_presence(
        inscription=inscription, acteur=op, present=False, today=date(2026, 12, 20)
    ), op


def test_absence_justified_or_breach():
    conseiller = conseiller_eligible()
    inscription, op = _absent(conseiller)
    assert inscription.absence_statut == StatutAbsence.A_JUSTIFIER
    with pytest.raises(DomainError, match="Aucun justificatif"):
        services.examiner_absence(inscription=inscription, acteur=op, justifiee=True)
    with pytest.raises(DomainError, match="Joignez un justificatif"):
        services.justifier_absence(inscription=inscription, acteur=conseiller.user, motif="Arrêt maladie")
    with pytest.raises(DomainError, match="Vous ne pouvez pas justifier"):
        services.justifier_absence(
            inscription=inscription, acteur=UserFactory(), motif="x", justificatif=pdf()
        )
    inscription = services.justifier_absence(
        inscription=inscription, acteur=conseiller.user, motif="Arrêt maladie", justificatif=pdf()
    )
    assert inscription.absence_statut == StatutAbsence.JUSTIFICATIF_ENVOYE
    inscription = services.examiner_absence(inscription=inscription, acteur=op, justifiee=True)
    assert inscription.absence_statut == StatutAbsence.JUSTIFIEE
    assert not Inscription.objects.manquements().exists()


def test_unjustified_absence_is_a_breach():
    inscription, op = _absent(conseiller_eligible())
    services.examiner_absence(inscription=inscription, acteur=op, justifiee=False)
    assert list(Inscription.objects.manquements()) == [inscription]


def test_session_confirmation_and_cancellation_deadline(django_capture_on_commit_callbacks, mailoutbox):
    op = operateur()
    session = SessionFactory(date_debut=date(2026, 12, 15), minimum_inscrits=2)
    conseiller = conseiller_eligible()
    inscrire(conseiller, session)
    with pytest.raises(DomainError, match="minimum d'inscrits"):
        services.confirmer_session(session=session, acteur=op, today=TODAY)
    inscrire(conseiller_eligible(), session)
    with pytest.raises(DomainError, match="3 semaines avant"):
        services.confirmer_session(session=session, acteur=op, today=date(2026, 11, 30))
    assert (
        services.confirmer_session(session=session, acteur=op, today=TODAY).statut == StatutSession.CONFIRMEE
    )
    with pytest.raises(DomainError, match="Seule une session planifiée peut être annulée"):
        services.annuler_session(session=session, acteur=op, motif="x", today=TODAY)

    autre = SessionFactory(date_debut=date(2026, 12, 20))
    inscription = inscrire(conseiller, autre)
    with django_capture_on_commit_callbacks(execute=True):
        services.annuler_session(session=autre, acteur=op, motif="Formateur indisponible", today=TODAY)
    inscription.refresh_from_db()
    assert inscription.statut == StatutInscription.ANNULEE
    assert mailoutbox[-1].subject.startswith("Session annulée")
    assert "Formateur indisponible" in mailoutbox[-1].body


def test_dispensation_requested_then_validated_or_refused():
    conseiller = conseiller_eligible(entree=None)
    op = operateur()
    with pytest.raises(DomainError, match="Joignez le justificatif"):
        services.demander_dispense(
            conseiller=conseiller, acteur=conseiller.user, motif="titre_catic", justificatif=None
        )
    dispense = services.demander_dispense(
        conseiller=conseiller, acteur=conseiller.user, motif="titre_catic", justificatif=pdf()
    )
    with pytest.raises(DomainError, match="déjà en cours"):
        services.demander_dispense(
            conseiller=conseiller, acteur=conseiller.user, motif="titre_catic", justificatif=pdf()
        )
    with pytest.raises(DomainError, match="Seuls les opérateurs"):
        services.decider_dispense(dispense=dispense, acteur=conseiller.user, valider=True)
    dispense = services.decider_dispense(dispense=dispense, acteur=op, valider=True)
    assert dispense.statut == StatutValidation.VALIDEE and dispense.validee_par == op
    with pytest.raises(DomainError, match="déjà été examinée"):
        services.decider_dispense(dispense=dispense, acteur=op, valider=False)
    refusee = Dispense.objects.create(
        conseiller=conseiller_eligible(), motif="titre_remn", justificatif=pdf()
    )
    assert (
        services.decider_dispense(dispense=refusee, acteur=op, valider=False).statut
        == StatutValidation.REFUSEE
    )


def test_certification_transitions():
    conseiller = conseiller_eligible(convoque=False)
    op = operateur()
    certification = Certification.objects.create(conseiller=conseiller, type="pix")
    with pytest.raises(DomainError, match="Passage impossible"):
        services.changer_statut_certification(
            certification=certification, acteur=op, statut=StatutCertification.REUSSI
        )
    with pytest.raises(DomainError, match="date de convocation"):
        services.changer_statut_certification(
            certification=certification, acteur=op, statut=StatutCertification.CONVOQUE
        )
    certification = services.changer_statut_certification(
        certification=certification,
        acteur=op,
        statut=StatutCertification.CONVOQUE,
        date_convocation=date(2026, 12, 1),
    )
    certification = services.changer_statut_certification(
        certification=certification,
        acteur=op,
        statut=StatutCertification.ECHEC,
        date_resultat=date(2026, 12, 1),
    )
    assert certification.statut == StatutCertification.ECHEC
    with pytest.raises(DomainError, match="Passage impossible"):
        services.changer_statut_certification(
            certification=certification, acteur=op, statut=StatutCertification.REUSSI
        )
