"""Daily rollup of CRA counters for territorial statistics (docs/statistiques.md).

``CumulJour``: one row per (day, département, région, type) with every counter of
``agregats.COMPTEURS`` summed over the active CRAs of that key. ``CleSale``: (day, département)
keys whose CRAs changed since the rollup was computed; CRA writes add them in the same
transaction, and ``cumuls.rafraichir()`` recomputes them before any read.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from conumapp.storage import private_storage

from .agregats import COMPTEURS


def _compteurs():
    return {name: models.BigIntegerField(default=0) for name in COMPTEURS}


class CumulJour(models.Model):
    jour = models.DateField()
    departement_code = models.CharField(max_length=3, blank=True)
    region_code = models.CharField(max_length=3, blank=True)
    type = models.CharField(max_length=24)

    locals().update(_compteurs())

    class Meta:
        verbose_name = "cumul journalier de CRA"
        verbose_name_plural = "cumuls journaliers de CRA"
        constraints = [
            models.UniqueConstraint(
                fields=["jour", "departement_code", "region_code", "type"], name="cumul_cle"
            )
        ]
        indexes = [
            models.Index(fields=["departement_code", "jour"], name="cumul_departement_jour"),
            models.Index(fields=["region_code", "jour"], name="cumul_region_jour"),
        ]

    def __str__(self):
        return f"Cumul du {self.jour} ({self.departement_code or '—'}, {self.type})"


class CumulMois(models.Model):
    """The same counters per (month, département, région, type), summed from ``CumulJour``:
    whole months of a period are read here (12 times fewer rows)."""

    mois = models.DateField()  # first day of the month
    departement_code = models.CharField(max_length=3, blank=True)
    region_code = models.CharField(max_length=3, blank=True)
    type = models.CharField(max_length=24)

    locals().update(_compteurs())

    class Meta:
        verbose_name = "cumul mensuel de CRA"
        verbose_name_plural = "cumuls mensuels de CRA"
        constraints = [
            models.UniqueConstraint(
                fields=["mois", "departement_code", "region_code", "type"], name="cumul_mois_cle"
            )
        ]
        indexes = [models.Index(fields=["departement_code", "mois"], name="cumul_mois_departement")]

    def __str__(self):
        return f"Cumul de {self.mois:%m/%Y} ({self.departement_code or '—'}, {self.type})"


class ActiviteJour(models.Model):
    """Who filed CRAs: one row per (day, advisor, structure, département, région, type) with
    the number of active CRAs. Serves the count of active advisors (distinct advisors over 30
    days) and the public page's small-cell rule without reading CRA rows."""

    jour = models.DateField()
    conseiller_id = models.IntegerField()
    structure_id = models.IntegerField(null=True)
    departement_code = models.CharField(max_length=3, blank=True)
    region_code = models.CharField(max_length=3, blank=True)
    type = models.CharField(max_length=24)
    cras = models.IntegerField(default=0)

    class Meta:
        verbose_name = "activité journalière d'un conseiller"
        verbose_name_plural = "activités journalières des conseillers"
        indexes = [
            models.Index(fields=["jour", "conseiller_id"], name="activite_jour"),
            models.Index(fields=["departement_code", "jour", "conseiller_id"], name="activite_departement"),
            models.Index(fields=["region_code", "jour", "conseiller_id"], name="activite_region"),
            models.Index(fields=["structure_id", "jour"], name="activite_structure"),
            models.Index(fields=["conseiller_id", "jour"], name="activite_conseiller"),
        ]

    def __str__(self):
        return f"Activité du {self.jour} (conseiller {self.conseiller_id})"


class CleSale(models.Model):
    """A (day, département) whose rollup rows must be recomputed. Duplicates are allowed."""

    jour = models.DateField()
    departement_code = models.CharField(max_length=3, blank=True)
    # Set by the refresh that is recomputing this key (under its lock, in its transaction).
    en_cours = models.BooleanField(default=False)

    class Meta:
        verbose_name = "cumul à recalculer"
        verbose_name_plural = "cumuls à recalculer"

    def __str__(self):
        return f"{self.jour} {self.departement_code}"


# --- Row exports of CRAs (owner: STATS-EXPORT, statistiques/export_cras.py) ---------------


def _export_upload_to(instance, filename):
    import os

    from django.utils import timezone

    from conumapp.files import random_name

    return f"exports-cra/{timezone.localdate():%Y/%m}/{random_name(os.path.splitext(filename)[1] or '.bin')}"


class ExportCra(models.Model):
    """A large CRA export prepared by a background task (``statistiques.tasks.exporter_cras``)."""

    CONSERVATION_JOURS = 7

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        EN_COURS = "en_cours", "En cours de préparation"
        TERMINE = "termine", "Prêt"
        ECHEC = "echec", "Échec"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX (tableur)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports_cra",
        verbose_name="demandé par",
    )
    format = models.CharField("format", max_length=4, choices=Format.choices)
    parametres = models.TextField("périmètre et filtres (paramètres de l'adresse)", blank=True)
    statut = models.CharField("état", max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    total = models.PositiveIntegerField("lignes à écrire", default=0)
    lignes = models.PositiveIntegerField("lignes écrites", default=0)
    fichier = models.FileField(
        "fichier", storage=private_storage, upload_to=_export_upload_to, blank=True, max_length=200
    )
    erreur = models.CharField("erreur", max_length=255, blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "export de CRA"
        verbose_name_plural = "exports de CRA"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "created_at"], name="export_cra_user_date")]

    def __str__(self):
        return f"Export {self.get_format_display()} n° {self.pk} ({self.get_statut_display()})"

    @property
    def conservation_jours(self) -> int:
        return self.CONSERVATION_JOURS

    def nom_fichier(self) -> str:
        return f"cra-{timezone.localtime(self.created_at):%Y-%m-%d}-{self.pk}.{self.format}"
