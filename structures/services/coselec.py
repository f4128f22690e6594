"""Committee (COSELEC) decisions: one structure or several, and the posts that follow the quota."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from conumapp.services import DomainError

from .. import hooks, notifications
from ..enums import DecisionType, PosteEtat, PosteType, StructureStatut
from ..models import Coselec, DecisionCoselec, Poste, Structure
from ._commun import STATUTS_DECIDABLES, _lock, _require_operator, _save


def coselec_obtenir(*, numero: int, date_coselec: date | None = None) -> Coselec:
    if not numero or numero < 1:
        raise DomainError("Indiquez le numéro du comité de sélection (COSELEC).")
    coselec, _ = Coselec.objects.get_or_create(
        numero=numero, defaults={"date": date_coselec or timezone.localdate()}
    )
    return coselec


def _ajuster_postes(structure: Structure, nombre: int, by, *, today: date) -> None:
    """Bring the active posts to ``nombre``: create vacant posts, or return vacant ones. Higher
    apps hear of the change through ``structures.hooks`` (a signed convention gets an amendment)."""
    actifs = structure.postes.actifs()
    occupes = actifs.filter(etat=PosteEtat.OCCUPE).count()
    if nombre < occupes:
        raise DomainError(
            f"Le quota ne peut pas être inférieur au nombre de conseillers déjà recrutés ({occupes})."
        )
    courant = actifs.count()
    if nombre > courant:
        postes = [
            Poste(structure=structure, type=PosteType.CONUM, etat=PosteEtat.VACANT, vacant_depuis=today)
            for _ in range(nombre - courant)
        ]
        for poste in postes:
            poste._history_user = by
            poste.save()
    elif nombre < courant:
        for poste in list(structure.postes.vacants().order_by("-pk")[: courant - nombre]):
            poste.etat = PosteEtat.RENDU
            poste.rendu_le = today
            _save(poste, by)
    if nombre != courant:
        hooks.postes_modifies(structure, by=by, date_effet=today)


def coselec_decider(
    *,
    structure: Structure,
    by,
    numero: int,
    type: str,
    nombre_postes: int = 0,
    avis: str = "",
    statut_si_zero: str = StructureStatut.ABANDON,
    date_coselec: date | None = None,
) -> DecisionCoselec:
    """Record a committee decision on one structure (validation, refusal, complementary review)."""
    _require_operator(by)
    with transaction.atomic():
        return _decider(
            structure=structure,
            by=by,
            coselec=coselec_obtenir(numero=numero, date_coselec=date_coselec),
            type=type,
            nombre_postes=nombre_postes,
            avis=avis,
            statut_si_zero=statut_si_zero,
        )


def coselec_decider_en_masse(
    *,
    structures: list[Structure],
    by,
    numero: int,
    type: str,
    nombre_postes: int = 0,
    avis: str = "",
    statut_si_zero: str = StructureStatut.ABANDON,
) -> list[DecisionCoselec]:
    """Same decision for several structures in one committee; all or nothing."""
    _require_operator(by)
    if not structures:
        raise DomainError("Sélectionnez au moins une structure.")
    with transaction.atomic():
        coselec = coselec_obtenir(numero=numero)
        decisions = []
        for structure in sorted(structures, key=lambda s: s.pk):
            try:
                decisions.append(
                    _decider(
                        structure=structure,
                        by=by,
                        coselec=coselec,
                        type=type,
                        nombre_postes=nombre_postes,
                        avis=avis,
                        statut_si_zero=statut_si_zero,
                    )  # fmt: skip
                )
            except DomainError as error:
                raise DomainError(f"{structure.nom} : {error.message}") from error
        return decisions


def _decider(*, structure, by, coselec, type, nombre_postes, avis, statut_si_zero) -> DecisionCoselec:
    structure = _lock(structure)
    if structure.statut not in STATUTS_DECIDABLES:
        raise DomainError(
            f"Aucune décision possible : la candidature est « {structure.get_statut_display()} »."
        )
    if DecisionCoselec.objects.filter(structure=structure, coselec=coselec).exists():
        raise DomainError(f"Une décision a déjà été enregistrée pour cette structure en {coselec}.")
    today = timezone.localdate()
    if type == DecisionType.VALIDATION:
        if nombre_postes is None or nombre_postes < 0:
            raise DomainError("Le nombre de postes doit être positif.")
        if nombre_postes == 0:
            if structure.statut != StructureStatut.VALIDATION_COSELEC:
                raise DomainError("Une validation accorde au moins un poste.")
            if statut_si_zero not in (StructureStatut.ABANDON, StructureStatut.ANNULEE):
                raise DomainError("Un quota à 0 mène à « Abandonnée » ou « Annulée ».")
            _ajuster_postes(structure, 0, by, today=today)
            structure.statut = statut_si_zero
            type = DecisionType.ABANDON if statut_si_zero == StructureStatut.ABANDON else DecisionType.ANNULEE
        else:
            _ajuster_postes(structure, nombre_postes, by, today=today)
            structure.statut = StructureStatut.VALIDATION_COSELEC
        structure.nombre_postes_accordes = nombre_postes
    elif type == DecisionType.REFUS:
        if structure.statut == StructureStatut.VALIDATION_COSELEC:
            raise DomainError("Une structure validée ne peut pas être refusée : passez son quota à 0.")
        structure.statut = StructureStatut.REFUS_COSELEC
        nombre_postes = 0
    elif type == DecisionType.EXAMEN_COMPLEMENTAIRE:
        if structure.statut == StructureStatut.VALIDATION_COSELEC:
            raise DomainError("Une structure validée ne peut pas repasser en examen complémentaire.")
        structure.statut = StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC
        nombre_postes = 0
    else:
        raise DomainError("Décision inconnue.")
    _save(structure, by)
    decision = DecisionCoselec(
        structure=structure, coselec=coselec, type=type, nombre_postes=structure.nombre_postes_accordes,
        avis=avis[:500], operateur=by,
    )  # fmt: skip
    decision.full_clean()
    decision.save()
    notifications.decision_coselec(decision)
    return decision
