"""Row-level CRA export: ``/statistiques/cras/export/?format=csv|xlsx&<filters>``.

Rows are the user's row scope (``Cra.objects.visible_to``: advisors their own, structure
members their structures', coordinators their advisors', operators all), narrowed by the chosen
statistics scope (``perimetre``) and filters. Prefectures, hubs and networks read statistics,
not rows: 403. Up to ``EXPORT_CRAS_SYNC_MAX`` rows the file streams at once; above, a
background task prepares it (``ExportCra``), shows its progress and emails a download link.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from conumapp.files import serve_private_file

from . import export_cras, export_fond
from .models import ExportCra
from .perimetres import perimetres_de

FORMATS = ("csv", "xlsx")
RECENTS = 10


def _parametres(querydict) -> str:
    """The scope and filters of a request, as a querystring (without ``format``)."""
    params = querydict.copy()
    params.pop("format", None)
    params.pop("csrfmiddlewaretoken", None)
    return params.urlencode()


@require_http_methods(["GET", "HEAD", "POST"])
def export(request):
    selection = export_cras.selection(request.user, request.GET)
    if selection is None:
        raise PermissionDenied("Votre rôle donne accès aux statistiques, pas aux comptes rendus d'activité.")
    parametres = _parametres(request.GET)
    if request.method == "POST":
        return _lancer(request, request.POST.get("format", ""), parametres)
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        return render(request, "statistiques/export_cras.html", {
            "selection": selection, "parametres": parametres, "perimetres": perimetres_de(request.user),
            "exports": ExportCra.objects.filter(user=request.user).order_by("-created_at", "-pk")[:RECENTS],
            "seuil": settings.EXPORT_CRAS_SYNC_MAX,
        })  # fmt: skip
    limite = settings.EXPORT_CRAS_SYNC_MAX
    if selection.cras[: limite + 1].count() > limite:
        return render(request, "statistiques/export_cras_confirmer.html", {
            "selection": selection, "parametres": parametres, "format": fmt, "seuil": limite,
        })  # fmt: skip
    filename = export_cras.nom_fichier(fmt, timezone.localdate())
    if fmt == "csv":
        response = StreamingHttpResponse(
            export_cras.lignes_csv(selection.cras), content_type=export_cras.CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = FileResponse(
            export_cras.xlsx_temporaire(selection.cras),
            as_attachment=True,
            filename=filename,
            content_type=export_cras.CONTENT_TYPES["xlsx"],
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _lancer(request, fmt: str, parametres: str):
    if fmt not in FORMATS:
        messages.error(request, "Choisissez le format de l'export : CSV ou XLSX.")
        return redirect(f"{reverse('statistiques:export_cras')}?{parametres}")
    with transaction.atomic():
        job = export_fond.export_demander(user=request.user, format=fmt, parametres=parametres)
    messages.success(
        request, "L'export est en préparation : vous recevrez un courriel avec le lien de téléchargement."
    )
    return redirect("statistiques:export_cras_statut", pk=job.pk)


def statut(request, pk):
    """The export's progress (the page refreshes itself while the task runs)."""
    job = get_object_or_404(ExportCra.objects.filter(user=request.user), pk=pk)
    return render(request, "statistiques/export_cras_statut.html", {
        "job": job, "selection_url": f"{reverse('statistiques:export_cras')}?{job.parametres}",
        "en_cours": job.statut in (ExportCra.Statut.EN_ATTENTE, ExportCra.Statut.EN_COURS),
    })  # fmt: skip


@require_http_methods(["GET", "HEAD"])
def telecharger(request, pk):
    """The prepared file, for its owner only (anyone else: 404, existence not revealed)."""
    job = get_object_or_404(
        ExportCra.objects.filter(user=request.user, statut=ExportCra.Statut.TERMINE), pk=pk
    )
    return serve_private_file(request, job.fichier, job.nom_fichier())
