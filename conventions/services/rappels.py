"""Reminders sent by the daily tasks and the operators' digest of due tranches."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from .. import notifications
from ..enums import ConventionEtat, PieceStatut, PieceType, TrancheStatut
from ..models import Convention, Tranche

SEUILS_RAPPEL = (120, 90, 60, 30)


def rappels_reconventionnement(*, today: date) -> int:
    """Remind members at 120/90/60/30 days before the end; each threshold at most once.

    After downtime only the most urgent threshold reached is sent (the older ones are moot).
    """
    sent = 0
    for convention in Convention.objects.a_renouveler(
        within_days=max(SEUILS_RAPPEL), today=today
    ).select_related("structure"):
        days_left = (convention.date_fin - today).days
        seuil = min(s for s in SEUILS_RAPPEL if days_left <= s)
        if notifications.rappel_reconventionnement(convention, seuil=seuil, jours=days_left):
            sent += 1
    return sent


def rappels_justificatif(*, today: date) -> int:
    """Once the convention has ended, remind members to send the proof of use of the subsidy."""
    sent = 0
    conventions = (
        Convention.objects.filter(
            etat__in=[ConventionEtat.SIGNEE, ConventionEtat.TERMINEE, ConventionEtat.RESILIEE],
            date_fin__lt=today,
        )
        .exclude(
            structure__pieces_justificatives__type=PieceType.JUSTIFICATIF_UTILISATION,
            structure__pieces_justificatives__statut__in=[PieceStatut.DEPOSEE, PieceStatut.ACCEPTEE],
        )
        .select_related("structure")
    )
    for convention in conventions.distinct():
        if notifications.rappel_justificatif(convention):
            sent += 1
    return sent


def digest_operateurs(*, today: date) -> bool:
    """One email a day to the operators' mailbox listing the tranches that became due that day."""
    tranches = list(
        Tranche.objects.filter(statut=TrancheStatut.DUE, due_le=today)
        .select_related("convention")
        .order_by("convention__numero", "numero", "poste_id")
    )
    if not tranches:
        return False
    return bool(
        notifications.digest_tranches_dues(today=today, tranches=tranches, to=[settings.OPERATORS_EMAIL])
    )
