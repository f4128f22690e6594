"""Back office: candidates, advisors, recruitments; queues "Recrutements à valider",
"Prolongations à valider", "Ruptures à traiter" whose actions call the services after a
confirmation page; exports of advisors and ruptures; candidate import (dry-run first)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ExportMixin, ImportExportMixin

from conumapp.admin_base import ConumModelAdmin
from conumapp.files import SafeImportForm
from conumapp.import_formats import FrenchCsvImportMixin
from conumapp.models import User

from . import services
from .enums import MiseEnRelationStatut as S
from .enums import ProlongationStatut
from .models import (
    Candidat,
    Conge,
    Conseiller,
    Coordination,
    MiseEnRelation,
    ParametreSalaire,
    Prolongation,
    ProlongationAValider,
    RecrutementAValider,
    RuptureATraiter,
    compte_conseillers,
)
from .resources import CandidatImportResource, ConseillerResource, MiseEnRelationResource, RuptureResource


def _confirm(request, admin_obj, *, titre, bouton, queryset, action, form=None):
    context = {
        **admin_obj.admin_site.each_context(request),
        "title": titre,
        "titre": titre,
        "form": form,
        "bouton": bouton,
        "retour": reverse(f"admin:{admin_obj.opts.app_label}_{admin_obj.opts.model_name}_changelist"),
        "objets": list(queryset),
        "ids": list(queryset.values_list("pk", flat=True)),
        "action": action,
        "opts": admin_obj.model._meta,
    }
    return TemplateResponse(request, "conseillers/admin/confirmation.html", context)


class CoordinateurFilter(admin.SimpleListFilter):
    """Coordinated or not, or coordinated by one given coordinator (those who coordinate someone)."""

    title = "coordination"
    parameter_name = "coordonne"
    #: Path from the listed model to the advisor ("" on advisors, "conseiller__" on recruitments).
    chemin = ""

    def lookups(self, request, model_admin):
        coordinateurs = (
            User.objects.filter(coordinations__isnull=False)
            .distinct()
            .order_by("last_name", "first_name", "email")
            .only("pk", "first_name", "last_name", "email")
        )
        return [
            ("oui", "Coordonné"),
            ("non", "Sans coordinateur"),
            *(
                (str(user.pk), f"Coordonné par {user.get_full_name() or user.email}")
                for user in coordinateurs
            ),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        coordinations = f"{self.chemin}coordinations"
        if value == "oui":
            return queryset.filter(**{f"{coordinations}__isnull": False}).distinct()
        if value == "non":
            return queryset.filter(**{f"{coordinations}__isnull": True})
        if value.isascii() and value.isdigit() and len(value) <= 18:  # "²" is a digit for isdigit()
            return queryset.filter(**{f"{coordinations}__coordinateur_id": int(value)}).distinct()
        raise IncorrectLookupParameters("Coordinateur inconnu.")


class CoordinateurMiseEnRelationFilter(CoordinateurFilter):
    chemin = "conseiller__"


@admin.register(Conseiller)
class ConseillerAdmin(ExportMixin, ConumModelAdmin):
    """Advisors (recruited at least once); candidates have their own list."""

    resource_classes = [ConseillerResource]
    list_display = ("nom", "prenom", "email", "departement", "statut", "disponible")
    list_filter = (
        "statut",
        ("departement", admin.RelatedOnlyFieldListFilter),
        "departement__region",
        "mises_en_relation__type_contrat",
        "mises_en_relation__statut",
        CoordinateurFilter,
        ("mises_en_relation__structure", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("nom", "prenom", "user__email", "code_postal", "legacy_id")
    list_select_related = ("user", "departement")
    raw_id_fields = ("user", "commune")
    service_owned_fields = ("statut", "latitude", "longitude", "departement", "commune", "cv", "cv_nom")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(statut="")

    @admin.display(description="email", ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def has_add_permission(self, request):
        return False


@admin.register(Candidat)
class CandidatAdmin(FrenchCsvImportMixin, ImportExportMixin, ConumModelAdmin):
    resource_classes = [CandidatImportResource]
    import_form_class = SafeImportForm  # size and zip-bomb checks before the file is parsed
    list_display = (
        "nom",
        "prenom",
        "email",
        "departement",
        "code_postal",
        "disponible",
        "distance_max",
        "created_at",
    )
    list_filter = (
        "disponible",
        ("departement", admin.RelatedOnlyFieldListFilter),
        "departement__region",
        "situation",
        "diplome_mediation",
        "ccp1_obtenu",
    )
    search_fields = ("nom", "prenom", "user__email", "code_postal")
    list_select_related = ("user", "departement")
    raw_id_fields = ("user", "commune")
    service_owned_fields = ("statut", "latitude", "longitude", "departement", "commune", "cv", "cv_nom")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(statut="")

    @admin.display(description="email", ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def has_add_permission(self, request):
        return False


MER_LIST = ("conseiller", "structure", "statut", "type_contrat", "date_debut", "date_fin", "date_rupture")


@admin.register(MiseEnRelation)
class MiseEnRelationAdmin(ExportMixin, ConumModelAdmin):
    resource_classes = [MiseEnRelationResource, RuptureResource]
    list_display = MER_LIST
    list_filter = (
        "statut",
        "type_contrat",
        "dossier_incomplet",
        "motif_rupture",
        ("structure__departement", admin.RelatedOnlyFieldListFilter),
        "structure__region",
        ("structure", admin.RelatedOnlyFieldListFilter),
        CoordinateurMiseEnRelationFilter,
    )
    search_fields = (
        "conseiller__nom",
        "conseiller__prenom",
        "conseiller__user__email",
        "structure__nom",
        "structure__siret",
    )
    list_select_related = ("conseiller", "structure")
    raw_id_fields = ("conseiller", "structure", "poste", "renouvelle")
    service_owned_fields = (
        "conseiller", "structure", "poste", "statut", "type_contrat", "date_debut", "date_fin", "salaire_brut",
        "date_rupture", "motif_rupture", "commentaire_rupture", "dossier_incomplet", "pieces_manquantes",
        "renouvelle", "validated_by", "validated_at", "rupture_validated_by", "rupture_validated_at",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False


class _QueueAdmin(ConumModelAdmin):
    list_display = MER_LIST
    list_select_related = ("conseiller", "structure")
    search_fields = ("conseiller__nom", "conseiller__prenom", "structure__nom", "structure__siret")
    list_filter = (("structure__departement", admin.RelatedOnlyFieldListFilter), "type_contrat")
    readonly_fields = MiseEnRelationAdmin.service_owned_fields
    fields = MiseEnRelationAdmin.service_owned_fields
    statut = ""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(statut=self.statut)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _run_all(self, request, queryset, func, success, **kwargs):
        for obj in queryset:
            self.run_service(
                request, func, mise_en_relation=obj, by=request.user, success_message=success(obj), **kwargs
            )


@admin.register(RecrutementAValider)
class RecrutementAValiderAdmin(_QueueAdmin):
    statut = S.RECRUTEE
    list_display = (*MER_LIST[:-1], "salaire_brut", "quota")
    actions = ["valider", "annuler"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(occupants=compte_conseillers("structure__mises_en_relation__", S.en_poste()))
        )

    @admin.display(description="postes pourvus / accordés")
    def quota(self, obj):
        return f"{obj.occupants} / {obj.structure.nombre_postes_accordes}"

    @admin.action(description="Valider les recrutements sélectionnés")
    def valider(self, request, queryset):
        if not request.POST.get("confirm"):
            return _confirm(
                request,
                self,
                titre="Valider des recrutements",
                bouton="Confirmer la validation",
                queryset=queryset,
                action="valider",
            )
        self._run_all(
            request, queryset, services.recrutement_valider, lambda m: f"Recrutement validé : {m.conseiller}."
        )
        return None

    @admin.action(description="Annuler les recrutements sélectionnés")
    def annuler(self, request, queryset):
        if not request.POST.get("confirm"):
            return _confirm(
                request,
                self,
                titre="Annuler des recrutements",
                bouton="Confirmer l'annulation",
                queryset=queryset,
                action="annuler",
            )
        self._run_all(
            request, queryset, services.recrutement_annuler, lambda m: f"Recrutement annulé : {m.conseiller}."
        )
        return None


class _PiecesForm(forms.Form):
    pieces_manquantes = forms.CharField(
        label="Pièces manquantes", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


@admin.register(RuptureATraiter)
class RuptureATraiterAdmin(ExportMixin, _QueueAdmin):
    resource_classes = [RuptureResource]
    statut = S.NOUVELLE_RUPTURE
    list_display = (
        "conseiller",
        "structure",
        "date_rupture",
        "motif_rupture",
        "dossier_incomplet",
        "pieces_manquantes",
    )
    list_filter = (
        "dossier_incomplet",
        "motif_rupture",
        ("structure__departement", admin.RelatedOnlyFieldListFilter),
    )
    actions = ["valider", "pieces_manquantes"]

    @admin.action(description="Valider les ruptures sélectionnées")
    def valider(self, request, queryset):
        if not request.POST.get("confirm"):
            return _confirm(
                request,
                self,
                titre="Valider des fins de contrat",
                bouton="Confirmer la validation",
                queryset=queryset,
                action="valider",
            )
        self._run_all(
            request, queryset, services.rupture_valider, lambda m: f"Rupture validée : {m.conseiller}."
        )
        return None

    @admin.action(description="Signaler des pièces manquantes")
    def pieces_manquantes(self, request, queryset):
        form = _PiecesForm(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            self._run_all(
                request,
                queryset,
                services.rupture_dossier_incomplet,
                lambda m: f"Dossier signalé incomplet : {m.conseiller}.",
                pieces_manquantes=form.cleaned_data["pieces_manquantes"],
            )
            return None
        return _confirm(
            request,
            self,
            titre="Signaler des pièces manquantes",
            bouton="Signaler",
            queryset=queryset,
            action="pieces_manquantes",
            form=form,
        )


PROLONGATION_FIELDS = (
    "mise_en_relation",
    "date_fin",
    "salaire_brut",
    "statut",
    "demandee_par",
    "created_at",
    "validee_par",
    "validee_le",
)


@admin.register(Prolongation)
class ProlongationAdmin(ConumModelAdmin):
    list_display = ("mise_en_relation", "date_fin", "salaire_brut", "statut", "created_at")
    list_filter = ("statut",)
    list_select_related = ("mise_en_relation__conseiller", "mise_en_relation__structure")
    search_fields = ("mise_en_relation__conseiller__nom", "mise_en_relation__structure__nom")
    readonly_fields = PROLONGATION_FIELDS
    fields = PROLONGATION_FIELDS

    def has_add_permission(self, request):
        return False


@admin.register(ProlongationAValider)
class ProlongationAValiderAdmin(ProlongationAdmin):
    actions = ["valider"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(statut=ProlongationStatut.INITIEE)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Valider les prolongations sélectionnées")
    def valider(self, request, queryset):
        if not request.POST.get("confirm"):
            return _confirm(
                request,
                self,
                titre="Valider des prolongations",
                bouton="Confirmer la validation",
                queryset=queryset,
                action="valider",
            )
        for prolongation in queryset:
            self.run_service(
                request,
                services.prolongation_valider,
                prolongation=prolongation,
                by=request.user,
                success_message=f"Prolongation validée : {prolongation}.",
            )
        return None


@admin.register(Conge)
class CongeAdmin(ConumModelAdmin):
    list_display = ("conseiller", "structure", "type", "date_debut", "date_fin", "declare_par", "piece")
    list_filter = ("type", ("structure__departement", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("conseiller", "structure", "declare_par")
    search_fields = ("conseiller__nom", "conseiller__prenom", "structure__nom")
    fields = (
        "conseiller",
        "structure",
        "type",
        "date_debut",
        "date_fin",
        "piece",
        "declare_par",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="justificatif")
    def piece(self, obj):
        """A download link served by ``conseillers:conge_justificatif`` (permission checked there)."""
        if not obj.justificatif:
            return "—"
        return format_html(
            '<a href="{}" download>Télécharger le justificatif</a>',
            reverse("conseillers:conge_justificatif", args=[obj.pk]),
        )


@admin.register(ParametreSalaire)
class ParametreSalaireAdmin(ConumModelAdmin):
    """Each change of the SMIC is a new row (history kept); the latest effective one applies."""

    list_display = ("smic_brut_mensuel", "date_effet", "commentaire", "created_by", "created_at")
    list_select_related = ("created_by",)
    fields = ("smic_brut_mensuel", "date_effet", "commentaire")
    readonly_fields = ("created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # recorded values are never edited: add a new one instead
            return (*self.fields, *self.readonly_fields)
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Coordination)
class CoordinationAdmin(ConumModelAdmin):
    list_display = ("coordinateur", "conseiller", "created_at")
    list_select_related = ("coordinateur", "conseiller")
    search_fields = ("coordinateur__email", "conseiller__nom")
    raw_id_fields = ("coordinateur", "conseiller")
