"""Training back office: catalogue, sessions, eligibility queue, dispensations, absences, follow-up."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Min, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from . import eligibilite, imports, services
from .enums import StatutAbsence, StatutInscription
from .models import (
    Certification,
    Dispense,
    FormationInitiale,
    Inscription,
    ModuleThematique,
    OrganismeFormation,
    Session,
    StructureFormation,
    SuiviFormation,
)
from .resources import InscriptionResource, SuiviFormationResource


def _confirmer(modeladmin, request, queryset, *, action, titre, bouton, demande_motif=False):
    """Return None when confirmed (POST with ``confirm``), else the confirmation page."""
    if request.POST.get("confirm"):
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": titre,
        "titre": titre,
        "objets": [str(obj) for obj in queryset],
        "ids": [obj.pk for obj in queryset],
        "action": action,
        "bouton": bouton,
        "demande_motif": demande_motif,
        "retour": request.get_full_path(),
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "formation/admin/confirmation.html", context)


def _appliquer(modeladmin, request, queryset, func, succes, **kwargs):
    faits = sum(
        bool(modeladmin.run_service(request, func, inscription=obj, acteur=request.user, **kwargs))
        for obj in queryset
    )
    if faits:
        modeladmin.message_user(request, succes.format(n=faits), messages.SUCCESS)


@admin.register(OrganismeFormation)
class OrganismeFormationAdmin(ConumModelAdmin):
    list_display = ["nom", "outre_mer", "actif"]
    list_filter = ["outre_mer", "actif"]
    search_fields = ["nom"]
    filter_horizontal = ["regions"]


@admin.register(ModuleThematique)
class ModuleThematiqueAdmin(ConumModelAdmin):
    list_display = ["nom", "type", "duree_heures", "prerequis_aidants_connect", "actif", "ordre"]
    list_filter = ["type", "actif"]
    list_editable = ["actif", "ordre"]
    search_fields = ["nom"]


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


@admin.register(FormationInitiale)
class FormationInitialeAdmin(ConumModelAdmin):
    list_display = ["conseiller", "parcours", "organisme", "date_entree", "date_sortie", "financee"]
    list_filter = ["parcours", "organisme", "financee"]
    search_fields = ["conseiller__nom", "conseiller__prenom", "conseiller__user__email"]
    list_select_related = ["conseiller", "organisme"]
    raw_id_fields = ["conseiller", "mise_en_relation"]
    service_owned_fields = ["financee"]

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="formation_formationinitiale_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        context = {**self.admin_site.each_context(request), "title": "Importer les résultats de formation",
                   "opts": self.model._meta, "rapport": None, "contenu": ""}  # fmt: skip
        if request.method == "POST":
            if "confirmer" in request.POST:
                rapport = imports.importer(request.POST.get("contenu", ""), dry_run=False)
                if rapport.applique:
                    self.message_user(
                        request, f"{len(rapport.lignes)} ligne(s) importée(s).", messages.SUCCESS
                    )
                context["rapport"] = rapport
            elif fichier := request.FILES.get("fichier"):
                contenu = fichier.read()
                context["rapport"] = imports.importer(contenu, dry_run=True)
                context["contenu"] = contenu.decode("utf-8-sig", errors="replace")
        return TemplateResponse(request, "formation/admin/import.html", context)


@admin.register(Certification)
class CertificationAdmin(ConumModelAdmin):
    list_display = ["conseiller", "type", "statut", "date_convocation", "date_resultat"]
    list_filter = ["type", "statut"]
    search_fields = ["conseiller__nom", "conseiller__prenom", "conseiller__user__email"]
    list_select_related = ["conseiller"]
    raw_id_fields = ["conseiller"]


@admin.register(StructureFormation)
class StructureFormationAdmin(ConumModelAdmin):
    list_display = ["structure", "habilitation_aidants_connect", "date_habilitation_aidants_connect"]
    list_filter = ["habilitation_aidants_connect"]
    search_fields = ["structure__nom", "structure__siret"]
    list_select_related = ["structure"]
    raw_id_fields = ["structure"]


@admin.register(SuiviFormation)
class SuiviFormationAdmin(ExportMixin, ConumModelAdmin):
    """Obligation tracking, filterable by région / département / structure."""

    resource_classes = [SuiviFormationResource]
    list_display = ["__str__", "email_conseiller", "modules_annee", "obligation_annee", "manquements"]
    list_filter = [
        "mises_en_relation__structure__region",
        "mises_en_relation__structure__departement",
    ]
    search_fields = [
        "nom",
        "prenom",
        "user__email",
        "mises_en_relation__structure__nom",
        "mises_en_relation__structure__siret",
    ]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        annee = timezone.localdate().year
        return (
            super()
            .get_queryset(request)
            .filter(mises_en_relation__isnull=False)
            .distinct()
            .annotate(
                nb_suivis=Count(
                    "inscriptions_formation",
                    filter=Q(
                        inscriptions_formation__annee=annee,
                        inscriptions_formation__statut=StatutInscription.SUIVIE,
                    ),
                    distinct=True,
                ),
                nb_manquements=Count(
                    "inscriptions_formation",
                    filter=Q(inscriptions_formation__absence_statut=StatutAbsence.MANQUEMENT),
                    distinct=True,
                ),
                premiere_entree=Min("formations_initiales__date_entree"),
            )
        )

    @admin.display(description="courriel")
    def email_conseiller(self, obj):
        return obj.user.email

    @admin.display(description="modules suivis cette année", ordering="nb_suivis")
    def modules_annee(self, obj):
        return obj.nb_suivis

    @admin.display(description="obligation de l'année")
    def obligation_annee(self, obj):
        annee = timezone.localdate().year
        entree = obj.premiere_entree
        requis = (
            2
            if entree and entree.year >= eligibilite.PREMIERE_ANNEE_DOUBLE_DEPUIS and entree.year == annee
            else 1
        )
        return "Remplie" if obj.nb_suivis >= requis else "En attente"

    @admin.display(description="manquements", ordering="nb_manquements")
    def manquements(self, obj):
        return obj.nb_manquements
