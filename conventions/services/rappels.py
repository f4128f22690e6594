"""Reminders sent by the daily tasks and the operators' digest of due tranches."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

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
    """Email the operators' mailbox the due tranches not reported yet, each exactly once.

    A tranche made due by the daily task or at signature (possibly after that day's digest went)
    is reported by the next run; the tranches are marked ``signalee_le`` in the same transaction
    as the email is queued, so running the task twice, or two deliveries at once, sends nothing new.
    """
    with transaction.atomic():
        tranches = list(
            Tranche.objects.select_for_update(of=("self",))
            .filter(statut=TrancheStatut.DUE, signalee_le__isnull=True)
            .select_related("convention")
            .order_by("convention__numero", "numero", "poste_id", "pk")
        )
        if not tranches:
            return False
        Tranche.objects.filter(pk__in=[t.pk for t in tranches]).update(signalee_le=today)
        return bool(
            notifications.digest_tranches_dues(today=today, tranches=tranches, to=[settings.OPERATORS_EMAIL])
        )
