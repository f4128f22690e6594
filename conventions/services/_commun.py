"""Helpers shared by the conventions services: actor checks, validated saves, row locks."""

from __future__ import annotations

from conumapp import permissions
from conumapp.services import DomainError
from structures.models import Membre, Structure

from ..models import Convention


def _require_operator(user) -> None:
    if not permissions.is_operateur(user):
        raise DomainError("Seul un opérateur peut effectuer cette action.")


def _require_member(user, structure_id: int) -> None:
    if (
        not permissions.is_operateur(user)
        and not Membre.objects.filter(structure_id=structure_id, user=user).exists()
    ):
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock(convention: Convention) -> Convention:
    return Convention.objects.select_for_update().select_related("bareme", "structure").get(pk=convention.pk)


def _postes_couverts(structure: Structure):
    return list(structure.postes.actifs().order_by("pk"))
