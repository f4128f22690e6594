"""Back office of the certifications and the structures' Aidants Connect habilitation."""

from __future__ import annotations

from django.contrib import admin

from conumapp.admin_base import ConumModelAdmin

from ..models import Certification, StructureFormation


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
