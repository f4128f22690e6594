"""Exports per advisor and per session (django-import-export)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from import_export import fields, resources

from . import eligibilite
from .enums import StatutInscription, TypeCertification
from .models import Certification, FormationInitiale, Inscription, SuiviFormation


class SuiviFormationResource(resources.ModelResource):
    conseiller = fields.Field(column_name="conseiller")
    email = fields.Field(attribute="user__email", column_name="courriel")
    parcours = fields.Field(column_name="parcours")
    entree = fields.Field(column_name="entrée en formation")
    sortie = fields.Field(column_name="sortie de formation")
    ccp1 = fields.Field(column_name="CCP1")
    pix = fields.Field(column_name="Pix")
    modules = fields.Field(column_name="modules suivis par année")
    obligation = fields.Field(column_name="obligation de l'année")

    class Meta:
        model = SuiviFormation
        fields = (
            "id",
            "conseiller",
            "email",
            "parcours",
            "entree",
            "sortie",
            "ccp1",
            "pix",
            "modules",
            "obligation",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("user").prefetch_related(
            Prefetch("formations_initiales", queryset=FormationInitiale.objects.order_by("date_entree")),
            Prefetch("certifications", queryset=Certification.objects.order_by("-created_at")),
            Prefetch(
                "inscriptions_formation",
                queryset=Inscription.objects.filter(statut=StatutInscription.SUIVIE).select_related(
                    "session__module"
                ),
            ),
        )

    def _formation(self, conseiller):
        formations = list(conseiller.formations_initiales.all())
        return formations[0] if formations else None

    def _certification(self, conseiller, type_):
        for certification in conseiller.certifications.all():
            if certification.type == type_:
                return certification.get_statut_display()
        return ""

    def dehydrate_conseiller(self, conseiller):
        return f"{conseiller.prenom} {conseiller.nom}"

    def dehydrate_parcours(self, conseiller):
        formation = self._formation(conseiller)
        return formation.parcours if formation and formation.parcours else ""

    def dehydrate_entree(self, conseiller):
        formation = self._formation(conseiller)
        return formation.date_entree.isoformat() if formation and formation.date_entree else ""

    def dehydrate_sortie(self, conseiller):
        formation = self._formation(conseiller)
        return formation.date_sortie.isoformat() if formation and formation.date_sortie else ""

    def dehydrate_ccp1(self, conseiller):
        return self._certification(conseiller, TypeCertification.CCP1)

    def dehydrate_pix(self, conseiller):
        return self._certification(conseiller, TypeCertification.PIX)

    def dehydrate_modules(self, conseiller):
        par_annee: dict[int, list[str]] = {}
        for inscription in conseiller.inscriptions_formation.all():
            par_annee.setdefault(inscription.annee, []).append(inscription.session.module.nom)
        return " ; ".join(f"{annee} : {', '.join(noms)}" for annee, noms in sorted(par_annee.items()))

    def dehydrate_obligation(self, conseiller):
        return eligibilite.obligation(conseiller, timezone.localdate().year).statut_label


class InscriptionResource(resources.ModelResource):
    session = fields.Field(column_name="session")
    conseiller = fields.Field(column_name="conseiller")
    email = fields.Field(attribute="conseiller__user__email", column_name="courriel")
    structure = fields.Field(attribute="structure__nom", column_name="structure")
    statut = fields.Field(column_name="statut")
    financee = fields.Field(column_name="financée")
    absence = fields.Field(column_name="absence")

    class Meta:
        model = Inscription
        fields = ("id", "session", "conseiller", "email", "structure", "statut", "financee", "absence")
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("session__module", "session__region", "conseiller__user", "structure")

    def dehydrate_session(self, inscription):
        return str(inscription.session)

    def dehydrate_conseiller(self, inscription):
        return f"{inscription.conseiller.prenom} {inscription.conseiller.nom}"

    def dehydrate_statut(self, inscription):
        return inscription.get_statut_display()

    def dehydrate_financee(self, inscription):
        return "oui" if inscription.financee else "non"

    def dehydrate_absence(self, inscription):
        return inscription.get_absence_statut_display() if inscription.absence_statut else ""
