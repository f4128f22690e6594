"""Back office of the registrations: eligibility queue, attendance, absences."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..enums import StatutAbsence, StatutInscription
from ..models import Inscription
from ..resources import InscriptionResource
from ._commun import _appliquer, _confirmer


class AFaireFilter(admin.SimpleListFilter):
    title = "à traiter"
    parameter_name = "a_traiter"

    def lookups(self, request, model_admin):
        return [
            ("eligibilite", "Éligibilité à valider"),
            ("absences", "Absences à examiner"),
            ("manquements", "Manquements (absences non justifiées)"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "eligibilite":
            return queryset.filter(statut=StatutInscription.DEMANDEE)
        if self.value() == "absences":
            return queryset.filter(
                statut=StatutInscription.ABSENT,
                absence_statut__in=[StatutAbsence.A_JUSTIFIER, StatutAbsence.JUSTIFICATIF_ENVOYE],
            )
        if self.value() == "manquements":
            return queryset.manquements()
        return queryset


@admin.register(Inscription)
class InscriptionAdmin(ExportMixin, ConumModelAdmin):
    resource_classes = [InscriptionResource]
    list_display = [
        "conseiller",
        "session",
        "structure",
        "statut",
        "financee",
        "absence_statut",
        "created_at",
    ]
    list_filter = [
        AFaireFilter,
        "statut",
        "absence_statut",
        "financee",
        "annee",
        "session__region",
        "session__module",
    ]
    search_fields = ["conseiller__nom", "conseiller__prenom", "conseiller__user__email", "structure__nom"]
    list_select_related = ["conseiller", "session__module", "session__region", "structure"]
    raw_id_fields = ["session", "conseiller", "structure", "demandee_par", "decidee_par"]
    service_owned_fields = ["statut", "financee", "absence_statut", "decidee_par", "motif_refus"]
    actions = [
        "valider_eligibilite", "refuser_eligibilite", "confirmer", "noter_presents", "noter_absents",
        "absence_justifiee", "absence_manquement",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # registrations go through the eligibility rules (service)

    @admin.action(description="Valider l'éligibilité")
    def valider_eligibilite(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="valider_eligibilite",
            titre="Valider l'éligibilité de ces inscriptions ?",
            bouton="Valider",
        ):
            return page
        _appliquer(
            self,
            request,
            queryset,
            services.valider_eligibilite,
            "{n} inscription(s) déclarée(s) éligible(s).",
        )
        return None

    @admin.action(description="Refuser l'éligibilité")
    def refuser_eligibilite(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="refuser_eligibilite",
            titre="Refuser ces inscriptions ?",
            bouton="Refuser",
            demande_motif=True,
        ):
            return page
        _appliquer(
            self,
            request,
            queryset,
            services.refuser_eligibilite,
            "{n} inscription(s) refusée(s).",
            motif=request.POST.get("motif", ""),
        )
        return None

    @admin.action(description="Confirmer la place (organisme de formation)")
    def confirmer(self, request, queryset):
        if page := _confirmer(
            self, request, queryset, action="confirmer", titre="Confirmer ces places ?", bouton="Confirmer"
        ):
            return page
        _appliquer(self, request, queryset, services.confirmer_inscription, "{n} place(s) confirmée(s).")
        return None

    @admin.action(description="Noter présent (formation suivie)")
    def noter_presents(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="noter_presents",
            titre="Noter ces conseillers présents ?",
            bouton="Enregistrer",
        ):
            return page
        _appliquer(
            self,
            request,
            queryset,
            services.enregistrer_presence,
            "{n} présence(s) enregistrée(s).",
            present=True,
        )
        return None

    @admin.action(description="Noter absent")
    def noter_absents(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="noter_absents",
            titre="Noter ces conseillers absents ?",
            bouton="Enregistrer",
        ):
            return page
        _appliquer(
            self,
            request,
            queryset,
            services.enregistrer_presence,
            "{n} absence(s) enregistrée(s).",
            present=False,
        )
        return None

    @admin.action(description="Absence justifiée (justificatif accepté)")
    def absence_justifiee(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="absence_justifiee",
            titre="Accepter ces justificatifs ?",
            bouton="Accepter",
        ):
            return page
        _appliquer(
            self, request, queryset, services.examiner_absence, "{n} absence(s) justifiée(s).", justifiee=True
        )
        return None

    @admin.action(description="Absence non justifiée : manquement")
    def absence_manquement(self, request, queryset):
        if page := _confirmer(
            self,
            request,
            queryset,
            action="absence_manquement",
            titre="Constater un manquement pour ces absences ?",
            bouton="Constater",
        ):
            return page
        _appliquer(
            self,
            request,
            queryset,
            services.examiner_absence,
            "{n} manquement(s) constaté(s).",
            justifiee=False,
        )
        return None
