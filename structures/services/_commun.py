"""Helpers shared by the structures services: actor checks, validated saves, row locks."""

from __future__ import annotations

from conumapp import permissions
from conumapp.services import DomainError, require_operateur

from ..enums import StructureStatut
from ..models import Structure, est_membre

STATUTS_DECIDABLES = (
    StructureStatut.CREEE,
    StructureStatut.EXAMEN_COMPLEMENTAIRE_COSELEC,
    StructureStatut.VALIDATION_COSELEC,
)


_require_operator = require_operateur


def _require_member(user, structure: Structure) -> None:
    if not est_membre(user, structure):
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _require_prefecture(user, structure: Structure) -> None:
    if structure.departement_id not in permissions.prefecture_departements(user):
        raise DomainError("Seule la préfecture du département de la structure peut donner cet avis.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock(structure: Structure) -> Structure:
    return Structure.objects.select_for_update().get(pk=structure.pk)
