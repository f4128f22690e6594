"""Helpers shared by the conventions services: actor checks, validated saves, row locks."""

from __future__ import annotations

from conumapp import permissions
from conumapp.services import DomainError, require_operateur
from structures.models import Structure, est_membre

from ..models import Convention

_require_operator = require_operateur


def _require_member(user, structure_id: int) -> None:
    if not permissions.is_operateur(user) and not est_membre(user, structure_id):
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock(convention: Convention) -> Convention:
    return Convention.objects.select_for_update().select_related("bareme", "structure").get(pk=convention.pk)


def _postes_couverts(structure: Structure):
    return list(structure.postes.actifs().order_by("pk"))
