"""Follow-up of the training obligation, filterable by région / département / structure."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Min, Q
from django.utils import timezone
from import_export.admin import ExportMixin

from conumapp.admin_base import ConumModelAdmin

from .. import eligibilite
from ..enums import StatutAbsence, StatutInscription
from ..models import SuiviFormation
from ..resources import SuiviFormationResource


@admin.register(SuiviFormation)
class SuiviFormationAdmin(ExportMixin, ConumModelAdmin):
    """Obligation tracking, filterable by région / département / structure."""

    resource_classes = [SuiviFormationResource]
    list_display = ["__str__", "email_conseiller", "modules_annee", "obligation_annee", "manquements"]
    list_filter = [
        "mises_en_relation__structure__region",
        "mises_en_relation__structure__departement",
    ]
    search_fields = [
        "nom",
        "prenom",
        "user__email",
        "mises_en_relation__structure__nom",
        "mises_en_relation__structure__siret",
    ]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        annee = timezone.localdate().year
        return (
            super()
            .get_queryset(request)
            .filter(mises_en_relation__isnull=False)
            .distinct()
            .annotate(
                nb_suivis=Count(
                    "inscriptions_formation",
                    filter=Q(
                        inscriptions_formation__annee=annee,
                        inscriptions_formation__statut=StatutInscription.SUIVIE,
                    ),
                    distinct=True,
                ),
                nb_manquements=Count(
                    "inscriptions_formation",
                    filter=Q(inscriptions_formation__absence_statut=StatutAbsence.MANQUEMENT),
                    distinct=True,
                ),
                premiere_entree=Min("formations_initiales__date_entree"),
            )
        )

    @admin.display(description="courriel")
    def email_conseiller(self, obj):
        return obj.user.email

    @admin.display(description="modules suivis cette année", ordering="nb_suivis")
    def modules_annee(self, obj):
        return obj.nb_suivis

    @admin.display(description="obligation de l'année")
    def obligation_annee(self, obj):
        annee = timezone.localdate().year
        entree = obj.premiere_entree
        requis = (
            2
            if entree and entree.year >= eligibilite.PREMIERE_ANNEE_DOUBLE_DEPUIS and entree.year == annee
            else 1
        )
        return "Remplie" if obj.nb_suivis >= requis else "En attente"

    @admin.display(description="manquements", ordering="nb_manquements")
    def manquements(self, obj):
        return obj.nb_manquements
