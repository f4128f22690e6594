"""Amendments on the posts (by hand or automatic when the posts change) and convention ends."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from conumapp.services import DomainError
from structures.models import Structure

from ..enums import AvenantType, ConventionEtat, Phase, TrancheStatut
from ..models import ZERO, Avenant, Convention, Tranche
from ._commun import _lock, _postes_couverts, _require_operator, _save
from .conventionnement import _freeze, echeancier_poste


def convention_avenant_postes(
    *, convention: Convention, by, date_effet: date, description: str = ""
) -> Avenant:
    """Align a signed convention on the structure's posts: new posts funded from ``date_effet``,
    returned posts' later tranches cancelled. The amendment carries the change of amount."""
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.SIGNEE:
            raise DomainError("Seule une convention signée peut être modifiée par avenant.")
        if not convention.date_debut <= date_effet <= convention.date_fin:
            raise DomainError("La date d'effet doit être comprise dans la période de la convention.")
        couverts = set(
            convention.tranches.filter(statut__in=TrancheStatut.engagees()).values_list("poste_id", flat=True)
        )
        actifs = {p.pk: p for p in _postes_couverts(convention.structure)}
        ajoutes = [actifs[pk] for pk in sorted(set(actifs) - couverts)]
        retires = sorted(pk for pk in couverts - set(actifs) if pk is not None)
        if not ajoutes and not retires:
            raise DomainError(
                "Les postes de la structure correspondent déjà à la convention : aucun avenant à faire."
            )
        numero = (convention.avenants.count() or 0) + 1
        avenant = Avenant(
            convention=convention,
            numero=numero,
            type=AvenantType.POSTES,
            date_effet=date_effet,
            postes_ajoutes=len(ajoutes),
            postes_retires=len(retires),
            description=description,
            created_by=by,
        )
        _save(avenant, by)
        delta = ZERO
        debut = convention.date_signature if convention.phase == Phase.PHASE_1 else convention.date_debut
        for poste in ajoutes:
            for echeance in echeancier_poste(convention, debut):
                if echeance.date_prevue < date_effet:
                    continue
                Tranche.objects.create(
                    convention=convention,
                    poste=poste,
                    avenant=avenant,
                    numero=echeance.numero,
                    date_prevue=echeance.date_prevue,
                    periode_debut=max(echeance.periode_debut, date_effet),
                    periode_fin=echeance.periode_fin,
                    montant_prevu=echeance.montant,
                )
                delta += echeance.montant
        for tranche in convention.tranches.filter(
            poste_id__in=retires, statut=TrancheStatut.PREVUE, date_prevue__gte=date_effet
        ):
            tranche.statut = TrancheStatut.ANNULEE
            tranche.motif_suspension = f"Poste restitué (avenant n° {numero})."
            tranche.avenant = avenant
            _save(tranche, by)
            delta -= tranche.montant_prevu
        avenant.montant = delta
        avenant.save(update_fields=["montant"])
        convention.nombre_postes = len(actifs)
        _save(convention, by)
    return avenant


def postes_modifies(structure: Structure, *, by, date_effet: date) -> Avenant | None:
    """Registered with ``structures.hooks``: the posts of ``structure`` just changed (inside the
    caller's transaction). A signed convention in force on ``date_effet`` gets its amendment; a
    draft or sent convention is re-aligned on the posts (amounts are frozen at signature)."""
    en_vigueur = (
        Convention.objects.filter(
            structure=structure,
            etat=ConventionEtat.SIGNEE,
            date_debut__lte=date_effet,
            date_fin__gte=date_effet,
        )
        .order_by("-date_debut")
        .first()
    )
    for brouillon in Convention.objects.filter(
        structure=structure, etat__in=[ConventionEtat.BROUILLON, ConventionEtat.ENVOYEE]
    ):
        brouillon.nombre_postes = len(_postes_couverts(structure))
        _freeze(brouillon)
        _save(brouillon, by)
    if en_vigueur is None:
        return None
    couverts = set(
        en_vigueur.tranches.filter(statut__in=TrancheStatut.engagees()).values_list("poste_id", flat=True)
    )
    if couverts == {p.pk for p in _postes_couverts(structure)}:
        return None
    return convention_avenant_postes(
        convention=en_vigueur,
        by=by,
        date_effet=date_effet,
        description="Avenant établi automatiquement à la suite de la modification des postes.",
    )


def convention_terminer(
    *, convention: Convention, by, date_fin: date, motif: str, anticipee: bool
) -> Convention:
    """Natural end (not renewed) or early termination: tranches planned after ``date_fin`` are cancelled."""
    _require_operator(by)
    if not motif.strip():
        raise DomainError("Indiquez le motif de la fin de la convention.")
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.SIGNEE:
            raise DomainError("Seule une convention signée peut prendre fin.")
        if date_fin < convention.date_debut:
            raise DomainError("La date de fin ne peut pas précéder le début de la convention.")
        if anticipee and date_fin >= convention.date_fin:
            raise DomainError(
                "Une résiliation anticipée doit intervenir avant la fin prévue de la convention."
            )
        for tranche in convention.tranches.filter(statut=TrancheStatut.PREVUE, date_prevue__gt=date_fin):
            tranche.statut = TrancheStatut.ANNULEE
            tranche.motif_suspension = "Fin du financement : convention " + (
                "résiliée." if anticipee else "terminée."
            )
            _save(tranche, by)
        convention.etat = ConventionEtat.RESILIEE if anticipee else ConventionEtat.TERMINEE
        convention.date_fin_effective = date_fin
        convention.motif_fin = motif.strip()
        _save(convention, by)
    return convention
