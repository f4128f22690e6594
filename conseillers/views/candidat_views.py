"""Candidate and advisor pages: public sign-up, profile, CV, account deletion, "Mon espace"."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conumapp.files import serve_private_file
from conumapp.services import DomainError

from .. import services
from ..enums import MiseEnRelationStatut
from ..forms import CandidatureForm, ProfilForm
from ..models import Conseiller
from ..selectors import peut_voir_candidat


def _mon_profil(request) -> Conseiller:
    return get_object_or_404(
        Conseiller.objects.visible_to(request.user).select_related("commune", "departement"),
        user=request.user,
    )


@login_not_required
def candidature(request):
    """Public page "Devenir conseiller numérique": account + candidate profile."""
    if request.user.is_authenticated and Conseiller.objects.filter(user=request.user).exists():
        return redirect("conseillers:profil")
    form = CandidatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            conseiller = services.candidature_creer(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"], **form.profil()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            EmailAddress.objects.get(user=conseiller.user, primary=True).send_confirmation(
                request, signup=True
            )
            messages.success(
                request,
                "Votre candidature est enregistrée. Confirmez votre adresse électronique grâce au lien "
                "que nous venons de vous envoyer, puis connectez-vous.",
            )
            return redirect("account_email_verification_sent")
    return render(
        request, "conseillers/candidature.html", {"title": "Devenir conseiller numérique", "form": form}
    )


def profil(request):
    conseiller = _mon_profil(request)
    form = ProfilForm(request.POST or None, request.FILES or None, instance=conseiller)
    if request.method == "POST" and form.is_valid():
        try:
            services.candidat_modifier(conseiller=conseiller, by=request.user, **form.profil())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Votre profil est enregistré.")
            return redirect("conseillers:profil")
    conseiller.refresh_from_db(fields=["cv", "cv_nom", "disponible", "statut"])
    return render(
        request,
        "conseillers/profil.html",
        {"title": "Mon profil de candidat", "form": form, "conseiller": conseiller},
    )


@require_POST
def profil_disponibilite(request):
    conseiller = _mon_profil(request)
    disponible = request.POST.get("disponible") == "1"
    try:
        services.candidat_disponibilite(conseiller=conseiller, disponible=disponible, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Vous êtes de nouveau visible des structures qui recrutent."
            if disponible
            else "Vous êtes désormais indisponible : les structures ne vous voient plus.",
        )
    return redirect("conseillers:profil")


def profil_supprimer(request):
    conseiller = _mon_profil(request)
    if request.method == "POST":
        try:
            services.candidat_supprimer(conseiller=conseiller, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("conseillers:profil")
        logout(request)
        messages.success(request, "Votre compte et vos données ont été supprimés.")
        return redirect("home")
    return render(
        request,
        "conseillers/supprimer.html",
        {"title": "Supprimer mon compte", "conseiller": conseiller},
    )


def cv(request, pk):
    conseiller = get_object_or_404(Conseiller, pk=pk)
    if not conseiller.cv or not peut_voir_candidat(request.user, conseiller):
        raise Http404("CV introuvable.")
    return serve_private_file(request, conseiller.cv, conseiller.cv_nom or "cv.pdf")


def mon_espace(request):
    """The advisor's (or candidate's) own space: structure, contract, leave, history."""
    conseiller = _mon_profil(request)
    mises = list(conseiller.mises_en_relation.select_related("structure", "poste").order_by("-created_at"))
    en_poste = next((m for m in mises if m.statut in MiseEnRelationStatut.en_poste()), None)
    historique = [
        m
        for m in mises
        if m.statut
        in (
            MiseEnRelationStatut.FINALISEE_RUPTURE,
            MiseEnRelationStatut.TERMINEE,
            MiseEnRelationStatut.RECRUTEE,
        )
    ]
    return render(
        request,
        "conseillers/mon_espace.html",
        {
            "title": "Mon espace",
            "conseiller": conseiller,
            "en_poste": en_poste,
            "prolongations": list(en_poste.prolongations.all()) if en_poste else [],
            "historique": historique,
            "conges": list(conseiller.conges.select_related("structure")),
        },
    )
