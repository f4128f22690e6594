"""Menu entry and home tile: "Conventions" for structure members, prefectures and hubs."""

from __future__ import annotations

from django.urls import reverse

from conumapp import permissions
from conumapp.navigation import NavItem
from structures.models import Membre


def items(request) -> list[NavItem]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    if (
        Membre.objects.filter(user=user).exists()
        or permissions.prefecture_departements(user)
        or permissions.hub_regions(user)
        or permissions.is_operateur(user)
    ):
        return [
            NavItem(
                "Conventions",
                reverse("conventions:liste"),
                "Conventions de subvention, tranches versées, pièces justificatives et reconventionnement",
                300,
            )
        ]
    return []
