"""Back office of the rate table (barèmes)."""

from __future__ import annotations

from django.contrib import admin

from conumapp.admin_base import ConumModelAdmin

from ..models import Bareme


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
