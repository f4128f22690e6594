"""Training periodic tasks; idempotent (outbox keys, state checks)."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from conseillers.models import Conseiller, MiseEnRelation
from conumapp.services import DomainError

from . import eligibilite, notifications, services
from .enums import StatutCertification, StatutInscription, StatutSession, TypeCertification
from .models import Certification, FormationInitiale, Inscription, Session

RAPPEL_CERTIFICATION_JOURS = 15

PERIODIC_TASKS = {
    "Formation : rappel mensuel du module annuel (septembre à décembre)": {
        "task": "formation.tasks.rappels_module_annuel",
        "crontab": {"minute": "0", "hour": "8", "day_of_month": "1", "month_of_year": "9-12"},
    },
    "Formation : rappel d'échéance de certification": {
        "task": "formation.tasks.rappels_certification",
        "crontab": {"minute": "10", "hour": "8"},
    },
    "Formation : annulation des sessions sans assez d'inscrits (3 semaines avant)": {
        "task": "formation.tasks.annuler_sessions_sous_effectif",
        "crontab": {"minute": "20", "hour": "6"},
    },
}


@shared_task
def rappels_module_annuel(today_iso: str | None = None) -> int:
    """From September, advisors in post with no module registration this year (copy to structure)."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    if today.month < 9:
        return 0
    avec_module = (
        Inscription.objects.filter(annee=today.year)
        .exclude(statut__in=[StatutInscription.REFUSEE, StatutInscription.ANNULEE])
        .values("conseiller_id")
    )
    en_poste = MiseEnRelation.objects.en_poste().values("conseiller_id")
    envoyes = 0
    for conseiller in (
        Conseiller.objects.filter(pk__in=en_poste)
        .exclude(pk__in=avec_module)
        .select_related("user")
        .order_by("pk")
    ):
        contrat = eligibilite.contrat_en_poste(conseiller, today)
        structure = contrat.structure if contrat else None
        envoyes += notifications.rappel_module(conseiller, structure, today.year, today.month)
    return envoyes


@shared_task
def rappels_certification(today_iso: str | None = None) -> int:
    """Deadline approaching (15 days) and no CCP1 convocation yet."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    months = settings.CERTIFICATION_DEADLINE_MONTHS
    convoques = Certification.objects.filter(
        type=TypeCertification.CCP1, statut__in=StatutCertification.convocation_recue()
    ).values("conseiller_id")
    envoyes = 0
    candidates = (
        FormationInitiale.objects.filter(
            date_sortie__isnull=False,
            date_sortie__gte=today - timedelta(days=31 * months + 1),
            date_sortie__lte=today,
        )
        .exclude(conseiller_id__in=convoques)
        .select_related("conseiller__user")
    )
    for formation in candidates:
        echeance = formation.echeance_certification()
        if not (today <= echeance <= today + timedelta(days=RAPPEL_CERTIFICATION_JOURS)):
            continue
        contrat = eligibilite.contrat_en_poste(formation.conseiller, today)
        envoyes += notifications.rappel_certification(
            formation, contrat.structure if contrat else None, echeance
        )
    return envoyes


@shared_task
def annuler_sessions_sous_effectif(today_iso: str | None = None) -> int:
    """Three weeks before, a planned session without its minimum of registrants is cancelled."""
    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    limite = today + services.DELAI_CONFIRMATION_SESSION
    annulees = 0
    for session in Session.objects.with_inscrits().filter(
        statut=StatutSession.PLANIFIEE, date_debut__lte=limite, date_debut__gt=today
    ):
        if session.nb_inscrits >= session.minimum_inscrits:
            continue
        try:
            services.annuler_session(
                session=session,
                motif="Nombre minimum d'inscrits non atteint 3 semaines avant la session.",
                today=today,
            )
        except DomainError:
            continue  # changed meanwhile (confirmed or cancelled by an operator)
        annulees += 1
    return annulees
