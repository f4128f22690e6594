"""Back office of the tranche queue: computation shown line by line, payment, suspension."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..enums import TrancheStatut
from ..models import Tranche
from ..resources import TrancheResource
from ._commun import _confirm
from .forms import _MotifForm, _VersementForm


class TrancheStatutFilter(admin.SimpleListFilter):
    title = "file"
    parameter_name = "file"

    def lookups(self, request, model_admin):
        return [("a_verser", "À verser"), ("bloquees", "Bloquées (échues, sans contrat validé)")]

    def queryset(self, request, queryset):
        if self.value() == "a_verser":
            return queryset.a_verser()
        if self.value() == "bloquees":
            return queryset.filter(statut=TrancheStatut.PREVUE).exclude(motif_blocage="")
        return queryset


@admin.register(Tranche)
class TrancheAdmin(ExportMixin, ConumModelAdmin):
    resource_classes = [TrancheResource]
    list_display = (
        "__str__",
        "structure",
        "poste",
        "date_prevue",
        "montant_prevu",
        "montant",
        "statut",
        "date_versement",
        "montant_verse",
        "motif_blocage",
    )
    list_filter = (TrancheStatutFilter, "statut", "convention__phase", "convention__structure__departement")
    search_fields = ("convention__numero", "convention__structure__nom", "convention__structure__siret")
    list_select_related = ("convention__structure", "poste__structure")
    date_hierarchy = "date_prevue"
    actions = ["enregistrer_versement", "suspendre", "reprendre"]
    fields = (
        "convention", "poste", "avenant", "numero", "date_prevue", "periode_debut", "periode_fin", "montant_prevu",
        "montant", "calcul", "motif_blocage", "statut", "due_le", "signalee_le", "date_versement", "montant_verse",
        "motif_suspension",
    )  # fmt: skip
    service_owned_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="structure")
    def structure(self, obj):
        return obj.convention.structure

    @admin.display(description="calcul, ligne par ligne")
    def calcul(self, obj):
        lines = obj.detail_calcul.splitlines() if obj.detail_calcul else services.calcul_tranche(obj)[1]
        blocage = services.motif_blocage(obj) if obj.statut == TrancheStatut.PREVUE else ""
        if blocage:
            lines = [f"Bloquée : {blocage}", *lines]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines)))

    def _bulk(self, request, queryset, *, action, titre, bouton, form_class, run, form_kwargs=None):
        form = form_class(request.POST if request.POST.get("confirm") else None, **(form_kwargs or {}))
        if request.POST.get("confirm") and form.is_valid():
            done = 0
            for tranche in queryset:
                if self.run_service(
                    request,
                    run,
                    **{"tranche": tranche, "by": request.user, **run_kwargs(run, form.cleaned_data)},
                ):
                    done += 1
            self.message_user(
                request, f"{done} tranche(s) traitée(s).", messages.SUCCESS if done else messages.WARNING
            )
            return None
        return _confirm(
            request,
            self,
            titre=titre,
            form=form,
            bouton=bouton,
            objets=queryset,
            ids=queryset.values_list("pk", flat=True),
            action=action,
            retour=reverse("admin:conventions_tranche_changelist"),
        )

    @admin.action(description="Enregistrer le versement des tranches sélectionnées")
    def enregistrer_versement(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            action="enregistrer_versement",
            titre="Enregistrer le versement",
            bouton="Confirmer le versement",
            form_class=_VersementForm,
            run=services.tranche_verser,
            form_kwargs={"nombre_tranches": queryset.count()},
        )

    @admin.action(description="Suspendre les tranches sélectionnées")
    def suspendre(self, request, queryset):
        return self._bulk(
            request,
            queryset,
            action="suspendre",
            titre="Suspendre des tranches",
            bouton="Confirmer la suspension",
            form_class=_MotifForm,
            run=services.tranche_suspendre,
        )

    @admin.action(description="Lever la suspension des tranches sélectionnées")
    def reprendre(self, request, queryset):
        for tranche in queryset:
            self.run_service(request, services.tranche_reprendre, tranche=tranche, by=request.user)
        self.message_user(request, "Suspension levée.", messages.SUCCESS)


def run_kwargs(run, data) -> dict:
    if run is services.tranche_verser:
        return {"date_versement": data["date"], "montant": data.get("montant")}
    if run is services.tranche_suspendre:
        return {"motif": data["motif"]}
    return {}
