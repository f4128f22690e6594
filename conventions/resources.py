"""Exports operators exchange with the Banque des Territoires (django-import-export)."""

from __future__ import annotations

from django.db.models import Min, Q
from import_export import fields, resources

from .enums import TrancheStatut
from .models import Convention, Tranche


def conventions_export_queryset(queryset):
    return (
        queryset.select_related("structure")
        .with_totaux()
        .annotate(
            prochaine_tranche=Min("tranches__date_prevue", filter=Q(tranches__statut=TrancheStatut.PREVUE))
        )
    )


class ConventionResource(resources.ModelResource):
    structure = fields.Field(attribute="structure__nom", column_name="structure")
    siret = fields.Field(attribute="structure__siret", column_name="SIRET")
    identifiant = fields.Field(column_name="identifiant structure")
    statut = fields.Field(attribute="statut", column_name="statut")
    engage = fields.Field(attribute="total_engage", column_name="engagé")
    verse = fields.Field(attribute="total_verse", column_name="versé")
    restant = fields.Field(column_name="reste à verser")
    prochaine = fields.Field(attribute="prochaine_tranche", column_name="prochaine tranche")

    class Meta:
        model = Convention
        fields = (
            "numero", "structure", "siret", "identifiant", "phase", "statut", "etat", "date_debut", "date_fin",
            "nombre_postes", "montant_total", "engage", "verse", "restant", "prochaine", "ds_numero",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return conventions_export_queryset(queryset)

    def dehydrate_identifiant(self, convention):
        return convention.structure.identifiant

    def dehydrate_restant(self, convention):
        return convention.total_engage - convention.total_verse


class TrancheResource(resources.ModelResource):
    convention = fields.Field(attribute="convention__numero", column_name="convention")
    structure = fields.Field(attribute="convention__structure__nom", column_name="structure")
    siret = fields.Field(attribute="convention__structure__siret", column_name="SIRET")
    phase = fields.Field(attribute="convention__phase", column_name="phase")
    debut = fields.Field(attribute="convention__date_debut", column_name="début convention")
    fin = fields.Field(attribute="convention__date_fin", column_name="fin convention")

    class Meta:
        model = Tranche
        fields = (
            "convention", "structure", "siret", "phase", "debut", "fin", "poste", "numero", "date_prevue",
            "montant_prevu", "montant", "statut", "due_le", "date_versement", "montant_verse",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("convention__structure")
