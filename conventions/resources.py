"""Exports operators exchange with the Banque des Territoires (django-import-export)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Min, Q
from import_export import fields, resources

from .enums import TrancheStatut
from .models import Convention, Tranche


def _euros(value) -> str:
    """Money as "1234.50", whatever the database returns for a sum."""
    return f"{Decimal(value or 0).quantize(Decimal('0.01'))}"


def conventions_export_queryset(queryset):
    return (
        queryset.select_related("structure")
        .prefetch_related("avoirs")
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
    montant_total = fields.Field(column_name="montant à la signature")
    engage = fields.Field(column_name="engagé")
    verse = fields.Field(column_name="versé")
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

    def dehydrate_montant_total(self, convention):
        return _euros(convention.montant_total)

    def dehydrate_engage(self, convention):
        return _euros(convention.total_engage)

    def dehydrate_verse(self, convention):
        return _euros(convention.total_verse)

    def dehydrate_restant(self, convention):
        avoirs = sum((a.montant for a in convention.avoirs.all()), Decimal("0"))
        return _euros(convention.total_engage - convention.total_verse - avoirs)


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

    def dehydrate_montant_prevu(self, tranche):
        return _euros(tranche.montant_prevu)

    def dehydrate_montant(self, tranche):
        return "" if tranche.montant is None else _euros(tranche.montant)

    def dehydrate_montant_verse(self, tranche):
        return "" if tranche.montant_verse is None else _euros(tranche.montant_verse)
