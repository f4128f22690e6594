"""Training state changes. Every function checks state and actor, records history, queues emails."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from conseillers.models import Conseiller
from conumapp import permissions
from conumapp.services import DomainError
from structures.models import est_membre

from . import eligibilite, notifications
from .enums import (
    StatutAbsence,
    StatutCertification,
    StatutInscription,
    StatutSession,
    StatutValidation,
)
from .models import Certification, Dispense, FormationInitiale, Inscription, Session

DELAI_CONFIRMATION_SESSION = timedelta(weeks=3)


def _exiger_operateur(acteur) -> None:
    if not permissions.is_operateur(acteur):
        raise DomainError("Seuls les opérateurs peuvent effectuer cette action.")


def peut_agir_pour(acteur, conseiller: Conseiller, day: date | None = None) -> bool:
    """The advisor themselves, a member of their current employer, or an operator."""
    if permissions.is_operateur(acteur):
        return True
    if conseiller.user_id == acteur.pk:
        return True
    contrat = eligibilite.contrat_en_poste(conseiller, day)
    return bool(contrat and est_membre(acteur, contrat.structure_id))


# --- Registration ----------------------------------------------------------------------------


def inscrire(*, session: Session, conseiller: Conseiller, acteur, today: date | None = None) -> Inscription:
    """Register an advisor for a session (status ``demandee``) after the automatic rules."""
    today = today or timezone.localdate()
    if not peut_agir_pour(acteur, conseiller, today):
        raise DomainError("Vous ne pouvez pas inscrire ce conseiller.")
    with transaction.atomic():
        # The session row lock serialises registrations: the last seat goes to one advisor only.
        session = Session.objects.select_for_update(of=("self",)).select_related("module").get(pk=session.pk)
        if session.statut == StatutSession.ANNULEE:
            raise DomainError("Cette session est annulée.")
        if session.date_debut <= today:
            raise DomainError("Les inscriptions à cette session sont closes : elle a déjà commencé.")
        if Inscription.objects.filter(session=session, conseiller=conseiller).exists():
            raise DomainError("Ce conseiller est déjà inscrit à cette session.")
        if Inscription.objects.filter(session=session).occupant_place().count() >= session.capacite:
            raise DomainError("Cette session est complète : aucune place n'est disponible.")
        resultat = eligibilite.evaluer(conseiller, session, today)
        if not resultat.eligible:
            raise DomainError("Inscription impossible : " + " ".join(resultat.motifs))
        contrat = eligibilite.contrat_en_poste(conseiller, today)
        inscription = Inscription(
            session=session,
            conseiller=conseiller,
            structure=contrat.structure if contrat else None,
            annee=session.annee,
            financee=resultat.financee,
            demandee_par=acteur,
        )
        inscription.full_clean()
        inscription.save()
        notifications.inscription_demandee(inscription)
    return inscription


def _verrouiller(inscription: Inscription, attendus: list[str], message: str) -> Inscription:
    inscription = (
        Inscription.objects.select_for_update(of=("self",))
        .select_related("session__module", "conseiller__user", "structure")
        .get(pk=inscription.pk)
    )
    if inscription.statut not in attendus:
        raise DomainError(message)
    return inscription


def valider_eligibilite(*, inscription: Inscription, acteur, today: date | None = None) -> Inscription:
    _exiger_operateur(acteur)
    with transaction.atomic():
        inscription = _verrouiller(
            inscription,
            [StatutInscription.DEMANDEE],
            "Seule une inscription en attente d'éligibilité peut être validée.",
        )
        resultat = eligibilite.evaluer(
            inscription.conseiller, inscription.session, today, exclure_inscription=inscription
        )
        if not resultat.eligible:
            raise DomainError("Éligibilité non confirmée : " + " ".join(resultat.motifs))
        inscription.statut = StatutInscription.ELIGIBLE
        inscription.financee = resultat.financee
        inscription.decidee_par = acteur
        inscription.save()
        notifications.eligibilite_decidee(inscription)
    return inscription


def refuser_eligibilite(*, inscription: Inscription, acteur, motif: str) -> Inscription:
    _exiger_operateur(acteur)
    if not motif.strip():
        raise DomainError("Indiquez le motif du refus.")
    with transaction.atomic():
        inscription = _verrouiller(
            inscription,
            [StatutInscription.DEMANDEE],
            "Seule une inscription en attente d'éligibilité peut être refusée.",
        )
        inscription.statut = StatutInscription.REFUSEE
        inscription.motif_refus = motif.strip()
        inscription.decidee_par = acteur
        inscription.save()
        notifications.eligibilite_decidee(inscription)
    return inscription


def confirmer_inscription(*, inscription: Inscription, acteur) -> Inscription:
    """The regional training body (through an operator) confirms the seat."""
    _exiger_operateur(acteur)
    with transaction.atomic():
        inscription = _verrouiller(
            inscription, [StatutInscription.ELIGIBLE], "Seule une inscription éligible peut être confirmée."
        )
        if inscription.session.statut == StatutSession.ANNULEE:
            raise DomainError("La session est annulée.")
        inscription.statut = StatutInscription.CONFIRMEE
        inscription.save()
        notifications.inscription_confirmee(inscription)
    return inscription


def enregistrer_presence(
    *, inscription: Inscription, acteur, present: bool, today: date | None = None
) -> Inscription:
    _exiger_operateur(acteur)
    today = today or timezone.localdate()
    with transaction.atomic():
        inscription = _verrouiller(
            inscription,
            [StatutInscription.CONFIRMEE],
            "La présence ne peut être enregistrée que pour une inscription confirmée.",
        )
        if inscription.session.date_debut > today:
            raise DomainError("La session n'a pas encore eu lieu.")
        if present:
            inscription.statut = StatutInscription.SUIVIE
        else:
            inscription.statut = StatutInscription.ABSENT
            inscription.absence_statut = StatutAbsence.A_JUSTIFIER
        inscription.save()
        if not present:
            notifications.absence_a_justifier(inscription)
    return inscription


def justifier_absence(*, inscription: Inscription, acteur, motif: str, justificatif=None) -> Inscription:
    if not peut_agir_pour(acteur, inscription.conseiller) and not (
        inscription.structure_id and est_membre(acteur, inscription.structure_id)
    ):
        raise DomainError("Vous ne pouvez pas justifier cette absence.")
    if not motif.strip():
        raise DomainError("Indiquez le motif de l'absence.")
    if not justificatif:
        raise DomainError("Joignez un justificatif d'absence.")
    with transaction.atomic():
        inscription = _verrouiller(inscription, [StatutInscription.ABSENT], "Aucune absence à justifier.")
        if inscription.absence_statut not in (StatutAbsence.A_JUSTIFIER, StatutAbsence.MANQUEMENT):
            raise DomainError("Cette absence a déjà été justifiée.")
        inscription.absence_motif = motif.strip()
        inscription.absence_justificatif = justificatif
        inscription.absence_statut = StatutAbsence.JUSTIFICATIF_ENVOYE
        inscription.save()
    return inscription


def examiner_absence(*, inscription: Inscription, acteur, justifiee: bool) -> Inscription:
    """Operator review: a justified absence, or a breach of the convention."""
    _exiger_operateur(acteur)
    with transaction.atomic():
        inscription = _verrouiller(inscription, [StatutInscription.ABSENT], "Aucune absence à examiner.")
        if justifiee and inscription.absence_statut != StatutAbsence.JUSTIFICATIF_ENVOYE:
            raise DomainError("Aucun justificatif n'a été transmis pour cette absence.")
        inscription.absence_statut = StatutAbsence.JUSTIFIEE if justifiee else StatutAbsence.MANQUEMENT
        inscription.decidee_par = acteur
        inscription.save()
    return inscription


# --- Sessions --------------------------------------------------------------------------------


def confirmer_session(*, session: Session, acteur, today: date | None = None) -> Session:
    _exiger_operateur(acteur)
    today = today or timezone.localdate()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.statut != StatutSession.PLANIFIEE:
            raise DomainError("Seule une session planifiée peut être confirmée.")
        if session.date_debut - today < DELAI_CONFIRMATION_SESSION:
            raise DomainError("Une session se confirme au plus tard 3 semaines avant son premier jour.")
        if Inscription.objects.filter(session=session).occupant_place().count() < session.minimum_inscrits:
            raise DomainError("Le nombre minimum d'inscrits n'est pas atteint.")
        session.statut = StatutSession.CONFIRMEE
        session.save()
    return session


def annuler_session(*, session: Session, acteur=None, motif: str, today: date | None = None) -> Session:
    """Cancel a planned session (operator, or the periodic task with ``acteur=None``)."""
    if acteur is not None:
        _exiger_operateur(acteur)
    today = today or timezone.localdate()
    with transaction.atomic():
        session = Session.objects.select_for_update(of=("self",)).select_related("module").get(pk=session.pk)
        if session.statut != StatutSession.PLANIFIEE:
            raise DomainError("Seule une session planifiée peut être annulée.")
        if session.date_debut <= today:
            raise DomainError("Une session commencée ne peut plus être annulée.")
        session.statut = StatutSession.ANNULEE
        session.motif_annulation = motif
        session.save()
        inscriptions = list(
            Inscription.objects.filter(session=session)
            .exclude(statut=StatutInscription.REFUSEE)
            .select_related("conseiller__user", "structure")
        )
        for inscription in inscriptions:
            inscription.statut = StatutInscription.ANNULEE
            inscription.save()
            notifications.session_annulee(inscription)
    return session


# --- Initial training, dispensations, certifications ----------------------------------------


def creer_formation_initiale(*, conseiller: Conseiller, acteur, **donnees) -> FormationInitiale:
    """Record a path; it is State-funded if it is the advisor's first, or the second path of a post
    left by another advisor."""
    _exiger_operateur(acteur)
    with transaction.atomic():
        formation = FormationInitiale(conseiller=conseiller, **donnees)
        formation.financee = financement_formation_initiale(conseiller, formation.mise_en_relation)
        formation.full_clean()
        formation.save()
    return formation


def financement_formation_initiale(conseiller, contrat) -> bool:
    if FormationInitiale.objects.filter(conseiller=conseiller, financee=True).exists():
        return False
    if contrat is None or contrat.poste_id is None:
        return True
    financees_sur_poste = FormationInitiale.objects.filter(
        financee=True, mise_en_relation__poste_id=contrat.poste_id
    ).count()
    return financees_sur_poste < 2


def demander_dispense(*, conseiller: Conseiller, acteur, motif: str, justificatif) -> Dispense:
    if not peut_agir_pour(acteur, conseiller):
        raise DomainError("Vous ne pouvez pas demander de dispense pour ce conseiller.")
    if not justificatif:
        raise DomainError("Joignez le justificatif du diplôme.")
    with transaction.atomic():
        if Dispense.objects.filter(
            conseiller=conseiller, statut__in=[StatutValidation.SOUMISE, StatutValidation.VALIDEE]
        ).exists():
            raise DomainError("Une dispense est déjà en cours ou validée pour ce conseiller.")
        dispense = Dispense(conseiller=conseiller, motif=motif, justificatif=justificatif)
        dispense.full_clean()
        dispense.save()
    return dispense


def decider_dispense(*, dispense: Dispense, acteur, valider: bool, commentaire: str = "") -> Dispense:
    _exiger_operateur(acteur)
    with transaction.atomic():
        dispense = Dispense.objects.select_for_update().get(pk=dispense.pk)
        if dispense.statut != StatutValidation.SOUMISE:
            raise DomainError("Cette dispense a déjà été examinée.")
        if valider and not dispense.justificatif:
            raise DomainError("Une dispense ne se valide que sur justificatif.")
        dispense.statut = StatutValidation.VALIDEE if valider else StatutValidation.REFUSEE
        dispense.commentaire = commentaire
        dispense.validee_par = acteur
        dispense.validee_le = timezone.now()
        dispense.save()
    return dispense


_TRANSITIONS_CERTIFICATION = {
    StatutCertification.INSCRIT: [StatutCertification.CONVOQUE],
    StatutCertification.CONVOQUE: [
        StatutCertification.REUSSI,
        StatutCertification.ECHEC,
        StatutCertification.ABSENT,
    ],
}


def changer_statut_certification(
    *,
    certification: Certification,
    acteur,
    statut: str,
    date_convocation: date | None = None,
    date_resultat: date | None = None,
) -> Certification:
    _exiger_operateur(acteur)
    with transaction.atomic():
        certification = Certification.objects.select_for_update().get(pk=certification.pk)
        if statut not in _TRANSITIONS_CERTIFICATION.get(certification.statut, []):
            raise DomainError(
                f"Passage impossible de « {certification.get_statut_display()} » à "
                f"« {StatutCertification(statut).label} »."
            )
        if statut == StatutCertification.CONVOQUE:
            if not date_convocation:
                raise DomainError("Indiquez la date de convocation.")
            certification.date_convocation = date_convocation
        else:
            certification.date_resultat = date_resultat or timezone.localdate()
        certification.statut = statut
        certification.full_clean()
        certification.save()
    return certification
