"""Back office of the sessions (confirmation, cancellation) and their registrations inline."""

from __future__ import annotations

from django.contrib import admin

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..models import Inscription, Session
from ._commun import _confirmer


class InscriptionInline(admin.TabularInline):
    model = Inscription
    fields = ["conseiller", "structure", "statut", "financee", "absence_statut"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("conseiller", "structure")


@admin.register(Session)
class SessionAdmin(ConumModelAdmin):
    list_display = [
        "module",
        "date_debut",
        "region",
        "organisme",
        "statut",
        "inscrits",
        "capacite",
        "minimum_inscrits",
    ]
    list_filter = ["statut", "region", "organisme", "module"]
    search_fields = ["module__nom", "lieu"]
    date_hierarchy = "date_debut"
    list_select_related = ["module", "region", "organisme"]
    inlines = [InscriptionInline]
    actions = ["confirmer_sessions", "annuler_sessions"]
    service_owned_fields = ["statut", "motif_annulation"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_inscrits()

    @admin.display(description="inscrits", ordering="nb_inscrits")
    def inscrits(self, obj):
        return obj.nb_inscrits

    @admin.action(description="Confirmer les sessions sélectionnées")
    def confirmer_sessions(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="confirmer_sessions",
            titre="Confirmer ces sessions ?",
            bouton="Confirmer",
        ):
            return page
        for session in queryset:
            self.run_service(
                request,
                services.confirmer_session,
                f"Session « {session} » confirmée.",
                session=session,
                acteur=request.user,
            )
        return None

    @admin.action(description="Annuler les sessions sélectionnées")
    def annuler_sessions(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="annuler_sessions",
            titre="Annuler ces sessions ?",
            bouton="Annuler les sessions",
            demande_motif=True,
        ):
            return page
        motif = request.POST.get("motif", "").strip() or "Annulée par l'opérateur."
        for session in queryset:
            self.run_service(
                request,
                services.annuler_session,
                f"Session « {session} » annulée.",
                session=session,
                acteur=request.user,
                motif=motif,
            )
        return None
