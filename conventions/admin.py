"""Back office: rate table, conventions (workflow views), tranche queue, documents, renewals, exports."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from . import services
from .enums import TrancheStatut
from .forms import RedigerForm
from .models import (
    Avenant,
    Avoir,
    Bareme,
    Convention,
    PieceJustificative,
    Reconventionnement,
    ReconventionnementConseiller,
    Tranche,
)
from .resources import ConventionResource, TrancheResource


class _DateForm(forms.Form):
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _MotifForm(forms.Form):
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class _FinForm(forms.Form):
    date = forms.DateField(
        label="Date de fin du financement", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    anticipee = forms.BooleanField(label="Résiliation anticipée", required=False)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class _AvoirForm(forms.Form):
    montant = forms.DecimalField(label="Montant (€)", max_digits=12, decimal_places=2, min_value=0)
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


def _confirm(
    request, admin_obj, *, titre, form, bouton, retour, objets=(), ids=(), action="", lignes_calcul=()
):
    context = {
        **admin_obj.admin_site.each_context(request),
        "title": titre,
        "titre": titre,
        "form": form,
        "bouton": bouton,
        "retour": retour,
        "objets": list(objets),
        "ids": list(ids),
        "action": action,
        "lignes_calcul": list(lignes_calcul),
        "opts": admin_obj.model._meta,
    }
    return TemplateResponse(request, "conventions/admin/confirmation.html", context)


@admin.register(Bareme)
class BaremeAdmin(ConumModelAdmin):
    list_display = (
        "libelle",
        "phase",
        "nature",
        "montant_annee_1",
        "montant_annee_2",
        "montant_annee_3",
        "duree_mois",
        "regle_tranches",
        "actif",
    )
    list_filter = ("phase", "nature", "actif")
    search_fields = ("code", "libelle")


class FinAvantFilter(admin.SimpleListFilter):
    title = "se termine avant"
    parameter_name = "fin_avant"

    def lookups(self, request, model_admin):
        return [("30", "30 jours"), ("90", "90 jours"), ("120", "120 jours"), ("180", "6 mois")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date_fin__lte=timezone.localdate() + timedelta(days=int(self.value())))
        return queryset


class TranchesDuesFilter(admin.SimpleListFilter):
    title = "tranches dues"
    parameter_name = "tranches_dues"

    def lookups(self, request, model_admin):
        return [("oui", "Avec des tranches à verser")]

    def queryset(self, request, queryset):
        return queryset.avec_tranches_dues() if self.value() == "oui" else queryset


class ARegulariserFilter(admin.SimpleListFilter):
    title = "postes"
    parameter_name = "postes"

    def lookups(self, request, model_admin):
        return [("a_regulariser", "À régulariser par avenant (postes ajoutés ou rendus)")]

    def queryset(self, request, queryset):
        if self.value() == "a_regulariser":
            return queryset.filter(pk__in=Convention.objects.a_regulariser().values("pk"))
        return queryset


class TrancheInline(admin.TabularInline):
    model = Tranche
    extra = 0
    can_delete = False
    fields = (
        "numero",
        "poste",
        "date_prevue",
        "montant_prevu",
        "montant",
        "statut",
        "date_versement",
        "montant_verse",
        "motif_blocage",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class AvenantInline(admin.TabularInline):
    model = Avenant
    extra = 0
    can_delete = False
    fields = ("numero", "type", "date_effet", "postes_ajoutes", "postes_retires", "montant", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AvoirInline(admin.TabularInline):
    model = Avoir
    extra = 0
    can_delete = False
    fields = ("date", "montant", "motif", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Convention)
class ConventionAdmin(ExportMixin, ConumModelAdmin):
    resource_classes = [ConventionResource]
    change_form_template = "conventions/admin/convention_change_form.html"
    change_list_template = "conventions/admin/convention_change_list.html"
    list_display = (
        "numero",
        "structure",
        "phase",
        "etat",
        "statut",
        "date_debut",
        "date_fin",
        "nombre_postes",
        "total_engage",
        "total_verse",
        "prochaine_tranche",
    )
    list_filter = (
        "statut",
        "etat",
        "phase",
        "structure__region",
        "structure__departement",
        FinAvantFilter,
        TranchesDuesFilter,
        ARegulariserFilter,
    )
    search_fields = ("numero", "structure__nom", "structure__siret")
    list_select_related = ("structure",)
    inlines = [TrancheInline, AvenantInline, AvoirInline]
    fields = (
        "numero", "structure", "phase", "bareme", "precedente", "statut", "etat", "date_debut", "date_fin",
        "nombre_postes", "bonus_applique", "montant_annee_1", "montant_annee_2", "montant_annee_3",
        "bonus_annee_1", "bonus_annee_2", "bonus_annee_3", "montant_total", "ds_numero", "ds_type", "ds_etat",
        "envoyee_le", "date_signature", "date_fin_effective", "motif_fin", "created_by", "created_at",
    )  # fmt: skip
    service_owned_fields = (
        "numero", "structure", "phase", "bareme", "precedente", "statut", "etat", "date_debut", "date_fin",
        "nombre_postes", "bonus_applique", "montant_annee_1", "montant_annee_2", "montant_annee_3",
        "bonus_annee_1", "bonus_annee_2", "bonus_annee_3", "montant_total", "envoyee_le", "date_signature",
        "date_fin_effective", "motif_fin", "created_by", "created_at",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False  # drafted through "Rédiger une convention", which calls the service

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_totaux()
            .annotate(prochaine=Min("tranches__date_prevue", filter=Q(tranches__statut=TrancheStatut.PREVUE)))
        )

    @admin.display(description="engagé", ordering="total_engage")
    def total_engage(self, obj):
        return obj.total_engage

    @admin.display(description="versé", ordering="total_verse")
    def total_verse(self, obj):
        return obj.total_verse

    @admin.display(description="prochaine tranche", ordering="prochaine")
    def prochaine_tranche(self, obj):
        return obj.prochaine

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("rediger/", view(self.rediger_view), name="conventions_convention_rediger"),
            path("<int:pk>/envoyer/", view(self.envoyer_view), name="conventions_convention_envoyer"),
            path("<int:pk>/signer/", view(self.signer_view), name="conventions_convention_signer"),
            path("<int:pk>/avenant/", view(self.avenant_view), name="conventions_convention_avenant"),
            path("<int:pk>/avoir/", view(self.avoir_view), name="conventions_convention_avoir"),
            path("<int:pk>/terminer/", view(self.terminer_view), name="conventions_convention_terminer"),
            *super().get_urls(),
        ]

    def _change_url(self, convention):
        return reverse("admin:conventions_convention_change", args=[convention.pk])

    def _get(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(Convention.objects.select_related("structure", "bareme"), pk=pk)

    def rediger_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = RedigerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                convention = services.convention_rediger(
                    structure=form.cleaned_data["structure"],
                    by=request.user,
                    date_debut=form.cleaned_data["date_debut"],
                )
            except services.DomainError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, f"Convention {convention.numero} rédigée.", messages.SUCCESS)
                return HttpResponseRedirect(self._change_url(convention))
        return _confirm(
            request,
            self,
            titre="Rédiger une convention pour une structure validée",
            form=form,
            bouton="Rédiger la convention",
            retour=reverse("admin:conventions_convention_changelist"),
        )

    def _simple(self, request, pk, *, titre, bouton, form_class, call, success):
        convention = self._get(request, pk)
        form = form_class(request.POST or None) if form_class else None
        if request.method == "POST" and (form is None or form.is_valid()):
            data = form.cleaned_data if form else {}
            if self.run_service(
                request, call, success_message=success, **call_kwargs(convention, request, data, call)
            ):
                return HttpResponseRedirect(self._change_url(convention))
        return _confirm(
            request,
            self,
            titre=titre,
            form=form,
            bouton=bouton,
            retour=self._change_url(convention),
            objets=[convention],
        )

    def envoyer_view(self, request, pk):
        return self._simple(
            request,
            pk,
            titre="Envoyer la convention à la structure",
            bouton="Envoyer",
            form_class=None,
            call=services.convention_envoyer,
            success="Convention envoyée à la structure.",
        )

    def signer_view(self, request, pk):
        return self._simple(
            request,
            pk,
            titre="Enregistrer la signature",
            bouton="Enregistrer la signature",
            form_class=_DateForm,
            call=services.convention_signer,
            success="Signature enregistrée ; calendrier des tranches établi.",
        )

    def avenant_view(self, request, pk):
        return self._simple(
            request,
            pk,
            titre="Avenant : aligner la convention sur les postes de la structure",
            bouton="Enregistrer l'avenant",
            form_class=_DateForm,
            call=services.convention_avenant_postes,
            success="Avenant enregistré.",
        )

    def avoir_view(self, request, pk):
        return self._simple(
            request,
            pk,
            titre="Enregistrer un avoir",
            bouton="Enregistrer l'avoir",
            form_class=_AvoirForm,
            call=services.avoir_enregistrer,
            success="Avoir enregistré.",
        )

    def terminer_view(self, request, pk):
        return self._simple(
            request,
            pk,
            titre="Fin ou résiliation de la convention",
            bouton="Confirmer la fin",
            form_class=_FinForm,
            call=services.convention_terminer,
            success="Fin de la convention enregistrée.",
        )


def call_kwargs(convention, request, data, call) -> dict:
    kwargs = {"convention": convention, "by": request.user}
    if call is services.convention_signer:
        kwargs["date_signature"] = data["date"]
    elif call is services.convention_avenant_postes:
        kwargs["date_effet"] = data["date"]
    elif call is services.avoir_enregistrer:
        kwargs.update(montant=data["montant"], motif=data["motif"])
    elif call is services.convention_terminer:
        kwargs.update(date_fin=data["date"], motif=data["motif"], anticipee=data["anticipee"])
    return kwargs


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
        "montant", "calcul", "motif_blocage", "statut", "due_le", "date_versement", "montant_verse", "motif_suspension",
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

    def _bulk(self, request, queryset, *, action, titre, bouton, form_class, run):
        form = form_class(request.POST if request.POST.get("confirm") else None)
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
            form_class=_DateForm,
            run=services.tranche_verser,
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
        return {"date_versement": data["date"]}
    if run is services.tranche_suspendre:
        return {"motif": data["motif"]}
    return {}


@admin.register(PieceJustificative)
class PieceJustificativeAdmin(ConumModelAdmin):
    list_display = ("type", "structure", "poste", "nom_fichier", "statut", "deposee_le", "lien")
    list_filter = ("statut", "type")
    search_fields = ("structure__nom", "structure__siret", "nom_fichier")
    list_select_related = ("structure", "poste__structure")
    actions = ["accepter", "refuser"]
    exclude = ("fichier",)
    service_owned_fields = (
        "structure", "convention", "poste", "type", "nom_fichier", "valide_du", "valide_au", "statut",
        "motif_refus", "deposee_par", "deposee_le", "verifiee_par", "verifiee_le",
    )  # fmt: skip

    def has_add_permission(self, request):
        return False

    @admin.display(description="fichier")
    def lien(self, obj):
        return format_html('<a href="{}">Télécharger</a>', reverse("conventions:piece", args=[obj.pk]))

    @admin.action(description="Accepter les pièces sélectionnées")
    def accepter(self, request, queryset):
        for piece in queryset:
            self.run_service(request, services.piece_accepter, piece=piece, by=request.user)
        self.message_user(request, "Vérification enregistrée.", messages.SUCCESS)

    @admin.action(description="Refuser les pièces sélectionnées (avec un motif)")
    def refuser(self, request, queryset):
        form = _MotifForm(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            for piece in queryset:
                self.run_service(
                    request,
                    services.piece_refuser,
                    piece=piece,
                    by=request.user,
                    motif=form.cleaned_data["motif"],
                )
            self.message_user(request, "Refus enregistré.", messages.SUCCESS)
            return None
        return _confirm(
            request,
            self,
            titre="Refuser des pièces",
            form=form,
            bouton="Confirmer le refus",
            objets=queryset,
            ids=queryset.values_list("pk", flat=True),
            action="refuser",
            retour=reverse("admin:conventions_piecejustificative_changelist"),
        )


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


@admin.register(Avoir)
class AvoirAdmin(ConumModelAdmin):
    list_display = ("convention", "montant", "date", "motif", "created_by")
    list_select_related = ("convention__structure", "created_by")
    search_fields = ("convention__numero", "convention__structure__nom")
    readonly_fields = ("convention", "tranche", "montant", "date", "motif", "created_by", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Avenant)
class AvenantAdmin(ConumModelAdmin):
    list_display = (
        "convention",
        "numero",
        "type",
        "date_effet",
        "postes_ajoutes",
        "postes_retires",
        "montant",
    )
    list_select_related = ("convention__structure",)
    search_fields = ("convention__numero", "convention__structure__nom")
    readonly_fields = (
        "convention",
        "numero",
        "type",
        "date_effet",
        "postes_ajoutes",
        "postes_retires",
        "montant",
        "description",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request):
        return False
