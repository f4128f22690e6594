"""Back office of the registrations: eligibility queue, attendance, absences."""

from __future__ import annotations

from django.contrib import admin
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from ..enums import StatutAbsence, StatutInscription
from ..models import Inscription
from ..resources import InscriptionResource
from ._commun import action_confirmee


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

    valider_eligibilite = action_confirmee(
        "valider_eligibilite",
        description="Valider l'éligibilité",
        titre="Valider l'éligibilité de ces inscriptions ?",
        bouton="Valider",
        service="valider_eligibilite",
        succes="{n} inscription(s) déclarée(s) éligible(s).",
    )
    refuser_eligibilite = action_confirmee(
        "refuser_eligibilite",
        description="Refuser l'éligibilité",
        titre="Refuser ces inscriptions ?",
        bouton="Refuser",
        service="refuser_eligibilite",
        succes="{n} inscription(s) refusée(s).",
        demande_motif=True,
    )
    confirmer = action_confirmee(
        "confirmer",
        description="Confirmer la place (organisme de formation)",
        titre="Confirmer ces places ?",
        bouton="Confirmer",
        service="confirmer_inscription",
        succes="{n} place(s) confirmée(s).",
    )
    noter_presents = action_confirmee(
        "noter_presents",
        description="Noter présent (formation suivie)",
        titre="Noter ces conseillers présents ?",
        bouton="Enregistrer",
        service="enregistrer_presence",
        succes="{n} présence(s) enregistrée(s).",
        present=True,
    )
    noter_absents = action_confirmee(
        "noter_absents",
        description="Noter absent",
        titre="Noter ces conseillers absents ?",
        bouton="Enregistrer",
        service="enregistrer_presence",
        succes="{n} absence(s) enregistrée(s).",
        present=False,
    )
    absence_justifiee = action_confirmee(
        "absence_justifiee",
        description="Absence justifiée (justificatif accepté)",
        titre="Accepter ces justificatifs ?",
        bouton="Accepter",
        service="examiner_absence",
        succes="{n} absence(s) justifiée(s).",
        justifiee=True,
    )
    absence_manquement = action_confirmee(
        "absence_manquement", description="Absence non justifiée : manquement",
        titre="Constater un manquement pour ces absences ?", bouton="Constater", service="examiner_absence",
        succes="{n} manquement(s) constaté(s).", justifiee=False,
    )  # fmt: skip
