"""Central role helpers used by every app's ``visible_to(user)`` QuerySet methods.

Habilitations are read once per request (cached on the user object). Apps combine these
helpers with their own links (structure membership, advisor profile, coordination).
"""

from __future__ import annotations

from .enums import Role

_CACHE_ATTR = "_conum_habilitations"


def _habilitations(user):
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.habilitations.all())
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_habilitations(user) -> None:
    """Drop the per-request cache (after granting or removing a role)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_roles(user) -> set[str]:
    roles = {h.role for h in _habilitations(user)}
    if getattr(user, "is_authenticated", False) and user.is_staff:
        roles.add(Role.OPERATEUR)
    return roles


def has_role(user, role: str) -> bool:
    return role in user_roles(user)


def is_operateur(user) -> bool:
    """Operators (ANCT / Banque des Territoires staff) see everything, nationally."""
    return getattr(user, "is_authenticated", False) and user.is_active and has_role(user, Role.OPERATEUR)


def prefecture_departements(user) -> set[str]:
    return {h.departement_id for h in _habilitations(user) if h.role == Role.PREFECTURE}


def hub_regions(user) -> set[str]:
    return {h.region_id for h in _habilitations(user) if h.role == Role.HUB}


def grands_reseaux(user) -> set[str]:
    return {h.grand_reseau for h in _habilitations(user) if h.role == Role.GRAND_RESEAU}


def coordinateur_territories(user) -> dict[str, set[str]]:
    """Territories a coordinator covers by habilitation: {"departements": {...}, "regions": {...}}.

    Coordination of a list of advisors is stored in the conseillers app.
    """
    habs = [h for h in _habilitations(user) if h.role == Role.COORDINATEUR]
    return {
        "departements": {h.departement_id for h in habs if h.departement_id},
        "regions": {h.region_id for h in habs if h.region_id},
    }


def grant_role(user, role: str, **scope):
    """Give ``user`` a habilitation (idempotent) and return it."""
    from .models import Habilitation

    habilitation, _ = Habilitation.objects.get_or_create(
        user=user,
        role=role,
        departement=scope.get("departement"),
        region=scope.get("region"),
        grand_reseau=scope.get("grand_reseau", ""),
    )
    forget_habilitations(user)
    return habilitation


def revoke_role(user, role: str, **scope) -> None:
    from .models import Habilitation

    Habilitation.objects.filter(user=user, role=role, **scope).delete()
    forget_habilitations(user)
