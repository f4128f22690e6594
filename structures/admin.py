"""Back office: structures, decisions (admin actions calling services), posts, requests, import/export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from import_export.admin import ImportExportMixin

from conumapp.admin_base import ConumModelAdmin
from conumapp.files import SafeImportForm
from conumapp.import_formats import FrenchCsvImportMixin
from conumapp.services import DomainError

from . import enums, services
from .enums import DemandePosteStatut
from .forms import DecisionForm, DemandeDecisionForm, TransfertForm
from .models import (
    AvisPrefet,
    Coselec,
    DecisionCoselec,
    DemandePoste,
    Invitation,
    LieuActivite,
    Membre,
    Poste,
    Structure,
    TransfertPoste,
)
from .resources import StructureExportResource, StructureImportResource


def _confirm(request, model_admin, *, titre, form, bouton, objets, action, retour, notes=()):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": titre,
        "titre": titre,
        "form": form,
        "bouton": bouton,
        "objets": list(objets),
        "ids": [obj.pk for obj in objets],
        "action": action,
        "retour": retour,
        "notes": list(notes),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "structures/admin/confirmation.html", context)


class DemandeEnCoursFilter(admin.SimpleListFilter):
    title = "demande en cours"
    parameter_name = "demande_en_cours"

    def lookups(self, request, model_admin):
        return [("oui", "Oui"), ("non", "Non")]

    def queryset(self, request, queryset):
        pending = DemandePoste.objects.filter(structure=OuterRef("pk"), statut=DemandePosteStatut.EN_COURS)
        if self.value() == "oui":
            return queryset.filter(Exists(pending))
        if self.value() == "non":
            return queryset.exclude(Exists(pending))
        return queryset


class PosteInline(admin.TabularInline):
    model = Poste
    fields = ("type", "etat", "vacant_depuis", "rendu_le")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DecisionInline(admin.TabularInline):
    model = DecisionCoselec
    fk_name = "structure"
    fields = ("created_at", "coselec", "type", "nombre_postes", "avis", "operateur")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AvisInline(admin.TabularInline):
    model = AvisPrefet
    fields = ("created_at", "avis", "commentaire", "auteur", "demande")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MembreInline(admin.TabularInline):
    model = Membre
    fields = ("user", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(FrenchCsvImportMixin, ImportExportMixin, ConumModelAdmin):
    resource_classes = [StructureImportResource, StructureExportResource]
    import_form_class = SafeImportForm  # size and zip-bomb checks before the file is parsed
    list_display = (
        "nom", "siret", "type", "statut", "departement", "nombre_postes_accordes", "grand_reseau", "created_at",
    )  # fmt: skip
    list_select_related = ("departement",)
    list_filter = (
        "statut", "type", "region", "departement", "grand_reseau", "zrr", "qpv", DemandeEnCoursFilter,
    )  # fmt: skip
    search_fields = ("nom", "siret", "=decisions__coselec__numero")
    service_owned_fields = ("statut", "nombre_postes_accordes", "created_at")
    readonly_fields = ("identifiant",)
    autocomplete_fields = ("departement", "region")
    raw_id_fields = ("commune",)
    inlines = [DecisionInline, AvisInline, PosteInline, MembreInline]
    actions = ["decider", "marquer_doublon"]
    date_hierarchy = "created_at"

    def get_import_resource_classes(self, request):
        return [StructureImportResource]

    def get_export_resource_classes(self, request):
        return [StructureExportResource]

    def get_export_context_data(self, **kwargs):
        # django-import-export's export page reads ``export_url``, only set on some paths:
        # an empty action posts the form back to the same URL.
        return {"export_url": "", **super().get_export_context_data(**kwargs)}

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if term and not term.isdigit():
            # the committee number is numeric: search by name and SIRET only
            qs = queryset.filter(nom__icontains=term) | queryset.filter(siret__startswith=term)
            return qs, False
        return super().get_search_results(request, queryset, search_term)

    @admin.action(description="Décision du comité de sélection (COSELEC) pour les structures sélectionnées")
    def decider(self, request, queryset):
        structures = list(queryset.order_by("pk"))
        form = DecisionForm(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            data = form.cleaned_data
            kwargs = {
                "by": request.user,
                "numero": data["numero"],
                "type": data["type"],
                "nombre_postes": data["nombre_postes"] or 0,
                "avis": data["avis"],
                "statut_si_zero": data["statut_si_zero"],
            }
            if len(structures) == 1:
                ok = self.run_service(request, services.coselec_decider, structure=structures[0], **kwargs)
            else:
                ok = self.run_service(
                    request, services.coselec_decider_en_masse, structures=structures, **kwargs
                )
            if ok:
                self.message_user(
                    request, f"Décision enregistrée pour {len(structures)} structure(s).", messages.SUCCESS
                )
            return None
        return _confirm(
            request,
            self,
            titre="Décision du comité de sélection",
            form=form,
            bouton="Confirmer la décision",
            objets=structures,
            action="decider",
            retour=reverse("admin:structures_structure_changelist"),
            notes=[
                "La même décision s'applique à toutes les structures sélectionnées, dans le même comité.",
                "Une validation crée les postes accordés (vacants) ; un quota plus bas rend des postes vacants, "
                "jamais en dessous des postes occupés ; un quota à 0 passe la structure en « Abandonnée » ou "
                "« Annulée ».",
            ],
        )

    @admin.action(description="Marquer comme doublon")
    def marquer_doublon(self, request, queryset):
        structures = list(queryset.order_by("pk"))
        if request.POST.get("confirm"):
            done = sum(
                self.run_service(request, services.marquer_doublon, structure=s, by=request.user)
                for s in structures
            )
            self.message_user(request, f"{done} structure(s) marquée(s) comme doublon.", messages.SUCCESS)
            return None
        return _confirm(
            request,
            self,
            titre="Marquer comme doublon",
            form=None,
            bouton="Confirmer",
            objets=structures,
            action="marquer_doublon",
            retour=reverse("admin:structures_structure_changelist"),
        )


@admin.register(Poste)
class PosteAdmin(ConumModelAdmin):
    list_display = ("pk", "structure", "type", "etat", "vacant_depuis", "rendu_le")
    list_select_related = ("structure",)
    list_filter = ("etat", "type", "structure__departement")
    search_fields = ("structure__nom", "structure__siret")
    service_owned_fields = ("structure", "etat", "vacant_depuis", "rendu_le")
    actions = ["transferer"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Transférer le poste vers une autre structure")
    def transferer(self, request, queryset):
        postes = list(queryset.select_related("structure"))
        if len(postes) != 1:
            self.message_user(request, "Sélectionnez un seul poste à transférer.", messages.ERROR)
            return None
        poste = postes[0]
        form = TransfertForm(request.POST if request.POST.get("confirm") else None)
        form.fields["vers"].queryset = form.fields["vers"].queryset.exclude(pk=poste.structure_id)
        if request.POST.get("confirm") and form.is_valid():
            if self.run_service(
                request, services.poste_transferer, poste=poste, by=request.user, **form.cleaned_data
            ):
                self.message_user(request, "Poste transféré.", messages.SUCCESS)
            return None
        return _confirm(
            request,
            self,
            titre="Transférer un poste",
            form=form,
            bouton="Confirmer le transfert",
            objets=postes,
            action="transferer",
            retour=reverse("admin:structures_poste_changelist"),
            notes=["Le transfert se fait dans le même département, sauf exception motivée."],
        )


@admin.register(DemandePoste)
class DemandePosteAdmin(ConumModelAdmin):
    list_display = ("structure", "type", "nombre", "motif", "statut", "avis_prefecture", "created_at")
    list_select_related = ("structure",)
    list_filter = ("statut", "type", "structure__departement")
    search_fields = ("structure__nom", "structure__siret")
    service_owned_fields = ("statut", "decided_by", "decided_at", "commentaire_decision")
    readonly_fields = ("structure", "type", "nombre", "motif", "created_by", "created_at")
    actions = ["accepter", "refuser"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(a_avis=Exists(AvisPrefet.objects.filter(demande=OuterRef("pk"))))
        )

    @admin.display(description="avis préfecture", boolean=True)
    def avis_prefecture(self, obj):
        return obj.a_avis

    def _decide(self, request, queryset, *, accepter: bool, action: str):
        demandes = list(queryset.select_related("structure"))
        form = DemandeDecisionForm(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            done = 0
            for demande in demandes:
                try:
                    services.demande_decider(
                        demande=demande, by=request.user, accepter=accepter, **form.cleaned_data
                    )
                except DomainError as error:
                    self.message_user(request, f"{demande.structure.nom} : {error.message}", messages.ERROR)
                else:
                    done += 1
            self.message_user(
                request, f"{done} demande(s) traitée(s).", messages.SUCCESS if done else messages.WARNING
            )
            return None
        return _confirm(
            request,
            self,
            titre="Accepter les demandes" if accepter else "Refuser les demandes",
            form=form,
            bouton="Confirmer",
            objets=demandes,
            action=action,
            retour=reverse("admin:structures_demandeposte_changelist"),
        )

    @admin.action(description="Accepter les demandes sélectionnées")
    def accepter(self, request, queryset):
        return self._decide(request, queryset, accepter=True, action="accepter")

    @admin.action(description="Refuser les demandes sélectionnées")
    def refuser(self, request, queryset):
        return self._decide(request, queryset, accepter=False, action="refuser")


@admin.register(Coselec)
class CoselecAdmin(ConumModelAdmin):
    list_display = ("numero", "date")
    search_fields = ("=numero",)


@admin.register(DecisionCoselec)
class DecisionCoselecAdmin(ConumModelAdmin):
    list_display = ("structure", "coselec", "type", "nombre_postes", "operateur", "created_at")
    list_select_related = ("structure", "coselec", "operateur")
    list_filter = ("type", "coselec")
    search_fields = ("structure__nom", "structure__siret")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TransfertPoste)
class TransfertPosteAdmin(ConumModelAdmin):
    list_display = ("poste", "depuis", "vers", "hors_departement", "operateur", "created_at")
    list_select_related = ("poste", "depuis", "vers", "operateur")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ConumModelAdmin):
    list_display = ("email", "structure", "created_at", "expires_at", "accepted_at")
    list_select_related = ("structure",)
    search_fields = ("email", "structure__nom")
    readonly_fields = ("token",)


@admin.register(Membre)
class MembreAdmin(ConumModelAdmin):
    list_display = ("user", "structure", "created_at")
    list_select_related = ("user", "structure")
    search_fields = ("user__email", "structure__nom")
    raw_id_fields = ("user", "structure")


class LieuActiviteAdminForm(forms.ModelForm):
    """The standard's value lists as checkboxes (stored as JSON lists; the model validates them)."""

    typologies = forms.MultipleChoiceField(
        label="Type de lieu", choices=enums.TypologieLieu.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    services = forms.MultipleChoiceField(
        label="Services", choices=enums.choices(enums.SERVICES), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = LieuActivite
        fields = ("structure", *services.LIEU_CHAMPS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, values in (
            ("itinerance", enums.ITINERANCES),
            ("frais_a_charge", enums.FRAIS_A_CHARGE),
            ("publics_specifiquement_adresses", enums.PUBLICS_SPECIFIQUEMENT_ADRESSES),
            ("prise_en_charge_specifique", enums.PRISES_EN_CHARGE_SPECIFIQUES),
            ("modalites_acces", enums.MODALITES_ACCES),
            ("modalites_accompagnement", enums.MODALITES_ACCOMPAGNEMENT),
        ):
            self.fields[name] = forms.MultipleChoiceField(
                label=LieuActivite._meta.get_field(name).verbose_name.capitalize(),
                choices=enums.choices(values), required=False, widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip


@admin.register(LieuActivite)
class LieuActiviteAdmin(ConumModelAdmin):
    form = LieuActiviteAdminForm
    list_display = ("nom", "structure", "code_postal", "commune", "updated_at")
    list_select_related = ("structure", "commune")
    list_filter = (("structure__departement", admin.RelatedOnlyFieldListFilter), "structure__statut")
    search_fields = ("nom", "structure__nom", "structure__siret", "code_postal")
    raw_id_fields = ("structure", "commune")
    readonly_fields = ("created_at", "updated_at")
