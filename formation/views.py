"""Training pages for advisors, structures and coordinators (operators use the back office)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from conseillers.models import Conseiller, MiseEnRelation
from conumapp.services import DomainError

from . import eligibilite, services
from .enums import StatutAbsence, StatutInscription
from .forms import JustificationAbsenceForm
from .models import Certification, Dispense, FormationInitiale, Inscription, Session

PAR_PAGE = 25


def accueil(request):
    """The advisor's own training, or the list of advisors the user follows with this year's obligation."""
    propre = Conseiller.objects.filter(user=request.user).first()
    if propre is not None and eligibilite.contrat_en_poste(propre) is not None:
        return redirect("formation:conseiller", pk=propre.pk)
    annee = timezone.localdate().year
    conseillers = eligibilite.avec_obligation(
        Conseiller.objects.visible_to(request.user).filter(
            pk__in=MiseEnRelation.objects.en_poste().values("conseiller_id")
        ),
        annee,
    ).order_by("nom", "prenom", "pk")
    page = Paginator(conseillers, PAR_PAGE).get_page(request.GET.get("page"))
    lignes = [(conseiller, eligibilite.obligation_annotee(conseiller, annee)) for conseiller in page]
    return render(
        request, "formation/accueil.html", {"page": page, "lignes": lignes, "annee": annee, "params": ""}
    )


def conseiller_detail(request, pk):
    conseiller = get_object_or_404(Conseiller.objects.visible_to(request.user).select_related("user"), pk=pk)
    formations = list(FormationInitiale.objects.filter(conseiller=conseiller).select_related("organisme"))
    inscriptions = list(
        Inscription.objects.filter(conseiller=conseiller).select_related(
            "session__module", "session__organisme"
        )
    )
    return render(
        request,
        "formation/conseiller.html",
        {
            "conseiller": conseiller,
            "formations": formations,
            "dispenses": list(Dispense.objects.filter(conseiller=conseiller)),
            "certifications": list(Certification.objects.filter(conseiller=conseiller)),
            "inscriptions": inscriptions,
            "obligations": eligibilite.obligations(conseiller),
            "delai_certification": settings.CERTIFICATION_DEADLINE_MONTHS,
            "peut_inscrire": services.peut_agir_pour(request.user, conseiller),
            "a_justifier": [StatutAbsence.A_JUSTIFIER, StatutAbsence.MANQUEMENT],
            "absent": StatutInscription.ABSENT,
        },
    )


def sessions(request, pk):
    conseiller = get_object_or_404(Conseiller.objects.visible_to(request.user), pk=pk)
    queryset = (
        Session.objects.ouvertes()
        .with_inscrits()
        .select_related("module", "region", "organisme")
        .order_by("date_debut", "pk")
    )
    page = Paginator(queryset, PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "formation/sessions.html", {"conseiller": conseiller, "page": page, "params": ""})


def inscrire(request, pk, session_pk):
    conseiller = get_object_or_404(Conseiller.objects.visible_to(request.user), pk=pk)
    session = get_object_or_404(
        Session.objects.visible_to(request.user).select_related("module", "region", "organisme"),
        pk=session_pk,
    )
    if request.method == "POST":
        try:
            services.inscrire(session=session, conseiller=conseiller, acteur=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Demande d'inscription enregistrée : l'éligibilité va être vérifiée.")
            return redirect("formation:conseiller", pk=conseiller.pk)
    resultat = eligibilite.evaluer(conseiller, session)
    return render(
        request,
        "formation/inscrire.html",
        {"conseiller": conseiller, "session": session, "resultat": resultat},
    )


def justifier_absence(request, pk):
    inscription = get_object_or_404(
        Inscription.objects.visible_to(request.user).select_related("conseiller", "session__module"), pk=pk
    )
    form = JustificationAbsenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.justifier_absence(
                inscription=inscription,
                acteur=request.user,
                motif=form.cleaned_data["motif"],
                justificatif=form.cleaned_data["justificatif"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Justificatif transmis : il va être examiné.")
            return redirect("formation:conseiller", pk=inscription.conseiller_id)
    return render(request, "formation/justifier_absence.html", {"inscription": inscription, "form": form})
