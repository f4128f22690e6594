"""Back office of renewals (reconventionnements): validation."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..models import Reconventionnement, ReconventionnementConseiller
from ._commun import _confirm


class LigneInline(admin.TabularInline):
    model = ReconventionnementConseiller
    extra = 0
    can_delete = False
    fields = (
        "conseiller_nom",
        "type_contrat",
        "date_debut",
        "date_fin",
        "mise_en_relation_id",
        "nouvelle_mise_en_relation_id",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Reconventionnement)
class ReconventionnementAdmin(ConumModelAdmin):
    list_display = ("convention", "statut", "ds_numero", "nombre_postes", "initie_le", "valide_le")
    list_filter = ("statut",)
    search_fields = (
        "convention__numero",
        "convention__structure__nom",
        "convention__structure__siret",
        "ds_numero",
    )
    list_select_related = ("convention__structure",)
    inlines = [LigneInline]
    actions = ["valider"]
    service_owned_fields = (
        "convention", "statut", "ds_numero", "motif_non_interesse", "nombre_postes", "initie_par", "initie_le",
        "valide_par", "valide_le",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.action(description="Valider les reconventionnements sélectionnés")
    def valider(self, request, queryset):
        if not request.POST.get("confirm"):
            return _confirm(
                request,
                self,
                titre="Valider des reconventionnements",
                form=None,
                bouton="Confirmer la validation",
                objets=queryset,
                ids=queryset.values_list("pk", flat=True),
                action="valider",
                retour=reverse("admin:conventions_reconventionnement_changelist"),
            )
        for reconv in queryset:
            self.run_service(
                request,
                services.reconventionnement_valider,
                reconventionnement=reconv,
                by=request.user,
                success_message=f"Reconventionnement validé : {reconv.convention}.",
            )
        return None
