"""Recruitment pipeline (mises en relation): the structure's side (open, shortlist, set aside,
declare or withdraw the contract) and the operator's validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from conumapp import permissions
from conumapp.enums import Role
from conumapp.services import DomainError
from structures.enums import StructureStatut
from structures.models import Structure

from .. import notifications
from ..enums import ConseillerStatut, TypeContrat
from ..models import Conseiller, MiseEnRelation
from ._commun import (
    S,
    _check_salaire,
    _lock_mer,
    _occupants,
    _poste_occuper,
    _require_member,
    _require_operator,
    _save,
)

# --- Pipeline: structure side ----------------------------------------------------------------


def _structure_recrutant(structure: Structure) -> None:
    if structure.statut != StructureStatut.VALIDATION_COSELEC:
        raise DomainError("Votre structure n'est pas validée : elle ne peut pas recruter.")


def _poste_libre(structure: Structure) -> None:
    """Same rule as the candidates page (``selectors.postes_libres``): no free post, no new pick."""
    from ..selectors import postes_libres

    if postes_libres(structure) <= 0:
        raise DomainError(
            f"Tous les postes accordés à votre structure ({structure.nombre_postes_accordes}) sont pourvus "
            "ou en cours de recrutement : vous ne pouvez pas présélectionner de nouveau candidat."
        )


def mise_en_relation_ouvrir(*, structure: Structure, conseiller: Conseiller, by) -> MiseEnRelation:
    """The structure's current (``nouvelle``/``interessee``/``nonInteressee``) link with a candidate.

    A new link needs a free post (a link already opened is returned as it is)."""
    from ..selectors import candidats_pour

    _require_member(by, structure.pk)
    _structure_recrutant(structure)
    existing = MiseEnRelation.objects.filter(
        structure=structure, conseiller=conseiller, statut__in=[S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE]
    ).first()
    if existing:
        return existing
    _poste_libre(structure)
    if not candidats_pour(structure).filter(pk=conseiller.pk).exists():
        raise DomainError("Ce candidat n'est pas disponible pour votre structure.")
    mer = MiseEnRelation(structure=structure, conseiller=conseiller, statut=S.NOUVELLE)
    try:
        with transaction.atomic():
            _save(mer, by)
    except IntegrityError:
        return MiseEnRelation.objects.get(
            structure=structure,
            conseiller=conseiller,
            statut__in=[S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE],
        )
    return mer


def _decider(*, structure, conseiller, by, statut) -> MiseEnRelation:
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation_ouvrir(structure=structure, conseiller=conseiller, by=by))
        if mer.statut not in (S.NOUVELLE, S.INTERESSEE, S.NON_INTERESSEE) or mer.statut == statut:
            raise DomainError(f"Cette candidature est déjà au statut « {mer.get_statut_display()} ».")
        if statut == S.INTERESSEE:
            _poste_libre(structure)
        mer.statut = statut
        _save(mer, by)
    return mer


def preselectionner(*, structure: Structure, conseiller: Conseiller, by) -> MiseEnRelation:
    """``nouvelle``/``nonInteressee`` → ``interessee`` (candidat présélectionné)."""
    return _decider(structure=structure, conseiller=conseiller, by=by, statut=S.INTERESSEE)


def ecarter(*, structure: Structure, conseiller: Conseiller, by) -> MiseEnRelation:
    """``nouvelle``/``interessee`` → ``nonInteressee`` (candidat non retenu)."""
    return _decider(structure=structure, conseiller=conseiller, by=by, statut=S.NON_INTERESSEE)


def contrat_declarer(
    *,
    mise_en_relation: MiseEnRelation,
    type_contrat: str,
    date_debut: date,
    date_fin: date | None,
    salaire_brut: Decimal,
    by,
) -> MiseEnRelation:
    """``interessee`` → ``recrutee``: the structure declares the employment contract."""
    _require_member(by, mise_en_relation.structure_id)
    if type_contrat not in TypeContrat.values:
        raise DomainError("Type de contrat inconnu.")
    if not date_debut:
        raise DomainError("La date de début du contrat est obligatoire.")
    if type_contrat != TypeContrat.CDI and not date_fin:
        raise DomainError("La date de fin est obligatoire pour un contrat autre qu'un CDI.")
    if date_fin and date_fin <= date_debut:
        raise DomainError("La date de fin du contrat doit être postérieure à sa date de début.")
    _check_salaire(salaire_brut)
    with transaction.atomic():
        # Lock the structure first: two tabs declaring at once are serialised on the quota.
        structure = Structure.objects.select_for_update().get(pk=mise_en_relation.structure_id)
        Conseiller.objects.select_for_update().get(pk=mise_en_relation.conseiller_id)
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.INTERESSEE:
            raise DomainError(
                "Seul un candidat présélectionné peut faire l'objet d'une déclaration de contrat."
            )
        _structure_recrutant(structure)
        if _occupants(structure.pk) >= structure.nombre_postes_accordes:
            raise DomainError(
                f"Votre structure a déjà autant de recrutements que de postes accordés "
                f"({structure.nombre_postes_accordes}) : vous ne pouvez pas en déclarer un de plus."
            )
        if MiseEnRelation.objects.filter(conseiller_id=mer.conseiller_id).occupant_poste().exists():
            raise DomainError("Ce candidat est déjà recruté par une structure.")
        mer.statut = S.RECRUTEE
        mer.type_contrat = type_contrat
        mer.date_debut = date_debut
        mer.date_fin = date_fin
        mer.salaire_brut = salaire_brut
        try:
            with transaction.atomic():
                _save(mer, by)
        except IntegrityError as error:  # concurrent recruitment of the same advisor
            raise DomainError("Ce candidat est déjà recruté par une structure.") from error
        notifications.recrutement_declare(mer)
    return mer


def recrutement_annuler(*, mise_en_relation: MiseEnRelation, by) -> MiseEnRelation:
    """``recrutee`` → ``interessee`` (the declared contract is withdrawn)."""
    _require_member(by, mise_en_relation.structure_id)
    with transaction.atomic():
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.RECRUTEE:
            raise DomainError("Seul un recrutement en attente de validation peut être annulé.")
        mer.statut = S.INTERESSEE
        mer.type_contrat, mer.date_debut, mer.date_fin, mer.salaire_brut = "", None, None, None
        _save(mer, by)
    return mer


# --- Operator side ---------------------------------------------------------------------------


def recrutement_valider(*, mise_en_relation: MiseEnRelation, by) -> MiseEnRelation:
    """Operator: ``recrutee`` → ``finalisee``; the advisor gets the role, the post is occupied."""
    _require_operator(by)
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=mise_en_relation.structure_id)
        conseiller = (
            Conseiller.objects.select_for_update()
            .select_related("user")
            .get(pk=mise_en_relation.conseiller_id)
        )
        mer = _lock_mer(mise_en_relation)
        if mer.statut != S.RECRUTEE:
            raise DomainError("Seul un recrutement « Candidature validée » peut être validé.")
        if (
            not mer.type_contrat
            or not mer.date_debut
            or mer.salaire_brut is None
            or (mer.type_contrat != TypeContrat.CDI and not mer.date_fin)
        ):
            raise DomainError("Le contrat est incomplet (type, dates ou salaire manquant).")
        if structure.statut != StructureStatut.VALIDATION_COSELEC:
            raise DomainError("La structure n'est pas validée : le recrutement ne peut pas être validé.")
        en_poste = MiseEnRelation.objects.filter(structure=structure).en_poste().nombre_conseillers()
        if en_poste >= structure.nombre_postes_accordes:
            raise DomainError(
                f"Le quota de la structure est atteint ({structure.nombre_postes_accordes} poste(s)) : "
                "le recrutement ne peut pas être validé."
            )
        if MiseEnRelation.objects.filter(conseiller=conseiller).en_poste().exclude(pk=mer.pk).exists():
            raise DomainError("Ce conseiller est déjà en poste dans une autre structure.")
        poste = _poste_occuper(structure, mer.poste_id)
        mer.poste = poste
        mer.statut = S.FINALISEE
        mer.validated_by = by
        mer.validated_at = timezone.now()
        _save(mer, by)
        conseiller.statut = ConseillerStatut.RECRUTE
        conseiller.disponible = False
        _save(conseiller, by)
        # Still open applications elsewhere are closed: the advisor is in post.
        for autre in MiseEnRelation.objects.select_for_update().filter(
            conseiller=conseiller, statut__in=[S.NOUVELLE, S.INTERESSEE]
        ):
            autre.statut = S.NON_INTERESSEE
            _save(autre, by)
        permissions.grant_role(conseiller.user, Role.CONSEILLER)
        notifications.recrutement_valide(mer)
    return mer
