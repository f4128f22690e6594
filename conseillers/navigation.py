"""Menu entries and home tiles: candidate profile, "Mon espace", recruitments, candidate search."""

from __future__ import annotations

from django.urls import reverse

from conumapp import permissions
from conumapp.enums import Role
from conumapp.navigation import NavItem
from structures.models import Structure


def items(request) -> list[NavItem]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return []
    result = []
    roles = permissions.user_roles(user)
    if Role.CONSEILLER in roles:
        result.append(
            NavItem(
                "Mon espace conseiller",
                reverse("conseillers:mon_espace"),
                "Ma structure, mon contrat, mes congés",
                50,
            )
        )
    if Role.CANDIDAT in roles or Role.CONSEILLER in roles:
        result.append(
            NavItem("Mon profil de candidat", reverse("conseillers:profil"), "Profil, disponibilité, CV", 55)
        )
    structure = Structure.objects.of_member(user).validees().order_by("pk").first()
    if structure:
        result.append(
            NavItem(
                "Trouver des candidats",
                reverse("conseillers:candidats", args=[structure.pk]),
                "Candidats disponibles près de votre structure, du plus proche au plus éloigné",
                200,
            )
        )
    if structure or Structure.objects.of_member(user).exists() or permissions.prefecture_departements(user):
        result.append(
            NavItem(
                "Recrutements",
                reverse("conseillers:recrutements"),
                "Suivi des recrutements et des conseillers",
                210,
            )
        )
    return result
