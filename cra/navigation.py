from django.urls import reverse

from conumapp.navigation import NavItem


def items(request) -> list[NavItem]:
    from conseillers.models import Conseiller, Coordination
    from structures.models import Structure

    user = request.user
    if not user.is_authenticated:
        return []
    result = []
    if Conseiller.objects.filter(user=user).exists():
        result.append(
            NavItem("Saisir un CRA", reverse("cra:saisir"), "Un accompagnement en moins d'une minute", 20)
        )
        result.append(
            NavItem("Mes CRA", reverse("cra:historique"), "Historique, modification, duplication", 21)
        )
    for structure in Structure.objects.filter(membres__user=user).only("pk", "nom")[:5]:
        result.append(NavItem(f"CRA — {structure.nom}", reverse("cra:structure", args=[structure.pk]),
                              "Activité de vos conseillers", 60))  # fmt: skip
    if Coordination.objects.filter(coordinateur=user).exists():
        result.append(NavItem("CRA des conseillers coordonnés", reverse("cra:coordination"), "", 61))
    return result
