"""Import and export of structures (django-import-export).

Import is dry-run first and all-or-nothing: any bad row (invalid SIRET, unknown département,
missing field) is reported with its line number and reason, and nothing is written. Imported
structures start as ``CREEE``: statuses are never imported, only decided by services.
"""

from __future__ import annotations

import re

from django.db.models import Count, Max, OuterRef, Q, Subquery
from import_export import fields, resources, widgets

from conumapp.models import Departement

from .enums import PosteEtat, StructureType
from .forms import siret_valide
from .models import DecisionCoselec, Structure


class SiretWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = re.sub(r"\s", "", str(value or ""))
        if value.endswith(".0"):  # spreadsheets turn long numbers into floats
            value = value[:-2]
        if value and not siret_valide(value):
            raise ValueError(f"SIRET invalide : « {value} » (14 chiffres avec une clé de contrôle correcte).")
        return value


class DepartementWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Departement, "code")

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip().upper()
        if not code:
            raise ValueError("Département manquant.")
        if len(code) == 1:
            code = code.zfill(2)
        departement = Departement.objects.filter(code=code).first()
        if departement is None:
            raise ValueError(f"Département inconnu : « {code} ».")
        return departement

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class TypeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip().upper()
        if value not in StructureType.values:
            raise ValueError(f"Type de structure inconnu : « {value} » ({', '.join(StructureType.values)}).")
        return value


class StructureImportResource(resources.ModelResource):
    siret = fields.Field(attribute="siret", column_name="siret", widget=SiretWidget())
    departement = fields.Field(attribute="departement", column_name="departement", widget=DepartementWidget())
    type = fields.Field(attribute="type", column_name="type", widget=TypeWidget())

    class Meta:
        model = Structure
        name = "Import de structures (candidatures)"
        import_id_fields = ("siret",)
        fields = (
            "siret", "ridet", "nom", "type", "adresse", "code_postal", "departement", "contact_prenom",
            "contact_nom", "contact_fonction", "contact_email", "contact_telephone",
            "nombre_conseillers_souhaites", "zrr", "qpv", "label_france_services", "grand_reseau", "legacy_id",
        )  # fmt: skip
        import_order = fields
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = False

    def before_import(self, dataset, **kwargs):
        missing = {"siret", "nom", "type", "departement"} - set(dataset.headers or [])
        if missing:
            raise ValueError(f"Colonnes obligatoires absentes : {', '.join(sorted(missing))}.")

    def before_save_instance(self, instance, row, **kwargs):
        if instance.departement_id and not instance.region_id:
            instance.region_id = instance.departement.region_id

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # All-or-nothing: a single bad row rolls everything back.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run, raise_errors, use_transactions, **kwargs)


def structures_export_queryset(queryset):
    last = DecisionCoselec.objects.filter(structure=OuterRef("pk"), coselec__isnull=False).order_by(
        "-created_at", "-pk"
    )
    return queryset.select_related("departement", "region").annotate(
        coselec_numero=Subquery(last.values("coselec__numero")[:1]),
        coselec_date=Subquery(last.values("coselec__date")[:1]),
        postes_occupes_count=Count("postes", filter=Q(postes__etat=PosteEtat.OCCUPE), distinct=True),
        derniere_decision=Max("decisions__created_at"),
    )


class StructureExportResource(resources.ModelResource):
    siret = fields.Field(attribute="siret", column_name="SIRET")
    identifiant = fields.Field(column_name="ID")
    nom = fields.Field(attribute="nom", column_name="dénomination")
    type = fields.Field(column_name="type")
    nature = fields.Field(attribute="nature", column_name="nature")
    statut = fields.Field(column_name="statut")
    departement = fields.Field(attribute="departement__code", column_name="département")
    region = fields.Field(column_name="région")
    coselec_date = fields.Field(attribute="coselec_date", column_name="date du dernier coselec")
    coselec_numero = fields.Field(attribute="coselec_numero", column_name="numéro du dernier coselec")
    postes = fields.Field(attribute="nombre_postes_accordes", column_name="postes accordés")
    occupes = fields.Field(attribute="postes_occupes_count", column_name="postes occupés")
    zrr = fields.Field(column_name="ZRR")
    qpv = fields.Field(column_name="QPV")
    fs = fields.Field(column_name="France Services")
    reseau = fields.Field(column_name="grand réseau")
    email = fields.Field(attribute="contact_email", column_name="courriel du contact")

    class Meta:
        model = Structure
        name = "Export des structures"
        fields = (
            "siret", "identifiant", "nom", "type", "nature", "statut", "departement", "region", "coselec_date",
            "coselec_numero", "postes", "occupes", "zrr", "qpv", "fs", "reseau", "email",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return structures_export_queryset(queryset)

    def dehydrate_identifiant(self, structure):
        return structure.identifiant

    def dehydrate_type(self, structure):
        return structure.get_type_display()

    def dehydrate_statut(self, structure):
        return structure.get_statut_display()

    def dehydrate_region(self, structure):
        return structure.region.nom if structure.region_id else ""

    def dehydrate_zrr(self, structure):
        return "oui" if structure.zrr else "non"

    def dehydrate_qpv(self, structure):
        return "oui" if structure.qpv else "non"

    def dehydrate_fs(self, structure):
        return "oui" if structure.label_france_services else "non"

    def dehydrate_reseau(self, structure):
        return structure.get_grand_reseau_display() if structure.grand_reseau else ""
