"""Shared by the conseillers services: pipeline constants, actor checks, validated saves, row
locks, salary check, quota count and the post state changes.

Post state changes (``occupe`` on validation, ``vacant`` on a validated rupture) are written
here against ``structures.Poste`` directly (``_poste_occuper`` / ``_poste_liberer``), inside the
recruitment's transaction; ``structures.services`` could take them over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from conumapp import permissions
from conumapp.services import DomainError, require_operateur
from structures.enums import PosteEtat, PosteType
from structures.models import Membre, Poste, Structure, est_membre

from ..enums import MiseEnRelationStatut
from ..models import MiseEnRelation, ParametreSalaire

S = MiseEnRelationStatut

#: Callables ``f(mise_en_relation) -> str | None`` that may forbid validating a rupture (a French
#: reason) — e.g. a pending renewal. Higher apps (conventions) register into it from their
#: ``AppConfig.ready`` (see ``conseillers/occupancy.py``), so conseillers never imports them.
RUPTURE_BLOCKERS: list[Callable[[MiseEnRelation], str | None]] = []

#: Statuses in which the advisor was recruited at some point (their account is then kept).
STATUTS_RECRUTE_UN_JOUR = [
    S.RECRUTEE,
    S.FINALISEE,
    S.NOUVELLE_RUPTURE,
    S.FINALISEE_RUPTURE,
    S.RENOUVELLEMENT_INITIEE,
    S.TERMINEE,
]


_require_operator = require_operateur
_is_member = est_membre


def _require_member(user, structure_id: int) -> None:
    if not permissions.is_operateur(user) and not est_membre(user, structure_id):
        raise DomainError("Vous n'êtes pas membre de cette structure.")


def _save(obj, by, **kwargs) -> None:
    obj._history_user = by
    obj.full_clean()
    obj.save(**kwargs)


def _lock_mer(mise_en_relation: MiseEnRelation) -> MiseEnRelation:
    return (
        MiseEnRelation.objects.select_for_update()
        .select_related("conseiller__user", "structure")
        .get(pk=mise_en_relation.pk)
    )


def _check_salaire(salaire: Decimal | None) -> None:
    if salaire is None:
        raise DomainError("Le salaire brut mensuel est obligatoire.")
    smic = ParametreSalaire.smic_en_vigueur()
    if Decimal(salaire) < smic:
        raise DomainError(f"Le salaire brut mensuel doit être au moins égal au SMIC ({smic} €).")


def _emails_membres(structure_id: int) -> list[str]:
    return list(Membre.objects.filter(structure_id=structure_id).values_list("user__email", flat=True))


def _occupants(structure_id: int, *, exclude_pk: int | None = None) -> int:
    """Posts of the structure held or being filled (recruitments declared, validated, under
    rupture or renewal), in distinct advisors (``compte_conseillers``)."""
    qs = MiseEnRelation.objects.filter(structure_id=structure_id).occupant_poste()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.nombre_conseillers()


def _poste_occuper(structure: Structure, poste_id: int | None) -> Poste:
    """A free post of the structure becomes ``occupe`` (locked; prefer the one given)."""
    postes = Poste.objects.select_for_update().filter(structure=structure, etat=PosteEtat.VACANT)
    poste = None
    if poste_id:
        poste = postes.filter(pk=poste_id).first()
    poste = (
        poste or postes.filter(type=PosteType.CONUM).order_by("pk").first() or postes.order_by("pk").first()
    )
    if poste is None:
        raise DomainError("La structure n'a aucun poste vacant : le recrutement ne peut pas être validé.")
    poste.etat = PosteEtat.OCCUPE
    poste.vacant_depuis = None
    poste.full_clean()
    poste.save(update_fields=["etat", "vacant_depuis"])
    return poste


def _poste_liberer(poste_id: int | None, depuis: date) -> None:
    """The post becomes ``vacant`` from ``depuis`` (kept for the 6-month rule)."""
    if not poste_id:
        return
    poste = Poste.objects.select_for_update().get(pk=poste_id)
    if poste.etat == PosteEtat.OCCUPE:
        poste.etat = PosteEtat.VACANT
        poste.vacant_depuis = depuis
        poste.save(update_fields=["etat", "vacant_depuis"])
