"""Back office of the dispensations (validation, refusal)."""

from __future__ import annotations

from django.contrib import admin

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..models import Dispense
from ._commun import _confirmer


@admin.register(Dispense)
class DispenseAdmin(ConumModelAdmin):
    list_display = ["conseiller", "motif", "statut", "created_at", "validee_par"]
    list_filter = ["statut", "motif"]
    search_fields = ["conseiller__nom", "conseiller__prenom", "conseiller__user__email"]
    list_select_related = ["conseiller", "validee_par"]
    raw_id_fields = ["conseiller"]
    service_owned_fields = ["statut", "validee_par", "validee_le"]
    actions = ["valider", "refuser"]

    @admin.action(description="Valider les dispenses")
    def valider(self, request, queryset):
        if page := _confirmer(
            self, request, queryset, action="valider", titre="Valider ces dispenses ?", bouton="Valider"
        ):
            return page
        for dispense in queryset:
            self.run_service(
                request,
                services.decider_dispense,
                f"{dispense} validée.",
                dispense=dispense,
                acteur=request.user,
                valider=True,
            )
        return None

    @admin.action(description="Refuser les dispenses")
    def refuser(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="refuser",
            titre="Refuser ces dispenses ?",
            bouton="Refuser",
            demande_motif=True,
        ):
            return page
        for dispense in queryset:
            self.run_service(
                request,
                services.decider_dispense,
                f"{dispense} refusée.",
                dispense=dispense,
                acteur=request.user,
                valider=False,
                commentaire=request.POST.get("motif", ""),
            )
        return None
