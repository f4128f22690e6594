"""Tranches: blocking reason, amount computation, due marking, payment, suspension, credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils import timezone

from conumapp.services import DomainError

from .. import notifications, occupancy
from ..calculs import prorata
from ..enums import PieceType, TrancheStatut
from ..models import Avoir, Convention, PieceJustificative, Tranche
from ._commun import _lock, _require_operator, _save


def motif_blocage(tranche: Tranche) -> str:
    """Why a tranche cannot become due yet ('' when it can)."""
    if tranche.poste_id is None:
        return ""
    contrats = PieceJustificative.objects.acceptees().filter(
        structure_id=tranche.convention.structure_id,
        type=PieceType.CONTRAT_TRAVAIL,
        poste_id=tranche.poste_id,
    )
    contrats = contrats.exclude(valide_du__gt=tranche.date_prevue).exclude(
        valide_au__lt=tranche.periode_debut
    )
    if not contrats.exists():
        return f"Aucun contrat de travail validé pour le poste n° {tranche.poste_id} sur la période."
    return ""


def calcul_tranche(tranche: Tranche):
    """The amount due for a tranche, with its computation line by line."""
    convention = tranche.convention
    if not convention.prorata or tranche.periode_debut >= tranche.periode_fin:
        return tranche.montant_prevu, ["Pas d'ajustement au prorata pour cette tranche : montant plein."]
    if not occupancy.has_provider():
        return tranche.montant_prevu, ["Données d'occupation des postes indisponibles : montant plein."]
    periods = occupancy.occupied_periods(convention.structure_id, tranche.periode_debut, tranche.periode_fin)
    result = prorata(
        montant=tranche.montant_prevu,
        periode_debut=tranche.periode_debut,
        periode_fin=tranche.periode_fin,
        periodes_occupees=periods.get(tranche.poste_id, []),
    )
    return result.montant, result.lignes


def tranches_marquer_dues(*, today: date, convention_id: int | None = None) -> list[Tranche]:
    """Make due every planned tranche whose date has come (idempotent; catches up after downtime)."""
    made_due = []
    candidates = Tranche.objects.echues(today)
    if convention_id:
        candidates = candidates.filter(convention_id=convention_id)
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            tranche = (
                Tranche.objects.select_for_update(of=("self",))
                .select_related("convention")
                .filter(pk=pk, statut=TrancheStatut.PREVUE)
                .first()
            )
            if tranche is None:
                continue
            blocage = motif_blocage(tranche)
            if blocage:
                if tranche.motif_blocage != blocage:
                    tranche.motif_blocage = blocage
                    tranche.save(update_fields=["motif_blocage"])
                continue
            montant, lignes = calcul_tranche(tranche)
            tranche.montant = montant
            tranche.detail_calcul = "\n".join(lignes)
            tranche.motif_blocage = ""
            tranche.statut = TrancheStatut.DUE
            tranche.due_le = today
            tranche.signalee_le = None  # the next operators' digest reports it
            tranche.save()
            made_due.append(tranche)
    return made_due


def tranche_verser(*, tranche: Tranche, by, date_versement: date, montant: Decimal | None = None) -> Tranche:
    _require_operator(by)
    with transaction.atomic():
        tranche = (
            Tranche.objects.select_for_update(of=("self",))
            .select_related("convention__structure")
            .get(pk=tranche.pk)
        )
        if tranche.statut != TrancheStatut.DUE:
            raise DomainError("Seule une tranche due peut être versée.")
        montant = tranche.montant if montant is None else Decimal(montant)
        if montant > tranche.montant:
            raise DomainError(
                f"Le montant versé doit être au plus égal au montant dû ({floatformat(tranche.montant, '2g')} €) "
                f"de la tranche {tranche.numero}."
            )
        if montant < 0 or (montant == 0 and tranche.montant > 0):
            raise DomainError("Le montant versé doit être supérieur à zéro.")
        if date_versement > timezone.localdate():
            raise DomainError("La date de versement ne peut pas être dans le futur.")
        tranche.statut = TrancheStatut.VERSEE
        tranche.date_versement = date_versement
        tranche.montant_verse = montant
        _save(tranche, by)
        notifications.tranche_versee(tranche)
    return tranche


def tranche_suspendre(*, tranche: Tranche, by, motif: str) -> Tranche:
    _require_operator(by)
    if not motif.strip():
        raise DomainError("Indiquez le motif de la suspension.")
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if tranche.statut not in (TrancheStatut.PREVUE, TrancheStatut.DUE):
            raise DomainError("Seule une tranche prévue ou due peut être suspendue.")
        tranche.statut = TrancheStatut.SUSPENDUE
        tranche.motif_suspension = motif.strip()
        _save(tranche, by)
    return tranche


def tranche_reprendre(*, tranche: Tranche, by) -> Tranche:
    """Lift a suspension: the tranche is planned again (the daily task makes it due)."""
    _require_operator(by)
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        if tranche.statut != TrancheStatut.SUSPENDUE:
            raise DomainError("Cette tranche n'est pas suspendue.")
        tranche.statut = TrancheStatut.PREVUE
        tranche.montant = None
        _save(tranche, by)
    return tranche


def avoir_enregistrer(
    *, convention: Convention, by, montant: Decimal, motif: str, date_avoir: date | None = None
) -> Avoir:
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        totaux = convention.totaux()
        montant = Decimal(montant)
        if montant <= 0:
            raise DomainError("Le montant de l'avoir doit être positif.")
        if montant > totaux["verse"] - totaux["avoirs"]:
            raise DomainError("L'avoir ne peut pas dépasser le montant versé (déduction faite des avoirs).")
        avoir = Avoir(
            convention=convention,
            montant=montant,
            motif=motif,
            created_by=by,
            date=date_avoir or timezone.localdate(),
        )
        _save(avoir, by)
    return avoir
