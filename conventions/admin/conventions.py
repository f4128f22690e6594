"""Back office of conventions: filters, inlines and workflow views (draft, send, sign, amendment, credit
note, end), with the read-only lists of credit notes and amendments."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from .. import services
from ..enums import TrancheStatut
from ..forms import RedigerForm
from ..models import Avenant, Avoir, Convention, Tranche
from ..resources import ConventionResource
from ._commun import _confirm
from .forms import _AvoirForm, _DateForm, _FinForm


class FinAvantFilter(admin.SimpleListFilter):
    """Conventions ending at the latest on a date typed by the operator (``fin_avant=2026-12-31``),
    or within a relative window (``fin_avant=90``: in the next 90 days)."""

    title = "se termine avant"
    parameter_name = "fin_avant"
    template = "conventions/admin/filtre_fin_avant.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # The date form keeps the other filters and the search of the page
        self.autres_parametres = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in (self.parameter_name, "p", "e")
            for value in values
        ]

    def lookups(self, request, model_admin):
        return [("30", "30 jours"), ("90", "90 jours"), ("120", "120 jours"), ("180", "6 mois")]

    def date_limite(self):
        """The last end date kept, or None when the value is neither a number of days nor a date."""
        value = (self.value() or "").strip()
        if value.isascii() and value.isdigit() and len(value) <= 5:  # "²" is a digit for isdigit()
            return timezone.localdate() + timedelta(days=int(value))
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None

    def date_saisie(self) -> str:
        value = self.value() or ""
        return value if not value.isdigit() and self.date_limite() else ""

    def queryset(self, request, queryset):
        limite = self.date_limite()
        return queryset.filter(date_fin__lte=limite) if limite else queryset


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
        "bonus_annee_1", "bonus_annee_2", "bonus_annee_3", "montant_total", "duree_mois", "regle_tranches",
        "echeances_mois", "prorata", "ds_numero", "ds_type", "ds_etat",
        "envoyee_le", "date_signature", "date_fin_effective", "motif_fin", "created_by", "created_at",
    )  # fmt: skip
    service_owned_fields = (
        "numero", "structure", "phase", "bareme", "precedente", "statut", "etat", "date_debut", "date_fin",
        "nombre_postes", "bonus_applique", "montant_annee_1", "montant_annee_2", "montant_annee_3",
        "bonus_annee_1", "bonus_annee_2", "bonus_annee_3", "montant_total", "duree_mois", "regle_tranches",
        "echeances_mois", "prorata", "envoyee_le", "date_signature",
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
