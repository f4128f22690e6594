from __future__ import annotations

from django.urls import reverse

from conumapp.enums import Role
from conumapp.navigation import NavItem
from conumapp.permissions import user_roles


def items(request) -> list[NavItem]:
    if user_roles(request.user) & {Role.CONSEILLER, Role.STRUCTURE, Role.COORDINATEUR}:
        return [
            NavItem(
                "Formation",
                reverse("formation:accueil"),
                "Parcours, certifications et modules thématiques",
                400,
            )
        ]
    return []
