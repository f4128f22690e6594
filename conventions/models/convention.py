"""Conventions, amendments, tranches and credit notes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conumapp import permissions
from structures.models import Structure, est_membre

from ..enums import (
    AvenantType,
    ConventionEtat,
    ConventionStatut,
    DossierDsEtat,
    DossierDsType,
    Phase,
    RegleTranches,
    TrancheStatut,
)
from ._commun import MONEY, ZERO, _money_sum, _structure_scope, parse_echeances
from .bareme import Bareme


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members see their structures' conventions; prefectures their département; hubs their région."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        condition = _structure_scope(user, "structure")
        return self if condition is None else self.filter(condition)

    def signees(self):
        return self.filter(etat=ConventionEtat.SIGNEE)

    def a_renouveler(self, *, within_days: int, today=None):
        from datetime import timedelta

        today = today or timezone.localdate()
        return self.signees().filter(
            phase=Phase.PHASE_1,
            statut=ConventionStatut.CONVENTIONNEMENT_VALIDE,
            date_fin__gt=today,
            date_fin__lte=today + timedelta(days=within_days),
        )

    def with_totaux(self):
        return self.annotate(
            total_engage=_money_sum("tranches__montant_prevu", tranches__statut__in=TrancheStatut.engagees()),
            total_du=_money_sum("tranches__montant", tranches__statut=TrancheStatut.DUE),
            total_verse=_money_sum("tranches__montant_verse", tranches__statut=TrancheStatut.VERSEE),
        )

    def a_regulariser(self):
        """Signed conventions whose posts no longer match the structure's active posts (amendment due)."""
        from structures.models import Poste

        actifs = (
            Poste.objects.actifs()
            .filter(structure_id=OuterRef("structure_id"))
            .order_by()
            .values("structure_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.signees()
            .annotate(postes_actifs=Coalesce(models.Subquery(actifs), 0))
            .exclude(postes_actifs=models.F("nombre_postes"))
        )

    def avec_tranches_dues(self):
        return self.filter(
            Exists(Tranche.objects.filter(convention=OuterRef("pk"), statut=TrancheStatut.DUE))
        )


class Convention(models.Model):
    numero = models.CharField("numéro", max_length=30, unique=True, blank=True)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="conventions")
    phase = models.PositiveSmallIntegerField("phase", choices=Phase.choices, default=Phase.PHASE_1)
    bareme = models.ForeignKey(Bareme, on_delete=models.PROTECT, related_name="conventions")
    precedente = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivante",
        verbose_name="convention renouvelée",
    )
    statut = models.CharField(
        "statut",
        max_length=40,
        choices=ConventionStatut.choices,
        default=ConventionStatut.CONVENTIONNEMENT_EN_COURS,
        db_index=True,
    )
    etat = models.CharField(
        "état", max_length=12, choices=ConventionEtat.choices, default=ConventionEtat.BROUILLON
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", db_index=True)
    nombre_postes = models.PositiveSmallIntegerField("postes couverts", default=0)
    # Amounts frozen from the barème at drafting time, refrozen at signature
    bonus_applique = models.BooleanField("bonus QPV/ZRR", default=False)
    montant_annee_1 = models.DecimalField("montant par poste, année 1", default=ZERO, **MONEY)
    montant_annee_2 = models.DecimalField("montant par poste, année 2", default=ZERO, **MONEY)
    montant_annee_3 = models.DecimalField("montant par poste, année 3", default=ZERO, **MONEY)
    bonus_annee_1 = models.DecimalField("bonus par poste, année 1", default=ZERO, **MONEY)
    bonus_annee_2 = models.DecimalField("bonus par poste, année 2", default=ZERO, **MONEY)
    bonus_annee_3 = models.DecimalField("bonus par poste, année 3", default=ZERO, **MONEY)
    montant_total = models.DecimalField("montant conventionné à la signature", default=ZERO, **MONEY)
    # Terms frozen from the barème with the amounts: a later barème change never alters them
    duree_mois = models.PositiveSmallIntegerField("durée (mois)", default=0)
    regle_tranches = models.CharField(
        "règle des tranches", max_length=20, choices=RegleTranches.choices, default=RegleTranches.ANNUELLE
    )
    echeances_mois = models.CharField("échéances (mois après signature)", max_length=100, blank=True)
    prorata = models.BooleanField("ajustée au prorata des mois pourvus", default=True)
    # Démarches Simplifiées
    ds_numero = models.CharField("numéro de dossier Démarches Simplifiées", max_length=20, blank=True)
    ds_type = models.CharField("type de dossier", max_length=20, choices=DossierDsType.choices, blank=True)
    ds_etat = models.CharField("état du dossier", max_length=20, choices=DossierDsEtat.choices, blank=True)
    # Lifecycle dates
    envoyee_le = models.DateField("envoyée le", null=True, blank=True)
    date_signature = models.DateField("signée le", null=True, blank=True)
    date_fin_effective = models.DateField("fin effective", null=True, blank=True)
    motif_fin = models.TextField("motif de fin ou de résiliation", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("rédigée le", default=timezone.now)

    history = HistoricalRecords()
    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-date_debut", "-pk"]
        indexes = [models.Index(fields=["etat", "date_fin"], name="convention_etat_fin")]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "phase"],
                condition=~Q(etat__in=["terminee", "resiliee"]),
                name="convention_une_active_par_phase",
            )
        ]

    def __str__(self):
        return f"Convention {self.numero or '(brouillon)'} — {self.structure}"

    def clean(self):
        if self.date_fin and self.date_debut and self.date_fin <= self.date_debut:
            raise ValidationError({"date_fin": "La fin doit suivre le début de la convention."})

    def montant_par_poste(self) -> Decimal:
        return sum(self.montants_annuels_par_poste(), ZERO)

    def offsets(self) -> list[int]:
        return parse_echeances(self.echeances_mois)

    def montants_annuels_par_poste(self) -> list[Decimal]:
        """Amount per post for each year of the frozen length (never the live barème)."""
        years = (self.duree_mois + 11) // 12
        amounts = [self.montant_annee_1, self.montant_annee_2, self.montant_annee_3]
        bonus = [self.bonus_annee_1, self.bonus_annee_2, self.bonus_annee_3]
        return [amounts[i] + (bonus[i] if self.bonus_applique else ZERO) for i in range(min(years, 3))]

    def totaux(self) -> dict[str, Decimal]:
        """Committed, due, paid, credit notes and remaining, to the cent (one query)."""
        agg = self.tranches.aggregate(
            engage=_money_sum("montant_prevu", statut__in=TrancheStatut.engagees()),
            du=_money_sum("montant", statut=TrancheStatut.DUE),
            verse=_money_sum("montant_verse", statut=TrancheStatut.VERSEE),
        )
        avoirs = self.avoirs.aggregate(total=_money_sum("montant"))["total"]
        agg["avoirs"] = avoirs
        agg["restant"] = agg["engage"] - agg["verse"] - avoirs
        return agg

    def get_abilities(self, user) -> dict[str, bool]:
        member = est_membre(user, self.structure_id)
        operator = permissions.is_operateur(user)
        return {
            "pdf": member or operator,
            "documents": member or operator,
            "deposer": member and self.etat != ConventionEtat.RESILIEE,
            "renouveler": member and self.peut_etre_renouvelee(),
        }

    def peut_etre_renouvelee(self, today=None) -> bool:
        from ..calculs import add_months

        today = today or timezone.localdate()
        return (
            self.etat == ConventionEtat.SIGNEE
            and self.phase == Phase.PHASE_1
            and self.statut == ConventionStatut.CONVENTIONNEMENT_VALIDE
            and add_months(self.date_fin, -6) <= today < self.date_fin
        )


class Avenant(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="avenants")
    numero = models.PositiveSmallIntegerField("numéro")
    type = models.CharField("objet", max_length=10, choices=AvenantType.choices)
    date_effet = models.DateField("date d'effet")
    postes_ajoutes = models.PositiveSmallIntegerField("postes ajoutés", default=0)
    postes_retires = models.PositiveSmallIntegerField("postes retirés", default=0)
    montant = models.DecimalField(
        "variation du montant engagé", max_digits=12, decimal_places=2, default=ZERO
    )
    description = models.TextField("description", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["convention_id", "numero"]
        constraints = [models.UniqueConstraint(fields=["convention", "numero"], name="avenant_numero_unique")]

    def __str__(self):
        return f"Avenant n° {self.numero} — {self.convention}"


class TrancheQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(convention__in=Convention.objects.visible_to(user))

    def a_verser(self):
        return self.filter(statut=TrancheStatut.DUE)

    def echues(self, today):
        return self.filter(
            statut=TrancheStatut.PREVUE, date_prevue__lte=today, convention__etat=ConventionEtat.SIGNEE
        )


class Tranche(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="tranches")
    poste = models.ForeignKey(
        "structures.Poste", on_delete=models.PROTECT, related_name="tranches", null=True, blank=True
    )
    avenant = models.ForeignKey(
        Avenant, on_delete=models.PROTECT, null=True, blank=True, related_name="tranches"
    )
    numero = models.PositiveSmallIntegerField("tranche n°")
    date_prevue = models.DateField("date prévue", db_index=True)
    periode_debut = models.DateField("période ajustée : du")
    periode_fin = models.DateField("période ajustée : au (exclu)")
    montant_prevu = models.DecimalField("montant prévu", **MONEY)
    montant = models.DecimalField("montant dû (après prorata)", null=True, blank=True, **MONEY)
    detail_calcul = models.TextField("détail du calcul", blank=True)
    motif_blocage = models.CharField("bloquée parce que", max_length=255, blank=True)
    statut = models.CharField(
        "statut", max_length=10, choices=TrancheStatut.choices, default=TrancheStatut.PREVUE, db_index=True
    )
    due_le = models.DateField("due le", null=True, blank=True)
    signalee_le = models.DateField(
        "signalée aux opérateurs le",
        null=True,
        blank=True,
        help_text="Date du récapitulatif quotidien qui a annoncé la tranche due (une seule fois).",
    )
    date_versement = models.DateField("versée le", null=True, blank=True)
    montant_verse = models.DecimalField("montant versé", null=True, blank=True, **MONEY)
    motif_suspension = models.TextField("motif de suspension ou d'annulation", blank=True)

    history = HistoricalRecords()
    objects = TrancheQuerySet.as_manager()

    class Meta:
        verbose_name = "tranche"
        verbose_name_plural = "tranches"
        ordering = ["convention_id", "date_prevue", "poste_id", "numero"]

    def __str__(self):
        poste = f", poste {self.poste_id}" if self.poste_id else ""
        return f"Tranche {self.numero}{poste} du {self.date_prevue:%d/%m/%Y} — {self.convention.numero}"


class Avoir(models.Model):
    """A credit note: an amount the structure gives back or that is deducted (data space: « avoirs »)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="avoirs")
    tranche = models.ForeignKey(
        Tranche, on_delete=models.SET_NULL, null=True, blank=True, related_name="avoirs"
    )
    montant = models.DecimalField(
        "montant", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    date = models.DateField("date", default=timezone.localdate)
    motif = models.TextField("motif")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "avoir"
        verbose_name_plural = "avoirs"
        ordering = ["-date"]

    def __str__(self):
        return f"Avoir de {self.montant} € — {self.convention}"
