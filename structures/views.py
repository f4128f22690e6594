"""Thin views: fetch within the user's scope, call one service, show its French message."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from conumapp import permissions
from conumapp.models import User
from conumapp.services import DomainError

from . import hooks, services
from .enums import DemandePosteType, PosteEtat
from .forms import (
    AvisForm,
    CandidatureForm,
    DemandeAjoutForm,
    DemandeRetraitForm,
    InvitationForm,
    PrefectureFiltreForm,
)
from .models import AvisPrefet, Invitation, Structure

CANDIDATURE_RATE_DEFAULT = (5, 3600)  # submissions per IP and per period (seconds)


# --- Public candidature ----------------------------------------------------------------------


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "inconnue"


def _rate_limited(request) -> bool:
    """Cache-based limit of candidature submissions per IP (counts every POST)."""
    limit, period = getattr(settings, "STRUCTURES_CANDIDATURE_RATE", CANDIDATURE_RATE_DEFAULT)
    key = f"structures:candidature:{_client_ip(request)}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit


@login_not_required
def candidature(request):
    form = CandidatureForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            messages.error(
                request, "Trop de candidatures envoyées depuis votre connexion : réessayez dans une heure."
            )
            return render(
                request,
                "structures/candidature.html",
                {"title": "Engager un conseiller", "form": form},
                status=429,
            )
        if form.is_valid():
            if form.is_spam():
                # Robots get the same answer as people, and nothing is recorded.
                return redirect("structures:candidature_merci")
            try:
                with transaction.atomic():
                    data = form.cleaned_data
                    user = User.objects.create_user(
                        email=data["contact_email"], password=data["password"],
                        first_name=data["contact_prenom"], last_name=data["contact_nom"],
                    )  # fmt: skip
                    address = EmailAddress.objects.create(
                        user=user, email=user.email, primary=True, verified=False
                    )
                    services.candidature_deposer(structure=form.build_structure(), user=user)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                address.send_confirmation(request, signup=True)
                return redirect("structures:candidature_merci")
    return render(request, "structures/candidature.html", {"title": "Engager un conseiller", "form": form})


@login_not_required
def candidature_merci(request):
    return render(request, "structures/candidature_merci.html", {"title": "Candidature envoyée"})


# --- Members' space --------------------------------------------------------------------------


def ma_structure(request):
    structures = list(Structure.objects.of_member(request.user).select_related("departement"))
    if len(structures) == 1:
        return redirect("structures:detail", structures[0].pk)
    if not structures:
        raise Http404("Vous n'êtes membre d'aucune structure.")
    return render(
        request, "structures/mes_structures.html", {"title": "Mes structures", "structures": structures}
    )


def _member_structure(request, pk) -> Structure:
    return get_object_or_404(
        Structure.objects.visible_to(request.user).select_related("departement", "region"), pk=pk
    )


def _structure_to_act_for(request, pk, *, operators: bool = False) -> Structure:
    """A structure the user acts for: its members (and operators when ``operators``).

    404 for a structure the user cannot see; 403 for those who only see it (prefecture, hub,
    network, operator), rather than a form they could fill in but never send.
    """
    structure = _member_structure(request, pk)
    if not (operators and permissions.is_operateur(request.user)) and not services.est_membre(
        request.user, structure
    ):
        raise PermissionDenied("Cette action est réservée aux membres de la structure.")
    return structure


def detail(request, pk):
    structure = _member_structure(request, pk)
    postes = list(structure.postes.order_by("etat", "pk"))
    occupants = hooks.occupants([p.pk for p in postes if p.etat == PosteEtat.OCCUPE])
    for poste in postes:
        poste.occupant = occupants.get(poste.pk, "")
    is_member = services.est_membre(request.user, structure)
    context = {
        "title": structure.nom,
        "structure": structure,
        "postes": postes,
        "vacants": sum(p.etat == PosteEtat.VACANT for p in postes),
        "occupes": sum(p.etat == PosteEtat.OCCUPE for p in postes),
        "rendus": sum(p.etat == PosteEtat.RENDU for p in postes),
        "decisions": structure.decisions.select_related("coselec", "operateur"),
        "demandes": structure.demandes_postes.all(),
        "demande_en_cours": structure.demandes_postes.en_cours().first(),
        "membres": structure.membres.select_related("user").order_by("created_at"),
        "invitations": structure.invitations.filter(accepted_at__isnull=True).order_by("-created_at"),
        "is_member": is_member,
        "can_remove_members": is_member or permissions.is_operateur(request.user),
        "can_request": is_member and structure.statut == "VALIDATION_COSELEC",
        "invitation_form": InvitationForm(),
        "sections": hooks.sections(structure, request.user),
    }
    return render(request, "structures/detail.html", context)


def demande(request, pk, type):
    structure = _structure_to_act_for(request, pk)
    form_class = DemandeAjoutForm if type == DemandePosteType.AJOUT else DemandeRetraitForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.demande_creer(structure=structure, by=request.user, type=type, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Votre demande a été enregistrée.")
            return redirect("structures:detail", structure.pk)
    title = "Demander des postes" if type == DemandePosteType.AJOUT else "Rendre des postes"
    return render(
        request,
        "structures/demande.html",
        {"title": title, "structure": structure, "form": form, "libres": structure.postes.vacants().count()},
    )


@require_POST
def inviter(request, pk):
    structure = _structure_to_act_for(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_creer(structure=structure, by=request.user, email=form.cleaned_data["email"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "L'invitation a été envoyée.")
    else:
        messages.error(request, "Adresse électronique invalide : l'invitation n'a pas été envoyée.")
    return redirect("structures:detail", structure.pk)


def retirer_membre(request, pk, membre_pk):
    structure = _structure_to_act_for(request, pk, operators=True)
    membre = get_object_or_404(structure.membres.select_related("user"), pk=membre_pk)
    if request.method == "POST":
        try:
            services.membre_retirer(membre=membre, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Le membre a été retiré de la structure.")
            if membre.user_id == request.user.pk:
                return redirect("home")
        return redirect("structures:detail", structure.pk)
    return render(
        request,
        "structures/retirer_membre.html",
        {"title": "Retirer un membre", "structure": structure, "membre": membre},
    )


@login_not_required
def invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("structure"), token=token)
    if not request.user.is_authenticated:
        query = urlencode({"next": request.path})
        return render(
            request,
            "structures/invitation.html",
            {
                "title": "Invitation",
                "invitation": invitation,
                "login_url": f"{reverse('account_login')}?{query}",
                "signup_url": f"{reverse('account_signup')}?{query}",
            },
        )
    if request.method == "POST":
        try:
            services.invitation_accepter(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Vous êtes maintenant membre de « {invitation.structure.nom} ».")
            return redirect("structures:detail", invitation.structure_id)
    return render(
        request,
        "structures/invitation.html",
        {"title": "Invitation", "invitation": invitation, "login_url": "", "signup_url": ""},
    )


# --- Prefecture ------------------------------------------------------------------------------


def _prefecture_scope(request):
    departements = permissions.prefecture_departements(request.user)
    if not departements and not permissions.is_operateur(request.user):
        raise Http404("Réservé aux préfectures.")
    qs = Structure.objects.visible_to(request.user)
    if departements:
        qs = qs.filter(departement_id__in=departements)
    return qs


def prefecture_liste(request):
    form = PrefectureFiltreForm(request.GET or None)
    qs = (
        _prefecture_scope(request)
        .select_related("departement")
        .annotate(a_avis=Exists(AvisPrefet.objects.filter(structure=OuterRef("pk"), demande__isnull=True)))
        .order_by("-created_at", "pk")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(nom__icontains=data["q"]) | Q(siret__startswith=data["q"].replace(" ", "")))
        if data["statut"]:
            qs = qs.filter(statut=data["statut"])
        if data["type"]:
            qs = qs.filter(type=data["type"])
        if data["avis"] == "avec":
            qs = qs.filter(a_avis=True)
        elif data["avis"] == "sans":
            qs = qs.filter(a_avis=False)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "structures/prefecture_liste.html",
        {"title": "Candidatures du département", "form": form, "page": page, "query": params.urlencode()},
    )


def prefecture_detail(request, pk):
    structure = get_object_or_404(_prefecture_scope(request).select_related("departement", "region"), pk=pk)
    demande_en_cours = structure.demandes_postes.en_cours().first()
    form = AvisForm(request.POST or None, prefix="avis")
    demande_form = AvisForm(request.POST or None, prefix="demande")
    if request.method == "POST":
        cible = request.POST.get("cible")
        target_form = demande_form if cible == "demande" else form
        if target_form.is_valid():
            try:
                if cible == "demande":
                    if demande_en_cours is None:
                        raise DomainError("Aucune demande en cours pour cette structure.")
                    services.demande_avis_prefet(
                        demande=demande_en_cours, by=request.user, **target_form.cleaned_data
                    )
                else:
                    services.avis_prefet_donner(
                        structure=structure, by=request.user, **target_form.cleaned_data
                    )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Votre avis a été enregistré.")
                return redirect("structures:prefecture_detail", structure.pk)
        if cible == "demande":
            form = AvisForm(prefix="avis")
        else:
            demande_form = AvisForm(prefix="demande")
    avis = structure.avis_prefet.select_related("auteur", "demande")
    context = {
        "title": structure.nom,
        "structure": structure,
        "form": form,
        "demande_form": demande_form,
        "avis": avis,
        "peut_donner_avis": structure.statut in services.STATUTS_AVIS_PREFET,
        "demande_en_cours": demande_en_cours,
        "demande_attend_avis": demande_en_cours is not None
        and demande_en_cours.type == DemandePosteType.AJOUT
        and not demande_en_cours.avis_prefet.exists(),
        "decisions": structure.decisions.select_related("coselec", "operateur"),
        "historique": structure.history.select_related("history_user").order_by("-history_date")[:30],
        "postes": structure.postes.order_by("etat", "pk"),
    }
    return render(request, "structures/prefecture_detail.html", context)
