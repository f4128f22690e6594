"""Candidature: SIRET check, filing, the prefecture's opinion, marking as a duplicate."""

from __future__ import annotations

from django.db import transaction

from conumapp import permissions
from conumapp.enums import Role
from conumapp.services import DomainError

from .. import notifications
from ..enums import AvisPrefecture, DecisionType, StructureStatut
from ..models import AvisPrefet, DecisionCoselec, Membre, Structure
from ._commun import STATUTS_DECIDABLES, _lock, _require_operator, _require_prefecture, _save

STATUTS_AVIS_PREFET = (StructureStatut.CREEE, StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC)


def siret_existe(siret: str, *, exclude_pk: int | None = None) -> bool:
    """A live candidature already uses this SIRET."""
    qs = Structure.objects.vivantes().filter(siret=siret)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return bool(siret) and qs.exists()


def candidature_deposer(*, structure: Structure, user) -> Structure:
    """Record a new candidature (status ``CREEE``) and make ``user`` its first member.

    ``structure`` is an unsaved instance filled by the form; ``user`` the contact's account.
    """
    with transaction.atomic():
        if structure.siret and siret_existe(structure.siret):
            raise DomainError(
                "Une candidature est déjà en cours pour ce SIRET. Contactez-nous si vous pensez qu'il s'agit d'une erreur."
            )
        structure.statut = StructureStatut.CREEE
        if structure.departement_id and not structure.region_id:
            structure.region_id = structure.departement.region_id
        _save(structure, user)
        Membre.objects.create(structure=structure, user=user)
        permissions.grant_role(user, Role.STRUCTURE)
        notifications.candidature_recue(structure)
    return structure


def avis_prefet_donner(*, structure: Structure, by, avis: str, commentaire: str) -> AvisPrefet:
    _require_prefecture(by, structure)
    if avis not in AvisPrefecture.values:
        raise DomainError("Avis inconnu : choisissez favorable ou défavorable.")
    with transaction.atomic():
        structure = _lock(structure)
        if structure.statut not in STATUTS_AVIS_PREFET:
            raise DomainError(
                f"La préfecture ne peut plus donner d'avis : la candidature est « {structure.get_statut_display()} »."
            )
        result = AvisPrefet(structure=structure, avis=avis, commentaire=commentaire.strip(), auteur=by)
        result.full_clean()
        result.save()
    return result


def marquer_doublon(*, structure: Structure, by) -> Structure:
    _require_operator(by)
    with transaction.atomic():
        structure = _lock(structure)
        if structure.statut not in STATUTS_DECIDABLES:
            raise DomainError("Seule une candidature en cours peut être marquée comme doublon.")
        if structure.postes.occupes().exists():
            raise DomainError("Cette structure a des postes occupés : elle ne peut pas être un doublon.")
        structure.statut = StructureStatut.DOUBLON
        _save(structure, by)
        DecisionCoselec.objects.create(
            structure=structure, type=DecisionType.DOUBLON, nombre_postes=0, operateur=by
        )
    return structure
