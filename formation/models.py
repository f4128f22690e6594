"""Training: initial path, dispensations, certifications, thematic modules, sessions, registrations."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conseillers.models import Conseiller, MiseEnRelation
from conumapp import permissions
from conumapp.files import PrivateFileField
from conumapp.models import Region
from structures.models import Structure

from .enums import (
    MotifDispense,
    Parcours,
    ResultatPositionnement,
    StatutAbsence,
    StatutCertification,
    StatutInscription,
    StatutSession,
    StatutValidation,
    TypeCertification,
    TypeModule,
)


class ParConseillerQuerySet(models.QuerySet):
    """Rows belonging to an advisor: visible to whoever may read the advisor."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if permissions.is_operateur(user):
            return self
        return self.filter(conseiller__in=Conseiller.objects.visible_to(user).values("pk"))


class OrganismeFormation(models.Model):
    """Training bodies referential (La Fabrik in mainland France, Pop School / Francil'In overseas)."""

    nom = models.CharField("nom", max_length=200, unique=True)
    outre_mer = models.BooleanField("intervient en outre-mer", default=False)
    regions = models.ManyToManyField(Region, verbose_name="régions couvertes", blank=True)
    actif = models.BooleanField("actif", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class FormationInitiale(models.Model):
    """An advisor's initial training path (positioning test, path, dates)."""

    conseiller = models.ForeignKey(Conseiller, on_delete=models.PROTECT, related_name="formations_initiales")
    mise_en_relation = models.ForeignKey(
        MiseEnRelation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="contrat",
    )
    date_positionnement = models.DateField("test de positionnement le", null=True, blank=True)
    resultat_positionnement = models.CharField(
        "résultat du positionnement", max_length=20, choices=ResultatPositionnement.choices, blank=True
    )
    parcours = models.PositiveSmallIntegerField("parcours", choices=Parcours.choices, null=True, blank=True)
    organisme = models.ForeignKey(
        OrganismeFormation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="organisme de formation",
    )
    date_entree = models.DateField("entrée en formation", null=True, blank=True)
    date_sortie = models.DateField("sortie de formation", null=True, blank=True)
    financee = models.BooleanField("financée par l'État", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ParConseillerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "formation initiale"
        verbose_name_plural = "formations initiales"
        ordering = ["-date_entree", "-pk"]

    def __str__(self):
        return f"Formation initiale de {self.conseiller}"

    def echeance_certification(self):
        """Deadline to present the advisor to certification after leaving training."""
        if not self.date_sortie:
            return None
        from dateutil.relativedelta import relativedelta

        return self.date_sortie + relativedelta(months=settings.CERTIFICATION_DEADLINE_MONTHS)


class Dispense(models.Model):
    """Dispensation from initial training, validated by an operator on proof."""

    conseiller = models.ForeignKey(Conseiller, on_delete=models.PROTECT, related_name="dispenses")
    motif = models.CharField("diplôme détenu", max_length=20, choices=MotifDispense.choices)
    justificatif = PrivateFileField("justificatif", prefix="dispenses", blank=True)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutValidation.choices, default=StatutValidation.SOUMISE
    )
    commentaire = models.TextField("commentaire", blank=True)
    validee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validee_le = models.DateTimeField("décidée le", null=True, blank=True)
    created_at = models.DateTimeField("demandée le", default=timezone.now)

    objects = ParConseillerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "dispense de formation initiale"
        verbose_name_plural = "dispenses de formation initiale"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Dispense ({self.get_motif_display()}) de {self.conseiller}"


class Certification(models.Model):
    """CCP1 (REMN), Pix, or the optional full REMN title: inscrit → convoque → reussi | echec | absent."""

    conseiller = models.ForeignKey(Conseiller, on_delete=models.PROTECT, related_name="certifications")
    type = models.CharField("certification", max_length=20, choices=TypeCertification.choices)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutCertification.choices, default=StatutCertification.INSCRIT
    )
    date_convocation = models.DateField("convoqué pour le", null=True, blank=True)
    date_resultat = models.DateField("résultat le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ParConseillerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "certification"
        verbose_name_plural = "certifications"
        ordering = ["type", "-created_at"]

    def __str__(self):
        return f"{self.get_type_display()} — {self.conseiller} ({self.get_statut_display()})"


class StructureFormation(models.Model):
    """Training-side facts about a structure (keyed by structure, owned by this app)."""

    structure = models.OneToOneField(Structure, on_delete=models.CASCADE, related_name="formation")
    habilitation_aidants_connect = models.BooleanField("habilitée Aidants Connect", default=False)
    date_habilitation_aidants_connect = models.DateField(
        "habilitée Aidants Connect le", null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "habilitation Aidants Connect de structure"
        verbose_name_plural = "habilitations Aidants Connect des structures"

    def __str__(self):
        return f"{self.structure} — Aidants Connect : {'oui' if self.habilitation_aidants_connect else 'non'}"


class ModuleThematique(models.Model):
    nom = models.CharField("nom", max_length=255, unique=True)
    type = models.CharField("type", max_length=20, choices=TypeModule.choices)
    duree_heures = models.PositiveSmallIntegerField("durée (heures)")
    prerequis_aidants_connect = models.BooleanField(
        "nécessite l'habilitation Aidants Connect de la structure", default=False
    )
    actif = models.BooleanField("proposé", default=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "module thématique"
        verbose_name_plural = "catalogue des modules thématiques"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


class SessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self

    def with_inscrits(self):
        return self.annotate(
            nb_inscrits=Count(
                "inscriptions", filter=Q(inscriptions__statut__in=StatutInscription.occupant_place())
            )
        )

    def ouvertes(self, today=None):
        today = today or timezone.localdate()
        return self.filter(date_debut__gt=today).exclude(statut=StatutSession.ANNULEE)


class Session(models.Model):
    module = models.ForeignKey(ModuleThematique, on_delete=models.PROTECT, related_name="sessions")
    organisme = models.ForeignKey(
        OrganismeFormation, on_delete=models.PROTECT, verbose_name="organisme de formation"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name="région")
    date_debut = models.DateField("premier jour")
    date_fin = models.DateField("dernier jour")
    lieu = models.CharField("lieu (journée en présentiel)", max_length=255, blank=True)
    a_distance = models.BooleanField("entièrement à distance", default=False)
    capacite = models.PositiveSmallIntegerField("places", validators=[MinValueValidator(1)])
    minimum_inscrits = models.PositiveSmallIntegerField("minimum d'inscrits pour ouvrir", default=6)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutSession.choices, default=StatutSession.PLANIFIEE
    )
    motif_annulation = models.CharField("motif d'annulation", max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "session"
        verbose_name_plural = "sessions"
        ordering = ["date_debut", "pk"]
        indexes = [models.Index(fields=["statut", "date_debut"])]

    def __str__(self):
        return f"{self.module} — {self.date_debut:%d/%m/%Y} ({self.region})"

    @property
    def annee(self) -> int:
        return self.date_debut.year


class InscriptionQuerySet(ParConseillerQuerySet):
    def occupant_place(self):
        return self.filter(statut__in=StatutInscription.occupant_place())

    def manquements(self):
        return self.filter(statut=StatutInscription.ABSENT, absence_statut=StatutAbsence.MANQUEMENT)


class Inscription(models.Model):
    """demandee → eligible | refusee → confirmee → suivie | absent (absence to justify)."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="inscriptions")
    conseiller = models.ForeignKey(
        Conseiller, on_delete=models.PROTECT, related_name="inscriptions_formation"
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    annee = models.PositiveSmallIntegerField("année", db_index=True)
    financee = models.BooleanField("financée par l'État", default=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutInscription.choices, default=StatutInscription.DEMANDEE
    )
    motif_refus = models.TextField("motif du refus", blank=True)
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    absence_statut = models.CharField("absence", max_length=20, choices=StatutAbsence.choices, blank=True)
    absence_motif = models.TextField("motif de l'absence", blank=True)
    absence_justificatif = PrivateFileField("justificatif d'absence", prefix="absences-formation", blank=True)
    created_at = models.DateTimeField("demandée le", default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InscriptionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "inscription à une session"
        verbose_name_plural = "inscriptions aux sessions"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "conseiller"], name="inscription_unique"),
        ]

    def __str__(self):
        return f"{self.conseiller} — {self.session}"


class SuiviFormation(Conseiller):
    """Operators' list of advisors with their training follow-up (proxy, no table)."""

    class Meta:
        proxy = True
        verbose_name = "suivi de formation d'un conseiller"
        verbose_name_plural = "suivi de formation des conseillers"
