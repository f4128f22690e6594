"""Back office of the initial training (and the import of its results)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from conumapp.admin_base import ConumModelAdmin

from .. import imports
from ..models import FormationInitiale


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
