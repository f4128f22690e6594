"""Menu entry "Statistiques" for every user with a statistics scope (``perimetres_de``)."""

from __future__ import annotations

from django.urls import reverse

from conseillers.models import Conseiller, Coordination
from conumapp import permissions
from conumapp.enums import Role
from conumapp.navigation import NavItem
from structures.models import Membre


def a_des_statistiques(user) -> bool:
    """Cheap test of ``perimetres_de(user) != []`` (roles are cached per request)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if (
        permissions.is_operateur(user)
        or permissions.hub_regions(user)
        or permissions.prefecture_departements(user)
        or permissions.grands_reseaux(user)
    ):
        return True
    territoires = permissions.coordinateur_territories(user)
    if territoires["regions"] or territoires["departements"]:
        return True
    if permissions.has_role(user, Role.CONSEILLER) and Conseiller.objects.filter(user=user).exists():
        return True
    return (
        Membre.objects.filter(user=user).exists() or Coordination.objects.filter(coordinateur=user).exists()
    )


def items(request) -> list[NavItem]:
    if not a_des_statistiques(request.user):
        return []
    return [
        NavItem(
            "Statistiques",
            reverse("statistiques:tableau"),
            "Activité des conseillers : chiffres clés, graphiques et exports",
            80,
        )
    ]
