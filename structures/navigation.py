from django.urls import reverse

from conumapp import permissions
from conumapp.navigation import NavItem

from .models import Structure


def items(request) -> list[NavItem]:
    user = request.user
    if not user.is_authenticated:
        return []
    result = []
    if Structure.objects.of_member(user).exists():
        result.append(
            NavItem(
                "Ma structure",
                reverse("structures:ma_structure"),
                "Postes, demandes, décisions et collègues",
                10,
            )
        )
    if permissions.prefecture_departements(user):
        result.append(
            NavItem(
                "Candidatures des structures",
                reverse("structures:prefecture_liste"),
                "Avis de la préfecture sur les candidatures de votre département",
                30,
            )
        )
    return result
