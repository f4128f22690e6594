"""Open data page ``/donnees-ouvertes/`` (public, no login) and its CSV files (issue 8)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from conumapp.models import Departement

from . import opendata


def _reponse_csv(contenu: str, nom: str) -> HttpResponse:
    response = HttpResponse(contenu.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _departement(request) -> Departement | None:
    code = request.GET.get("territoire", "").strip().upper()
    if not code:
        return None
    departement = Departement.objects.filter(code=code).first()
    if departement is None:
        raise Http404("Territoire inconnu : indiquez le code d'un département (par exemple 69).")
    return departement


@login_not_required
@require_GET
def donnees_ouvertes(request):
    departements = list(Departement.objects.order_by("code").values_list("code", "nom"))
    fichiers = [
        opendata.Fichier(
            "Activité nationale par mois",
            "Comptes rendus d'activité, accompagnements, ateliers, participants et durée, par mois.",
            reverse("donnees_ouvertes:statistiques_national"),
            opendata.nom_fichier("statistiques-mensuelles", "france"),
        ),
        opendata.Fichier(
            "Activité par département et par mois",
            f"Les mêmes chiffres par département ; une case comptant moins de {opendata.seuil_secret()} "
            "conseillers est laissée vide (secret statistique).",
            reverse("donnees_ouvertes:statistiques_departements"),
            opendata.nom_fichier("statistiques-mensuelles", "departements"),
        ),
        opendata.Fichier(
            "Lieux d'activité des conseillers numériques",
            "Au format national des lieux de médiation numérique (schéma LaMednum), toute la France.",
            reverse("donnees_ouvertes:lieux"),
            opendata.nom_fichier("lieux-de-mediation-numerique", "france"),
        ),
    ]
    return render(
        request,
        "statistiques/donnees_ouvertes.html",
        {
            "title": "Données ouvertes",
            "fichiers": fichiers,
            "departements": departements,
            "periode": opendata.periode(),
            "seuil": opendata.seuil_secret(),
        },
    )


@login_not_required
@require_GET
def statistiques_national(request):
    return _reponse_csv(opendata.csv_national(), opendata.nom_fichier("statistiques-mensuelles", "france"))


@login_not_required
@require_GET
def statistiques_departements(request):
    return _reponse_csv(
        opendata.csv_departements(), opendata.nom_fichier("statistiques-mensuelles", "departements")
    )


@login_not_required
@require_GET
def lieux(request):
    departement = _departement(request)
    if departement is None:
        contenu, territoire = opendata.csv_lieux(), "france"
    else:
        contenu, territoire = opendata.csv_lieux(departement.code), f"{departement.code}-{departement.nom}"
    return _reponse_csv(contenu, opendata.nom_fichier("lieux-de-mediation-numerique", territoire))
