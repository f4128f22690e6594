from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from conumapp.admin_base import ConumModelAdmin
from conumapp.files import first_non_utf8_line

from .importer import import_file
from .models import AlerteInactivite, Cra, ImportCra


@admin.register(Cra)
class CraAdmin(ConumModelAdmin):
    list_display = (
        "date",
        "type",
        "duree",
        "participants",
        "conseiller",
        "structure",
        "departement_code",
        "source",
    )
    list_filter = ("type", "type_lieu", "source", ("deleted_at", admin.EmptyFieldListFilter), "region_code")
    search_fields = ("=id", "=source_id", "conseiller__nom", "structure__nom", "=departement_code")
    list_select_related = ("conseiller", "structure")
    raw_id_fields = ("conseiller", "structure")
    date_hierarchy = "date"
    readonly_fields = ("source", "source_id", "source_data", "created_at", "updated_at", "deleted_at")

    def has_add_permission(self, request):
        return False  # CRAs are filed by advisors or imported


@admin.register(AlerteInactivite)
class AlerteInactiviteAdmin(ConumModelAdmin):
    """Operators' lists « sans CRA M+1 / M+1,5 »."""

    list_display = ("conseiller", "structure", "seuil", "depuis", "created_at")
    list_filter = ("seuil", "structure__departement")
    search_fields = ("conseiller__nom", "structure__nom")
    list_select_related = ("conseiller", "structure")
    readonly_fields = ("conseiller", "structure", "seuil", "depuis", "created_at")

    def has_add_permission(self, request):
        return False


class ImportForm(forms.Form):
    format = forms.ChoiceField(label="Format", choices=[("v1", "v1 — export MongoDB (JSON lines)"),
                                                       ("v2", "v2 — API La Coop (JSON:API)")])  # fmt: skip
    fichier = forms.FileField(label="Fichier")
    dry_run = forms.BooleanField(label="Simulation (ne rien enregistrer)", required=False, initial=True)

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if (line := first_non_utf8_line(upload)) is not None:
            raise forms.ValidationError(
                f"Le fichier doit être encodé en UTF-8 (export JSON) : la ligne {line} ne l'est pas."
            )
        return upload


@admin.register(ImportCra)
class ImportCraAdmin(ConumModelAdmin):
    list_display = (
        "created_at",
        "format",
        "nom_fichier",
        "dry_run",
        "lignes",
        "importees",
        "deja_presentes",
        "refusees",
        "par",
    )
    list_select_related = ("par",)
    readonly_fields = [*(f.name for f in ImportCra._meta.fields), "telecharger_rapport"]

    @admin.display(description="Rapport des lignes refusées")
    def telecharger_rapport(self, obj):
        from django.utils.html import format_html

        if not obj.refusees:
            return "Aucune ligne refusée"
        url = reverse("admin:cra_importcra_rapport", args=[obj.pk])
        return format_html('<a href="{}">Télécharger le rapport (CSV, {} lignes)</a>', url, obj.refusees)

    change_list_template = "cra/admin/import_change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("importer/", view(self.importer_view), name="cra_importcra_importer"),
            path("<int:pk>/rapport.csv", view(self.rapport_view), name="cra_importcra_rapport"),
            *super().get_urls(),
        ]

    def importer_view(self, request):
        if (
            not self.has_view_permission(request)
            or not request.user.is_superuser
            and not request.user.has_perm("cra.add_cra")
        ):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["fichier"]
            lines = (line.decode("utf-8-sig") for line in upload)
            run = import_file(lines, fmt=form.cleaned_data["format"], dry_run=form.cleaned_data["dry_run"],
                              nom_fichier=upload.name, by=request.user)  # fmt: skip
            messages.success(
                request,
                f"{'Simulation' if run.dry_run else 'Import'} : {run.lignes} lignes, {run.importees} "
                f"{'importables' if run.dry_run else 'importées'}, {run.deja_presentes} déjà présentes, "
                f"{run.refusees} refusées.",
            )
            return redirect(reverse("admin:cra_importcra_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "title": "Importer des CRA historiques",
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "cra/admin/importer.html", context)

    def rapport_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportCra, pk=pk)
        response = HttpResponse("\ufeff" + run.rapport, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="cra-import-{run.pk}-refus.csv"'
        return response
