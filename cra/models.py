"""Activity reports (CRA): one row per session with the public, non-nominative.

Designed for statistics over 10 million rows (docs/cra-model.md): every column statistics
filter or count on is denormalised on the row (employer structure on the CRA's date, its
département and région codes at filing time, public counts as small integer columns), and the
multi-valued codes (themes, equipment) are bit sets, so one scan counts them all.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conseillers.models import Conseiller, Coordination
from conumapp import permissions
from structures.models import Membre, Structure

from .enums import (
    COMPTES,
    DUREE_MAX,
    Autonomie,
    Genre,
    Materiel,
    Niveau,
    Source,
    StatutSocial,
    StructureRedirection,
    Thematique,
    TrancheAge,
    TypeCra,
    TypeLieu,
    codes_of,
)

RESTORE_DAYS = 30
DATE_MIN = "2020-01-01"


class CraQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisor: own; structure: CRAs filed while the advisor worked there (the row's
        ``structure`` is the employer on the CRA's date); coordinator: its advisors;
        operators: all; other roles: nothing (they read statistics, not rows)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if permissions.is_operateur(user):
            return self
        condition = Q(conseiller__user=user)
        condition |= Q(structure_id__in=Membre.objects.filter(user=user).values("structure_id"))
        condition |= Q(
            conseiller_id__in=Coordination.objects.filter(coordinateur=user).values("conseiller_id")
        )
        return self.filter(condition)

    def actifs(self):
        return self.filter(deleted_at__isnull=True)

    def supprimes(self):
        return self.filter(deleted_at__isnull=False)

    def restaurables(self, now=None):
        limit = (now or timezone.now()) - timedelta(days=RESTORE_DAYS)
        return self.filter(deleted_at__gte=limit)

    def with_theme(self, code):
        from .enums import bit

        return self.annotate(_t=models.F("thematiques").bitand(bit(code, Thematique))).exclude(_t=0)


def _count_fields():
    fields = {}
    for prefix, enum in COMPTES:
        for member in enum:
            fields[f"{prefix}_{member.value}"] = models.PositiveSmallIntegerField(
                f"{prefix} : {member.label}", default=0
            )
    return fields


class Cra(models.Model):
    conseiller = models.ForeignKey(Conseiller, on_delete=models.PROTECT, related_name="cras")
    # Denormalised scope, fixed at filing time (an advisor who changes structure keeps history).
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="cras"
    )
    departement_code = models.CharField("département", max_length=3, blank=True)
    region_code = models.CharField("région", max_length=3, blank=True)

    date = models.DateField("date de l'accompagnement")
    type = models.CharField("type", max_length=24, choices=TypeCra.choices)
    duree = models.PositiveSmallIntegerField("durée (minutes)")
    type_lieu = models.CharField("lieu", max_length=14, choices=TypeLieu.choices)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    materiel = models.PositiveSmallIntegerField("matériel (bits)", default=0)
    thematiques = models.BigIntegerField("thématiques (bits)", default=0)

    # Individual only
    autonomie = models.CharField("autonomie", max_length=24, choices=Autonomie.choices, blank=True)
    oriente = models.BooleanField("orienté vers une autre structure", null=True, blank=True)
    structure_redirection = models.CharField(
        "structure de redirection", max_length=40, choices=StructureRedirection.choices, blank=True
    )
    # Collective only
    titre_atelier = models.CharField("titre de l'atelier", max_length=150, blank=True)
    niveau = models.CharField("niveau", max_length=14, choices=Niveau.choices, blank=True)
    participants = models.PositiveSmallIntegerField("participants", default=1)
    participants_recurrents = models.PositiveSmallIntegerField("dont participants récurrents", default=0)

    locals().update(_count_fields())

    tags = models.CharField("étiquettes", max_length=200, blank=True)
    note = models.CharField("note", max_length=500, blank=True)

    source = models.CharField("source", max_length=2, choices=Source.choices, blank=True, default="")
    source_id = models.CharField("identifiant d'origine", max_length=64, blank=True, default="")
    source_data = models.JSONField("valeurs d'origine", null=True, blank=True)

    created_at = models.DateTimeField("saisi le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["source_data"])
    objects = CraQuerySet.as_manager()

    class Meta:
        verbose_name = "CRA"
        verbose_name_plural = "CRA"
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["date"], name="cra_date"),
            models.Index(fields=["structure", "date"], name="cra_structure_date"),
            models.Index(fields=["conseiller", "date"], name="cra_conseiller_date"),
            models.Index(fields=["departement_code", "date"], name="cra_departement_date"),
            models.Index(fields=["region_code", "date"], name="cra_region_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source_id=""), name="cra_source_unique"
            ),
            models.CheckConstraint(condition=Q(duree__gte=1, duree__lte=DUREE_MAX), name="cra_duree_bornee"),
        ]

    def __str__(self):
        return f"CRA du {self.date:%d/%m/%Y} ({self.get_type_display()})"

    # --- multi-valued codes ---------------------------------------------------------------
    @property
    def thematiques_codes(self) -> list[str]:
        return codes_of(self.thematiques, Thematique)

    @property
    def materiel_codes(self) -> list[str]:
        return codes_of(self.materiel, Materiel)

    def thematiques_labels(self) -> list[str]:
        return [Thematique(c).label for c in self.thematiques_codes]

    def materiel_labels(self) -> list[str]:
        return [Materiel(c).label for c in self.materiel_codes]

    def comptes(self, prefix) -> dict[str, int]:
        enum = dict(COMPTES)[prefix]
        return {m.value: getattr(self, f"{prefix}_{m.value}") for m in enum}

    @property
    def est_collectif(self) -> bool:
        return self.type == TypeCra.COLLECTIF

    @property
    def accompagnements(self) -> int:
        return self.participants if self.est_collectif else 1

    def editable_until(self):
        return self.created_at + timedelta(days=settings.CRA_EDIT_WINDOW_DAYS)

    def is_editable(self, now=None) -> bool:
        return self.deleted_at is None and (now or timezone.now()) <= self.editable_until()

    def is_restorable(self, now=None) -> bool:
        return self.deleted_at is not None and self.deleted_at >= (now or timezone.now()) - timedelta(
            days=RESTORE_DAYS
        )

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.date and self.date > today:
            errors["date"] = "La date ne peut pas être dans le futur."
        elif self.date and self.date.isoformat() < DATE_MIN:
            errors["date"] = "La date ne peut pas être antérieure au 1er janvier 2020."
        if self.duree is not None and not 1 <= self.duree <= DUREE_MAX:
            errors["duree"] = "La durée doit être comprise entre 1 minute et 8 heures."
        if not self.thematiques:
            errors["thematiques"] = "Choisissez au moins une thématique."
        if self.type == TypeCra.COLLECTIF:
            if not 2 <= (self.participants or 0) <= 100:
                errors["participants"] = "Un atelier collectif compte entre 2 et 100 participants."
            elif self.participants_recurrents > self.participants:
                errors["participants_recurrents"] = (
                    "Les participants récurrents ne peuvent pas dépasser le nombre de participants."
                )
        elif self.type == TypeCra.INDIVIDUEL and self.participants != 1:
            errors["participants"] = "Un accompagnement individuel concerne une seule personne."
        if self.participants and "participants" not in errors:
            labels = {"age": "tranches d'âge", "genre": "genres", "statut": "statuts"}
            for prefix, _enum in COMPTES:
                total = sum(self.comptes(prefix).values())
                if total != self.participants:
                    errors[f"comptes_{prefix}"] = (
                        f"La somme des {labels[prefix]} ({total}) doit être égale au nombre "
                        f"de participants ({self.participants})."
                    )
        if self.oriente is not True and self.structure_redirection:
            self.structure_redirection = ""
        if len(self.note or "") > 500:
            errors["note"] = "La note ne doit pas dépasser 500 caractères."
        if errors:
            # Count errors are not model fields: report them as non-field errors.
            field_names = {f.name for f in self._meta.get_fields()}
            raise ValidationError({(k if k in field_names else "__all__"): v for k, v in errors.items()})


class AlerteInactivite(models.Model):
    """An advisor in post without a CRA for 30 or 45 days; one row per threshold and episode
    (``depuis`` is the date of the last CRA, or the start of the expected activity)."""

    conseiller = models.ForeignKey(Conseiller, on_delete=models.CASCADE, related_name="alertes_inactivite")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="alertes_inactivite_cra")
    seuil = models.PositiveSmallIntegerField(
        "seuil (jours)", choices=[(30, "M+1 (30 jours)"), (45, "M+1,5 (45 jours)")]
    )
    depuis = models.DateField("sans CRA depuis")
    created_at = models.DateTimeField("signalé le", default=timezone.now)

    class Meta:
        verbose_name = "conseiller sans CRA"
        verbose_name_plural = "conseillers sans CRA"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["conseiller", "seuil", "depuis"], name="alerte_inactivite_unique")
        ]

    def __str__(self):
        return f"{self.conseiller} sans CRA depuis le {self.depuis:%d/%m/%Y} ({self.seuil} jours)"


class ImportCra(models.Model):
    """One run of the legacy import (command or admin): counts and the refused rows' report."""

    format = models.CharField("format", max_length=2, choices=[("v1", "v1"), ("v2", "v2")])
    nom_fichier = models.CharField("fichier", max_length=255)
    dry_run = models.BooleanField("simulation", default=False)
    lignes = models.PositiveIntegerField("lignes lues", default=0)
    importees = models.PositiveIntegerField("importées", default=0)
    deja_presentes = models.PositiveIntegerField("déjà présentes", default=0)
    refusees = models.PositiveIntegerField("refusées", default=0)
    rapport = models.TextField("rapport des lignes refusées (CSV)", blank=True)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("lancé le", default=timezone.now)

    class Meta:
        verbose_name = "import de CRA"
        verbose_name_plural = "imports de CRA"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import {self.format} {self.nom_fichier} ({self.created_at:%d/%m/%Y %H:%M})"


__all__ = ["Cra", "AlerteInactivite", "ImportCra", "TrancheAge", "Genre", "StatutSocial"]
