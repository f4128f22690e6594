"""Structure space pages: conventions list, detail (tranches, totals, documents), PDF, renewal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conumapp.files import serve_private_file
from conumapp.services import DomainError

from . import services
from .enums import ConventionEtat, TrancheStatut
from .forms import NonInteresseForm, PieceForm, ReconventionnementForm
from .models import Convention, PieceJustificative
from .pdf import convention_pdf


def _convention(request, pk):
    return get_object_or_404(
        Convention.objects.visible_to(request.user).select_related("structure", "bareme"), pk=pk
    )


def liste(request):
    conventions = (
        Convention.objects.visible_to(request.user)
        .select_related("structure")
        .with_totaux()
        .order_by("-date_debut", "-pk")
    )
    page = Paginator(conventions, 25).get_page(request.GET.get("page"))
    return render(request, "conventions/liste.html", {"title": "Conventions", "page": page})


def _detail_context(request, convention, *, piece_form=None):
    abilities = convention.get_abilities(request.user)
    tranches = list(convention.tranches.select_related("poste").order_by("date_prevue", "poste_id", "numero"))
    pieces = (
        list(PieceJustificative.objects.visible_to(request.user).filter(structure=convention.structure))
        if abilities["documents"]
        else []
    )
    postes = list(convention.structure.postes.actifs())
    return {
        "title": f"Convention {convention.numero}",
        "convention": convention,
        "structure": convention.structure,
        "abilities": abilities,
        "tranches": tranches,
        "totaux": convention.totaux(),
        "avenants": list(convention.avenants.all()),
        "avoirs": list(convention.avoirs.all()),
        "pieces": pieces,
        "piece_form": piece_form or PieceForm(postes=postes),
        "reconventionnement": getattr(convention, "reconventionnement", None),
        "statut_versee": TrancheStatut.VERSEE,
        "statut_due": TrancheStatut.DUE,
        "est_brouillon": convention.etat == ConventionEtat.BROUILLON,
    }


def detail(request, pk):
    convention = _convention(request, pk)
    return render(request, "conventions/detail.html", _detail_context(request, convention))


def pdf(request, pk):
    convention = _convention(request, pk)
    if not convention.get_abilities(request.user)["pdf"]:
        raise Http404
    response = HttpResponse(convention_pdf(convention), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-{convention.numero}.pdf"'
    return response


@require_POST
def piece_deposer(request, pk):
    convention = _convention(request, pk)
    if not convention.get_abilities(request.user)["deposer"]:
        raise Http404
    form = PieceForm(request.POST, request.FILES, postes=convention.structure.postes.actifs())
    if form.is_valid():
        try:
            services.piece_deposer(
                structure=convention.structure,
                convention=convention,
                by=request.user,
                type=form.cleaned_data["type"],
                fichier=form.cleaned_data["fichier"],
                poste_id=form.cleaned_data["poste"],
                valide_du=form.cleaned_data["valide_du"],
                valide_au=form.cleaned_data["valide_au"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Votre pièce a été déposée ; elle sera vérifiée par nos équipes.")
            return redirect("conventions:detail", pk=convention.pk)
    context = _detail_context(request, convention, piece_form=form)
    return render(request, "conventions/detail.html", context, status=400)


def piece_telecharger(request, pk):
    piece = get_object_or_404(PieceJustificative.objects.visible_to(request.user), pk=pk)
    return serve_private_file(request, piece.fichier, piece.nom_fichier)


def reconventionnement(request, pk):
    convention = _convention(request, pk)
    if not convention.get_abilities(request.user)["renouveler"]:
        raise Http404
    candidats = services.candidats_renouvellement(convention)
    form = ReconventionnementForm(request.POST or None, candidats=candidats, structure=convention.structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.reconventionnement_initier(
                convention=convention,
                by=request.user,
                ds_numero=form.cleaned_data["ds_numero"],
                lignes=form.lignes(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Votre demande de reconventionnement est transmise à nos équipes.")
            return redirect("conventions:detail", pk=convention.pk)
    return render(
        request,
        "conventions/reconventionnement.html",
        {
            "title": "Reconventionnement",
            "convention": convention,
            "form": form,
            "non_interesse_form": NonInteresseForm(),
            "candidats": candidats,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def non_interesse(request, pk):
    convention = _convention(request, pk)
    if not convention.get_abilities(request.user)["renouveler"]:
        raise Http404
    form = NonInteresseForm(request.POST)
    if form.is_valid():
        try:
            services.reconventionnement_non_interesse(
                convention=convention, by=request.user, motif=form.cleaned_data["motif"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Nous avons bien noté que vous ne souhaitez pas vous reconventionner.")
        return redirect("conventions:detail", pk=convention.pk)
    candidats = services.candidats_renouvellement(convention)
    return render(
        request,
        "conventions/reconventionnement.html",
        {
            "title": "Reconventionnement",
            "convention": convention,
            "form": ReconventionnementForm(candidats=candidats, structure=convention.structure),
            "non_interesse_form": form,
            "candidats": candidats,
        },
        status=400,
    )
