"""Menu entry "Statistiques" for every user with a statistics scope (``perimetres_de``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse

from conseillers.models import Conseiller, Coordination
from conumapp import permissions
from conumapp.enums import Role
from conumapp.models import User
from conumapp.navigation import NavItem
from structures.models import Membre


def _liens(user) -> tuple[bool, bool]:
    """(advisor, structure member or coordinator of advisors) in ONE query per request (cached on
    the request's user object), for the menu."""
    cached = getattr(user, "_conum_liens_statistiques", None)
    if cached is not None:
        return cached
    ligne = (
        User.objects.filter(pk=user.pk)
        .annotate(
            est_conseiller=Exists(Conseiller.objects.filter(user=OuterRef("pk"))),
            est_membre=Exists(Membre.objects.filter(user=OuterRef("pk"))),
            coordonne=Exists(Coordination.objects.filter(coordinateur=OuterRef("pk"))),
        )
        .values_list("est_conseiller", "est_membre", "coordonne")
        .first()
    ) or (False, False, False)
    conseiller, membre, coordination = ligne
    user._conum_liens_statistiques = (
        bool(conseiller and permissions.has_role(user, Role.CONSEILLER)),
        bool(membre or coordination),
    )
    return user._conum_liens_statistiques


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
    return any(_liens(user))


def a_acces_aux_cra(user) -> bool:
    """Row-level CRA export: operators, advisors, structure members and coordinators of advisors
    (prefectures, hubs and networks read statistics only)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if permissions.is_operateur(user):
        return True
    conseiller, membre_ou_coordination = _liens(user)
    return conseiller or membre_ou_coordination


def items(request) -> list[NavItem]:
    from .pilotage import peut_voir

    user = request.user
    if not a_des_statistiques(user):
        return []
    result = [
        NavItem(
            "Statistiques",
            reverse("statistiques:tableau"),
            "Activité des conseillers : chiffres clés, graphiques et exports",
            80,
        )
    ]
    if a_acces_aux_cra(user):
        result.append(
            NavItem(
                "Export des CRA",
                reverse("statistiques:export_cras"),
                "Les comptes rendus d'activité ligne à ligne (CSV, XLSX), au format de La Coop",
                82,
            )
        )
    if peut_voir(user):
        result.append(
            NavItem(
                "Pilotage",
                reverse("statistiques:pilotage"),
                "Par territoire : postes, recrutements, conventions, subventions, CRA et formation",
                85,
            )
        )
    return result
