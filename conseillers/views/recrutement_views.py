"""Structure pages: candidates near the structure, pipeline actions, recruitments (also read by
prefectures, read-only), contract, extension, contract end and declared leave."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conumapp import permissions
from conumapp.files import serve_private_file
from conumapp.services import DomainError
from structures.enums import StructureStatut
from structures.models import Structure

from .. import services
from ..enums import MiseEnRelationStatut
from ..forms import CongeForm, ContratForm, FiltresForm, ProlongationForm, RuptureForm
from ..models import Conge, Conseiller, MiseEnRelation
from ..selectors import Filtres, candidats_pour, postes_libres, structure_peut_voir

PAR_PAGE = 20


def _ma_structure(request, structure_pk) -> Structure:
    return get_object_or_404(
        Structure.objects.of_member(request.user).select_related("commune", "departement"), pk=structure_pk
    )


def candidats(request, structure_pk):
    structure = _ma_structure(request, structure_pk)
    form = FiltresForm(request.GET or None)
    filtres = Filtres(**form.cleaned_data) if form.is_bound and form.is_valid() else Filtres()
    validee = structure.statut == StructureStatut.VALIDATION_COSELEC
    libres = postes_libres(structure) if validee else 0
    qs = candidats_pour(structure, filtres) if libres else Conseiller.objects.none()
    page = Paginator(qs.select_related("commune"), PAR_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "conseillers/candidats.html",
        {
            "title": f"Candidats près de {structure.nom}",
            "structure": structure,
            "validee": validee,
            "postes_libres": libres,
            "form": form,
            "page": page,
            "params": params.urlencode(),
        },
    )


def _candidat_visible(request, structure_pk, pk):
    structure = _ma_structure(request, structure_pk)
    conseiller = get_object_or_404(Conseiller.objects.select_related("commune", "departement"), pk=pk)
    if not structure_peut_voir(structure, conseiller.pk):
        raise Http404("Candidat introuvable.")
    return structure, conseiller


def candidat(request, structure_pk, pk):
    structure, conseiller = _candidat_visible(request, structure_pk, pk)
    mer = (
        MiseEnRelation.objects.filter(structure=structure, conseiller=conseiller)
        .order_by("-created_at")
        .first()
    )
    return render(
        request,
        "conseillers/candidat.html",
        {
            "title": f"Candidature de {conseiller}",
            "structure": structure,
            "conseiller": conseiller,
            "mer": mer,
            "peut_preselectionner": mer is None
            or mer.statut in (MiseEnRelationStatut.NOUVELLE, MiseEnRelationStatut.NON_INTERESSEE),
            "peut_ecarter": mer is None
            or mer.statut in (MiseEnRelationStatut.NOUVELLE, MiseEnRelationStatut.INTERESSEE),
        },
    )


def _decision(request, structure_pk, pk, service, succes):
    structure, conseiller = _candidat_visible(request, structure_pk, pk)
    try:
        mer = service(structure=structure, conseiller=conseiller, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("conseillers:candidat", structure.pk, conseiller.pk)
    messages.success(request, succes)
    return redirect("conseillers:recrutement", mer.pk)


@require_POST
def preselectionner(request, structure_pk, pk):
    return _decision(request, structure_pk, pk, services.preselectionner, "Candidat présélectionné.")


@require_POST
def ecarter(request, structure_pk, pk):
    return _decision(request, structure_pk, pk, services.ecarter, "Candidat non retenu.")


def recrutements(request):
    qs = MiseEnRelation.objects.visible_to(request.user).select_related(
        "conseiller", "structure", "structure__departement"
    )
    statut = request.GET.get("statut", "")
    if statut in MiseEnRelationStatut.values:
        qs = qs.filter(statut=statut)
    else:
        statut = ""
    page = Paginator(qs.order_by("-updated_at", "-pk"), PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "conseillers/recrutements.html",
        {
            "title": "Recrutements",
            "page": page,
            "statut": statut,
            "params": f"statut={statut}" if statut else "",
            "statuts": MiseEnRelationStatut.choices,
            "mes_structures": list(Structure.objects.of_member(request.user).validees().only("pk", "nom")),
        },
    )


def _visible(request, pk) -> MiseEnRelation:
    return get_object_or_404(
        MiseEnRelation.objects.visible_to(request.user).select_related(
            "conseiller__user", "structure", "poste", "validated_by", "rupture_validated_by"
        ),
        pk=pk,
    )


def recrutement(request, pk):
    mer = _visible(request, pk)
    return render(
        request,
        "conseillers/recrutement.html",
        {
            "title": f"Recrutement de {mer.conseiller}",
            "mer": mer,
            "abilities": mer.get_abilities(request.user),
            "prolongations": list(mer.prolongations.all()),
            "conges": list(mer.conseiller.conges.filter(structure=mer.structure)),
            "pieces_telechargeables": permissions.is_operateur(request.user)
            or Structure.objects.of_member(request.user).filter(pk=mer.structure_id).exists(),
        },
    )


def _membre(request, pk) -> MiseEnRelation:
    """The recruitment, for members of its structure only (others: 404; prefectures read only)."""
    mer = _visible(request, pk)
    if not Structure.objects.of_member(request.user).filter(pk=mer.structure_id).exists():
        raise Http404("Recrutement introuvable.")
    return mer


def _action(request, pk, *, form_class, call, titre, bouton, succes, files=False):
    mer = _membre(request, pk)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES if files else None)
        if form.is_valid():
            try:
                call(mer, form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, succes)
                return redirect("conseillers:recrutement", mer.pk)
    else:
        form = form_class()
    return render(
        request,
        "conseillers/action.html",
        {"title": titre, "titre": titre, "mer": mer, "form": form, "bouton": bouton, "files": files},
    )


def contrat(request, pk):
    return _action(
        request,
        pk,
        form_class=ContratForm,
        call=lambda mer, data: services.contrat_declarer(mise_en_relation=mer, by=request.user, **data),
        titre="Déclarer le contrat de travail",
        bouton="Déclarer le recrutement",
        succes="Le recrutement est déclaré : il sera validé par l'équipe du dispositif.",
    )


def prolongation(request, pk):
    return _action(
        request,
        pk,
        form_class=ProlongationForm,
        call=lambda mer, data: services.prolongation_demander(mise_en_relation=mer, by=request.user, **data),
        titre="Demander une prolongation de contrat",
        bouton="Demander la prolongation",
        succes="La demande de prolongation est enregistrée.",
    )


def rupture(request, pk):
    return _action(
        request,
        pk,
        form_class=RuptureForm,
        call=lambda mer, data: services.rupture_notifier(mise_en_relation=mer, by=request.user, **data),
        titre="Notifier une fin de contrat",
        bouton="Notifier la fin de contrat",
        succes="La fin de contrat est notifiée : l'équipe du dispositif va la traiter.",
    )


def conge(request, pk):
    return _action(
        request,
        pk,
        form_class=CongeForm,
        call=lambda mer, data: services.conge_declarer(mise_en_relation=mer, by=request.user, **data),
        titre="Déclarer un congé prolongé",
        bouton="Déclarer le congé",
        succes="Le congé est déclaré : aucun CRA n'est attendu pendant cette période.",
        files=True,
    )


def conge_justificatif(request, pk):
    """The supporting document of a declared leave: operators and the structure's members only."""
    conge = get_object_or_404(Conge.objects.select_related("conseiller"), pk=pk)
    autorise = permissions.is_operateur(request.user) or (
        Structure.objects.of_member(request.user).filter(pk=conge.structure_id).exists()
    )
    if not autorise or not conge.justificatif:
        raise Http404("Justificatif introuvable.")
    return serve_private_file(request, conge.justificatif, f"justificatif-conge-{conge.date_debut:%Y-%m-%d}")


def annuler(request, pk):
    mer = _membre(request, pk)
    if request.method == "POST":
        try:
            services.recrutement_annuler(mise_en_relation=mer, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Le recrutement est annulé.")
        return redirect("conseillers:recrutement", mer.pk)
    return render(
        request,
        "conseillers/annuler.html",
        {"title": "Annuler le recrutement", "mer": mer},
    )
