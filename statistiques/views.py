"""Statistics pages (issue 8): ``/statistiques/`` for every role with a scope, the public
national page ``/statistiques/publiques/`` and the exports of exactly what a page shows.

The scope travels in the URL (``?perimetre=<cle>``) and is resolved against the user's own
list (``perimetres_de``) on every request, so a forged key never widens it: an unknown key
answers 404, a user without any scope 403. Filters are a GET form whose choices are restricted
to the scope; an invalid value keeps its default (with a French error on the page).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import exports
from .filtres import Filtres, FiltresForm
from .perimetres import PERIMETRE_PUBLIC, Perimetre, perimetres_de
from .services import calculer_avec_conseillers

GRAPHIQUES = {"barres": "bar", "ligne": "line", "anneau": "doughnut"}
FILTRES_DECRITS = ("region", "departement", "structure", "conseiller", "type", "thematique", "tag")


def _perimetre(request) -> tuple[Perimetre, list[Perimetre]]:
    """The requested scope among the user's (403 without any scope, 404 for a foreign key)."""
    perimetres = perimetres_de(request.user)
    if not perimetres:
        raise PermissionDenied("Votre compte n'a pas accès aux statistiques.")
    cle = request.GET.get("perimetre", "")
    if not cle:
        return perimetres[0], perimetres
    perimetre = next((p for p in perimetres if p.cle == cle), None)
    if perimetre is None:
        raise Http404("Ce périmètre n'existe pas ou ne vous est pas ouvert.")
    return perimetre, perimetres


def _filtres(request, perimetre: Perimetre) -> tuple[FiltresForm, Filtres]:
    data = request.GET.copy()
    data.pop("perimetre", None)
    form = FiltresForm(data or None, perimetre=perimetre)
    for field in form.fields.values():
        # DSFR classes on the widgets (the form is shared with exports and open data).
        field.widget.attrs["class"] = "fr-select" if isinstance(field.widget, forms.Select) else "fr-input"
    filtres = form.filtres()
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}-erreur"
    return form, filtres


def _filtres_libelles(form: FiltresForm, filtres: Filtres) -> list[tuple[str, str]]:
    """Active filters as (label, value) for the page heading and the exports."""
    out = []
    for name in FILTRES_DECRITS:
        value = getattr(filtres, name, None)
        field = form.fields.get(name)
        if value in (None, "") or field is None:
            continue
        choices = dict(getattr(field, "choices", []) or [])
        out.append((str(field.label), str(choices.get(value, value))))
    return out


def _querystring(perimetre: Perimetre, filtres: Filtres, *, avec_perimetre: bool) -> str:
    parts = []
    if avec_perimetre:
        parts.append(urlencode({"perimetre": perimetre.cle}))
    if qs := filtres.querystring():
        parts.append(qs)
    return "&".join(parts)


def _graphiques(tableaux) -> list[dict]:
    """Chart data (passed to the page's script with ``json_script``)."""
    out = []
    for tableau in tableaux:
        if not tableau.graphique:
            continue
        out.append({
            "cle": tableau.cle,
            "type": GRAPHIQUES[tableau.graphique],
            "titre": tableau.titre,
            "labels": [exports.texte(ligne[0]) for ligne in tableau.lignes],
            "series": [
                {"label": colonne, "data": [ligne[index] for ligne in tableau.lignes]}
                for index, colonne in enumerate(tableau.colonnes)
                if index > 0 and colonne != "Part (%)"
            ],
        })  # fmt: skip
    return out


def _page(request, perimetre: Perimetre, perimetres: list[Perimetre], *, publique: bool):
    form, filtres = _filtres(request, perimetre)
    stats = calculer_avec_conseillers(perimetre, filtres)
    tableaux = stats.tableaux()
    querystring = _querystring(perimetre, stats.filtres, avec_perimetre=True)
    libelles = _filtres_libelles(form, stats.filtres)
    affiches = [
        {
            "cle": t.cle,
            "titre": t.titre,
            "colonnes": t.colonnes,
            "lignes": [[exports.texte(v) for v in ligne] for ligne in t.lignes],
            "graphique": GRAPHIQUES.get(t.graphique or "", ""),
        }
        for t in tableaux
        if t.cle != "chiffres"
    ]
    context = {
        "title": "Statistiques publiques" if publique else "Statistiques",
        "publique": publique,
        "perimetre": perimetre,
        "perimetres": perimetres,
        "form": form,
        "stats": stats,
        "chiffres": [(cle, label, exports.texte(value)) for cle, label, value in stats.chiffres()],
        "entete": exports.entete(stats, libelles),
        "tableaux": affiches,
        "graphiques": _graphiques(tableaux),
        "vide": not stats.secret and stats.cras == 0,
        "message_secret": exports.MESSAGE_CELLULE_MASQUEE,
        "querystring": _querystring(perimetre, stats.filtres, avec_perimetre=not publique),
        "exports": [
            (fmt.upper(), f"{reverse('statistiques:export', kwargs={'format': fmt})}?{querystring}")
            for fmt in exports.FORMATS
        ],
        "action": reverse("statistiques:publiques" if publique else "statistiques:tableau"),
    }
    return render(request, "statistiques/tableau.html", context)


@require_GET
def tableau(request):
    """The statistics of one of the user's scopes (their default scope first)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    perimetre, perimetres = _perimetre(request)
    return _page(request, perimetre, perimetres, publique=False)


@login_not_required
@require_GET
def publiques(request):
    """National figures for everyone, without login (nothing below département level)."""
    return _page(request, PERIMETRE_PUBLIC, [], publique=True)


@login_not_required  # the public scope's exports; other scopes check the login below
@require_GET
def export(request, format):
    """CSV, XLSX or PDF of exactly what the page with the same querystring shows."""
    if format not in exports.FORMATS:
        raise Http404("Format inconnu.")
    if request.GET.get("perimetre") == PERIMETRE_PUBLIC.cle:
        perimetre = PERIMETRE_PUBLIC
    elif not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    else:
        perimetre, _perimetres = _perimetre(request)
    form, filtres = _filtres(request, perimetre)
    stats = calculer_avec_conseillers(perimetre, filtres)
    contenu = exports.produire(stats, format, _filtres_libelles(form, stats.filtres))
    response = HttpResponse(contenu, content_type=exports.CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{exports.nom_fichier(stats, format)}"'
    response["Cache-Control"] = "private, no-store" if not perimetre.public else "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
