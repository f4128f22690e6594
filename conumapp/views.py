from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from .navigation import collect


@login_not_required
def home(request):
    if request.user.is_authenticated:
        return espace(request)
    return render(
        request,
        "conumapp/home_public.html",
        {
            "title": "Accueil",
            "engager_url": _url_or_none("structures:candidature"),
            "devenir_url": _url_or_none("conseillers:candidature"),
        },
    )


def _url_or_none(name):
    """Entry points of apps that may not be installed yet degrade to no link."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def espace(request):
    """The logged-in home: sends each role to its space."""
    return render(
        request,
        "conumapp/espace.html",
        {"title": "Mon espace", "entries": collect(request), "roles": sorted(request.user.roles)},
    )


@login_not_required
def error_403(request, exception=None):
    # The project raises PermissionDenied with a French sentence saying why; others raise it bare.
    message = str(exception or "")
    return render(request, "403.html", {"title": "Accès refusé", "message": message}, status=403)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", {"title": "Page non trouvée"}, status=404)


@login_not_required
def error_500(request):
    return render(request, "500.html", {"title": "Erreur inattendue"}, status=500)


@login_not_required
def accessibilite(request):
    """The accessibility statement (RGAA), public, linked from every page's footer."""
    return render(request, "conumapp/accessibilite.html", {"title": "Déclaration d'accessibilité"})
