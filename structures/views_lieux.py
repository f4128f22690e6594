"""Ma structure → Lieux d'activité: list, add, edit, delete (with confirmation).

Readable by whoever may see the structure; editable by its members (and operators)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from conumapp import permissions
from conumapp.services import DomainError

from . import services
from .enums import StructureStatut
from .forms import LieuActiviteForm
from .horaires import est_osm
from .models import LieuActivite, Structure


def _structure(request, pk) -> Structure:
    return get_object_or_404(Structure.objects.visible_to(request.user).select_related("departement"), pk=pk)


def _peut_modifier(user, structure: Structure) -> bool:
    return permissions.is_operateur(user) or services.est_membre(user, structure)


def _structure_modifiable(request, pk) -> Structure:
    structure = _structure(request, pk)
    if not _peut_modifier(request.user, structure):
        raise Http404("Lieux d'activité réservés aux membres de la structure.")
    return structure


def _lieu(structure: Structure, lieu_pk: int) -> LieuActivite:
    return get_object_or_404(structure.lieux_activite.select_related("commune"), pk=lieu_pk)


def lieux(request, pk):
    structure = _structure(request, pk)
    lieux = list(structure.lieux_activite.select_related("commune").order_by("nom", "pk"))
    for lieu in lieux:
        lieu.horaires_osm = est_osm(lieu.horaires)
    return render(
        request,
        "structures/lieux.html",
        {
            "title": "Lieux d'activité",
            "structure": structure,
            "lieux": lieux,
            "peut_modifier": _peut_modifier(request.user, structure),
            "publie": structure.statut == StructureStatut.VALIDATION_COSELEC,
        },
    )


def _formulaire(request, structure, *, lieu=None):
    form = LieuActiviteForm(request.POST or None, instance=lieu)
    if request.method == "POST" and form.is_valid():
        try:
            if lieu is None:
                services.lieu_creer(structure=structure, by=request.user, **form.donnees())
            else:
                services.lieu_modifier(lieu=lieu, by=request.user, **form.donnees())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Le lieu d'activité est enregistré.")
            return redirect("structures:lieux", structure.pk)
    title = "Ajouter un lieu d'activité" if lieu is None else f"Modifier « {lieu.nom} »"
    return render(
        request,
        "structures/lieu_form.html",
        {"title": title, "structure": structure, "form": form, "lieu": lieu},
    )


def lieu_ajouter(request, pk):
    return _formulaire(request, _structure_modifiable(request, pk))


def lieu_modifier(request, pk, lieu_pk):
    structure = _structure_modifiable(request, pk)
    return _formulaire(request, structure, lieu=_lieu(structure, lieu_pk))


def lieu_supprimer(request, pk, lieu_pk):
    structure = _structure_modifiable(request, pk)
    lieu = _lieu(structure, lieu_pk)
    if request.method == "POST":
        try:
            services.lieu_supprimer(lieu=lieu, by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Le lieu « {lieu.nom} » est supprimé.")
        return redirect("structures:lieux", structure.pk)
    return render(
        request,
        "structures/lieu_supprimer.html",
        {"title": "Supprimer un lieu d'activité", "structure": structure, "lieu": lieu},
    )
