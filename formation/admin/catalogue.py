"""Back office of the catalogue: training organisations and thematic modules."""

from __future__ import annotations

from django.contrib import admin

from conumapp.admin_base import ConumModelAdmin

from ..models import ModuleThematique, OrganismeFormation


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
