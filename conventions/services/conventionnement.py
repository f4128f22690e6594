"""Drafting, sending and signing a convention: barème lookup, frozen amounts, tranche schedule."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from conumapp.services import DomainError
from structures.enums import StructureStatut
from structures.models import Structure

from .. import notifications
from ..calculs import Echeance, add_months, echeancier_annuel, echeancier_echeances
from ..enums import ConventionEtat, ConventionStatut, Nature, Phase, RegleTranches
from ..models import Bareme, Convention, Tranche
from ._commun import _lock, _postes_couverts, _require_operator, _save
from .tranches import tranches_marquer_dues


def bareme_pour(*, structure: Structure, phase: int) -> Bareme:
    nature = Nature.PUBLIQUE if structure.est_publique else Nature.PRIVEE
    bareme = Bareme.objects.filter(phase=phase, nature=nature, actif=True).order_by("-pk").first()
    if bareme is None:
        raise DomainError(f"Aucun barème actif pour la phase {phase} et une structure {structure.nature}.")
    return bareme


def _freeze(convention: Convention) -> None:
    """Copy the barème's amounts and terms (length, tranche rule and months, pro-rata switch) onto
    the convention: once signed, a later barème change never alters it."""
    bareme = convention.bareme
    structure = convention.structure
    convention.duree_mois = bareme.duree_mois
    convention.regle_tranches = bareme.regle_tranches
    convention.echeances_mois = bareme.echeances_mois
    convention.prorata = bareme.prorata
    convention.bonus_applique = bool(structure.qpv or structure.zrr) and any(b > 0 for b in bareme.bonus())
    convention.montant_annee_1, convention.montant_annee_2, convention.montant_annee_3 = bareme.montants()
    convention.bonus_annee_1, convention.bonus_annee_2, convention.bonus_annee_3 = bareme.bonus()
    convention.montant_total = convention.montant_par_poste() * convention.nombre_postes


def convention_rediger(*, structure: Structure, by, **kwargs) -> Convention:
    """Draft a convention for a validated structure, in one action."""
    _require_operator(by)
    with transaction.atomic():
        return _rediger(structure=structure, by=by, **kwargs)


def _rediger(
    *,
    structure: Structure,
    by,
    date_debut: date | None = None,
    phase: int = Phase.PHASE_1,
    precedente: Convention | None = None,
) -> Convention:
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    if structure.statut != StructureStatut.VALIDATION_COSELEC:
        raise DomainError("Seule une structure validée en comité de sélection peut être conventionnée.")
    if (
        Convention.objects.filter(structure=structure, phase=phase)
        .exclude(etat__in=[ConventionEtat.TERMINEE, ConventionEtat.RESILIEE])
        .exists()
    ):
        raise DomainError("Cette structure a déjà une convention en cours pour cette phase.")
    postes = _postes_couverts(structure)
    if not postes:
        raise DomainError("La structure n'a aucun poste actif à conventionner.")
    bareme = bareme_pour(structure=structure, phase=phase)
    debut = date_debut or timezone.localdate()
    convention = Convention(
        structure=structure,
        phase=phase,
        bareme=bareme,
        precedente=precedente,
        statut=(
            ConventionStatut.CONVENTIONNEMENT_VALIDE_PHASE_2
            if phase == Phase.PHASE_2
            else ConventionStatut.CONVENTIONNEMENT_EN_COURS
        ),
        date_debut=debut,
        date_fin=debut,
        nombre_postes=len(postes),
        created_by=by,
    )
    _freeze(convention)
    convention.date_fin = add_months(debut, convention.duree_mois) - timedelta(days=1)
    _save(convention, by)
    convention.numero = f"CN-{debut.year}-{convention.pk:05d}"
    convention._history_user = by
    convention.save(update_fields=["numero"])
    return convention


def convention_envoyer(*, convention: Convention, by) -> Convention:
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.BROUILLON:
            raise DomainError("Seule une convention en brouillon peut être envoyée.")
        _freeze(convention)
        convention.etat = ConventionEtat.ENVOYEE
        convention.envoyee_le = timezone.localdate()
        _save(convention, by)
        notifications.convention_envoyee(convention)
    return convention


def echeancier_poste(convention: Convention, debut: date) -> list[Echeance]:
    """A post's tranches from the rule, months and amounts frozen on the convention."""
    if convention.regle_tranches == RegleTranches.ECHEANCES:
        return echeancier_echeances(
            debut=debut, offsets_mois=convention.offsets(), montant_total=convention.montant_par_poste()
        )
    return echeancier_annuel(debut=debut, montants_annuels=convention.montants_annuels_par_poste())


def convention_signer(*, convention: Convention, by, date_signature: date) -> Convention:
    """Record the signature: amounts frozen, period set, tranche schedule computed per post."""
    _require_operator(by)
    with transaction.atomic():
        convention = _lock(convention)
        if convention.etat != ConventionEtat.ENVOYEE:
            raise DomainError("Seule une convention envoyée à la structure peut être signée.")
        if date_signature > timezone.localdate():
            raise DomainError("La date de signature ne peut pas être dans le futur.")
        postes = _postes_couverts(convention.structure)
        if not postes:
            raise DomainError("La structure n'a plus aucun poste actif à conventionner.")
        convention.nombre_postes = len(postes)
        _freeze(convention)
        if convention.phase == Phase.PHASE_1:
            convention.date_debut = date_signature
        convention.date_fin = add_months(convention.date_debut, convention.duree_mois) - timedelta(days=1)
        convention.date_signature = date_signature
        convention.etat = ConventionEtat.SIGNEE
        convention.statut = (
            ConventionStatut.CONVENTIONNEMENT_VALIDE_PHASE_2
            if convention.phase == Phase.PHASE_2
            else ConventionStatut.CONVENTIONNEMENT_VALIDE
        )
        _save(convention, by)
        debut_echeancier = date_signature if convention.phase == Phase.PHASE_1 else convention.date_debut
        for poste in postes:
            for echeance in echeancier_poste(convention, debut_echeancier):
                Tranche.objects.create(
                    convention=convention,
                    poste=poste,
                    numero=echeance.numero,
                    date_prevue=echeance.date_prevue,
                    periode_debut=echeance.periode_debut,
                    periode_fin=echeance.periode_fin,
                    montant_prevu=echeance.montant,
                )
        notifications.convention_signee(convention)
    tranches_marquer_dues(today=timezone.localdate(), convention_id=convention.pk)
    return convention
