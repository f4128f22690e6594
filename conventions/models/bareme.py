"""The rate table (barème)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from ..enums import (
    Nature,
    Phase,
    RegleTranches,
)
from ._commun import MONEY, ZERO, parse_echeances


class Bareme(models.Model):
    """A rate table line: amounts per post per year for a wave/phase and a kind of structure."""

    code = models.SlugField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    phase = models.PositiveSmallIntegerField("phase", choices=Phase.choices)
    nature = models.CharField("nature de la structure", max_length=10, choices=Nature.choices)
    montant_annee_1 = models.DecimalField("montant par poste, année 1 (€)", **MONEY)
    montant_annee_2 = models.DecimalField("montant par poste, année 2 (€)", default=ZERO, **MONEY)
    montant_annee_3 = models.DecimalField("montant par poste, année 3 (€)", default=ZERO, **MONEY)
    bonus_annee_1 = models.DecimalField("bonus QPV/ZRR, année 1 (€)", default=ZERO, **MONEY)
    bonus_annee_2 = models.DecimalField("bonus QPV/ZRR, année 2 (€)", default=ZERO, **MONEY)
    bonus_annee_3 = models.DecimalField("bonus QPV/ZRR, année 3 (€)", default=ZERO, **MONEY)
    duree_mois = models.PositiveSmallIntegerField(
        "durée de la convention (mois)", validators=[MinValueValidator(1)]
    )
    regle_tranches = models.CharField("règle des tranches", max_length=20, choices=RegleTranches.choices)
    echeances_mois = models.CharField(
        "échéances (mois après signature)",
        max_length=100,
        blank=True,
        help_text="Pour la règle « échéances » : mois séparés par des virgules, par exemple « 1,6,12 ».",
    )
    prorata = models.BooleanField(
        "ajuster au prorata des mois pourvus",
        default=True,
        help_text="Chaque tranche est ajustée au prorata des mois avec un conseiller en poste sur la période écoulée.",
    )
    actif = models.BooleanField("utilisé pour les nouvelles conventions", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "barème"
        verbose_name_plural = "barèmes"
        ordering = ["phase", "nature"]

    def __str__(self):
        return self.libelle

    def clean(self):
        if self.regle_tranches == RegleTranches.ECHEANCES:
            try:
                offsets = self.offsets()
            except ValueError:
                offsets = []
            if not offsets:
                raise ValidationError(
                    {"echeances_mois": "Indiquez au moins une échéance, en mois (ex. « 1,6,12 »)."}
                )

    def offsets(self) -> list[int]:
        return parse_echeances(self.echeances_mois)

    def montants(self) -> list[Decimal]:
        return [self.montant_annee_1, self.montant_annee_2, self.montant_annee_3]

    def bonus(self) -> list[Decimal]:
        return [self.bonus_annee_1, self.bonus_annee_2, self.bonus_annee_3]
