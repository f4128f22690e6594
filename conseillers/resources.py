"""Exports (advisors, ruptures) and the candidate import (django-import-export).

Imports run as dry-run first in the admin, inside one transaction (all-or-nothing), each bad
row reported with its line number. Training dates and CRA counts belong to higher apps
(formation, cra): they add columns to the advisors' export through
:func:`register_export_columns`, called from their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, QuerySet
from django.db.models.expressions import BaseExpression
from import_export import fields, resources, widgets

from conumapp.enums import Role
from conumapp.models import User
from conumapp.permissions import grant_role
from conumapp.services import DomainError

from . import services
from .enums import MiseEnRelationStatut
from .models import Conseiller, MiseEnRelation

# --- Columns added by higher apps ------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    name: str  # the annotation's name on the advisors' queryset (unique)
    header: str  # the column's header in the file
    compute: BaseExpression | Callable[[QuerySet], QuerySet]


_export_columns: dict[str, ExportColumn] = {}


def register_export_columns(name: str, header: str, compute) -> None:
    """Add a column to the advisors' export, computed in bulk (no query per row).

    ``compute`` is either a query expression (typically a ``Subquery`` on ``OuterRef("pk")``),
    annotated as ``name`` on the exported queryset, or a function ``queryset -> queryset`` that
    adds the annotation ``name`` itself. Registering the same name again replaces the column.
    """
    _export_columns[name] = ExportColumn(name, header, compute)


def export_columns() -> list[ExportColumn]:
    return list(_export_columns.values())


def _annotate_export_columns(queryset: QuerySet) -> QuerySet:
    for column in export_columns():
        if isinstance(column.compute, BaseExpression):
            queryset = queryset.annotate(**{column.name: column.compute})
        else:
            queryset = column.compute(queryset)
    return queryset


def _contrat_actuel(conseiller):
    mises = getattr(conseiller, "contrats", None)
    return mises[0] if mises else None


class ConseillerResource(resources.ModelResource):
    email = fields.Field(attribute="user__email", column_name="email")
    departement = fields.Field(attribute="departement_id", column_name="département")
    structure = fields.Field(column_name="structure")
    siret = fields.Field(column_name="SIRET")
    type_contrat = fields.Field(column_name="type de contrat")
    date_debut = fields.Field(column_name="début du contrat")
    date_fin = fields.Field(column_name="fin du contrat")
    statut_recrutement = fields.Field(column_name="statut du recrutement")

    class Meta:
        model = Conseiller
        fields = (
            "id", "prenom", "nom", "email", "departement", "statut", "structure", "siret", "type_contrat",
            "date_debut", "date_fin", "statut_recrutement",
        )  # fmt: skip
        export_order = fields

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for column in export_columns():
            self.fields[column.name] = fields.Field(
                attribute=column.name, column_name=column.header, readonly=True
            )

    def filter_export(self, queryset, **kwargs):
        queryset = _annotate_export_columns(queryset)
        contrats = (
            MiseEnRelation.objects.filter(
                statut__in=[*MiseEnRelationStatut.occupant_poste(), MiseEnRelationStatut.FINALISEE_RUPTURE]
            )
            .select_related("structure")
            .order_by("-date_debut", "-pk")
        )
        return queryset.select_related("user").prefetch_related(
            Prefetch("mises_en_relation", queryset=contrats, to_attr="contrats")
        )

    def _contrat(self, conseiller, attr):
        contrat = _contrat_actuel(conseiller)
        value = contrat
        for name in attr.split("."):
            value = getattr(value, name, None) if value is not None else None
        return value if value is not None else ""

    def dehydrate_structure(self, c):
        return self._contrat(c, "structure.nom")

    def dehydrate_siret(self, c):
        return self._contrat(c, "structure.siret")

    def dehydrate_type_contrat(self, c):
        return self._contrat(c, "type_contrat")

    def dehydrate_date_debut(self, c):
        return self._contrat(c, "date_debut")

    def dehydrate_date_fin(self, c):
        return self._contrat(c, "date_fin")

    def dehydrate_statut_recrutement(self, c):
        return self._contrat(c, "statut")


class RuptureResource(resources.ModelResource):
    conseiller = fields.Field(column_name="conseiller")
    structure = fields.Field(attribute="structure__nom", column_name="structure")
    siret = fields.Field(attribute="structure__siret", column_name="SIRET")
    valide_par = fields.Field(attribute="rupture_validated_by__email", column_name="validée par")

    class Meta:
        model = MiseEnRelation
        name = "Ruptures"
        fields = (
            "id", "conseiller", "structure", "siret", "type_contrat", "date_debut", "date_fin", "date_rupture",
            "motif_rupture", "commentaire_rupture", "statut", "dossier_incomplet", "pieces_manquantes",
            "valide_par", "rupture_validated_at",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(date_rupture__isnull=False).select_related(
            "conseiller", "structure", "rupture_validated_by"
        )

    def dehydrate_conseiller(self, mer):
        return f"{mer.conseiller.prenom} {mer.conseiller.nom}"


class MiseEnRelationResource(resources.ModelResource):
    conseiller = fields.Field(column_name="conseiller")
    structure = fields.Field(attribute="structure__nom", column_name="structure")
    siret = fields.Field(attribute="structure__siret", column_name="SIRET")

    class Meta:
        model = MiseEnRelation
        name = "Recrutements"
        fields = (
            "id", "conseiller", "structure", "siret", "statut", "type_contrat", "date_debut", "date_fin",
            "salaire_brut", "date_rupture", "motif_rupture", "validated_at",
        )  # fmt: skip
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("conseiller", "structure")

    def dehydrate_conseiller(self, mer):
        return f"{mer.conseiller.prenom} {mer.conseiller.nom}"


class CandidatImportResource(resources.ModelResource):
    """Candidates from a CSV/XLSX: one row per candidate, identified by email (created or updated)."""

    email = fields.Field(attribute="_email", column_name="email")
    disponible = fields.Field(
        attribute="disponible", column_name="disponible", widget=widgets.BooleanWidget()
    )
    diplome_mediation = fields.Field(
        attribute="diplome_mediation", column_name="diplome_mediation", widget=widgets.BooleanWidget()
    )
    date_disponibilite = fields.Field(
        attribute="date_disponibilite",
        column_name="date_disponibilite",
        widget=widgets.DateWidget("%Y-%m-%d"),
    )

    class Meta:
        model = Conseiller
        name = "Candidats"
        import_id_fields = ("email",)
        fields = (
            "email", "prenom", "nom", "telephone", "code_postal", "disponible", "date_disponibilite",
            "distance_max", "situation", "diplome_mediation", "diplome_nom", "legacy_id",
        )  # fmt: skip
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False

    def get_instance(self, instance_loader, row):
        email = (row.get("email") or "").strip().lower()
        return Conseiller.objects.filter(user__email__iexact=email).first() if email else None

    def before_import_row(self, row, **kwargs):
        email = (row.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": "Adresse électronique invalide."}) from error
        row["email"] = email

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        try:
            services.localiser(instance)
        except DomainError as error:
            raise ValidationError({"code_postal": error.message}) from error
        if not instance.user_id:
            email = row["email"]
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(email=email, first_name=instance.prenom, last_name=instance.nom)
                user.set_unusable_password()
                user.save()
            instance.user = user

    def after_save_instance(self, instance, row, **kwargs):
        grant_role(instance.user, Role.CANDIDAT)
