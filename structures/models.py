"""Structures: candidature, prefecture opinion, coselec decisions, posts, post requests, members.

Statuses are owned by ``structures.services``: never set them by hand.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conumapp import permissions
from conumapp.enums import GrandReseau

from .enums import (
    AvisPrefecture,
    DecisionType,
    DemandePosteStatut,
    DemandePosteType,
    PosteEtat,
    PosteType,
    StructureStatut,
    StructureType,
)


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one place that decides which structures a user may read."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if permissions.is_operateur(user):
            return self
        condition = Q(pk__in=Membre.objects.filter(user=user).values("structure_id"))
        if departements := permissions.prefecture_departements(user):
            condition |= Q(departement_id__in=departements)
        if regions := permissions.hub_regions(user):
            condition |= Q(region_id__in=regions)
        if reseaux := permissions.grands_reseaux(user):
            condition |= Q(grand_reseau__in=reseaux)
        territories = permissions.coordinateur_territories(user)
        if territories["departements"]:
            condition |= Q(departement_id__in=territories["departements"])
        if territories["regions"]:
            condition |= Q(region_id__in=territories["regions"])
        return self.filter(condition)

    def of_member(self, user):
        return self.filter(pk__in=Membre.objects.filter(user=user).values("structure_id"))

    def validees(self):
        return self.filter(statut=StructureStatut.VALIDATION_COSELEC)

    def vivantes(self):
        return self.filter(statut__in=StructureStatut.vivants())

    def with_postes_counts(self):
        return self.annotate(
            postes_vacants=Count("postes", filter=Q(postes__etat=PosteEtat.VACANT)),
            postes_occupes=Count("postes", filter=Q(postes__etat=PosteEtat.OCCUPE)),
            postes_rendus=Count("postes", filter=Q(postes__etat=PosteEtat.RENDU)),
        )


class Structure(models.Model):
    # Identity
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        db_index=True,
        help_text="14 chiffres (vide pour une structure de Nouvelle-Calédonie).",
    )
    ridet = models.CharField(
        "RIDET", max_length=7, blank=True, help_text="7 chiffres, Nouvelle-Calédonie uniquement."
    )
    nom = models.CharField("dénomination", max_length=255)
    type = models.CharField("type de structure", max_length=20, choices=StructureType.choices)
    statut = models.CharField(
        "statut", max_length=40, choices=StructureStatut.choices, default=StructureStatut.CREEE, db_index=True
    )
    # Address
    adresse = models.CharField("adresse", max_length=255)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        "conumapp.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    departement = models.ForeignKey(
        "conumapp.Departement",
        verbose_name="département",
        on_delete=models.PROTECT,
        related_name="structures",
    )
    region = models.ForeignKey(
        "conumapp.Region",
        verbose_name="région",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
    )
    # Contact (the person who applied; becomes the first member)
    contact_prenom = models.CharField("prénom du contact", max_length=100)
    contact_nom = models.CharField("nom du contact", max_length=100)
    contact_fonction = models.CharField("fonction du contact", max_length=150, blank=True)
    contact_email = models.EmailField("courriel du contact")
    contact_telephone = models.CharField("téléphone du contact", max_length=20, blank=True)
    # Application
    nombre_conseillers_souhaites = models.PositiveSmallIntegerField(
        "nombre de conseillers souhaités", default=1, validators=[MinValueValidator(1)]
    )
    date_debut_mission = models.DateField("date de début de mission souhaitée", null=True, blank=True)
    motivation = models.TextField("motivation", blank=True, validators=[MaxLengthValidator(2500)])
    engagement_confirme = models.BooleanField("engagement confirmé", default=False)
    zrr = models.BooleanField("en zone de revitalisation rurale (ZRR)", default=False)
    qpv = models.BooleanField("en quartier prioritaire de la ville (QPV)", default=False)
    label_france_services = models.BooleanField("labellisée France Services", default=False)
    grand_reseau = models.CharField("grand réseau", max_length=30, choices=GrandReseau.choices, blank=True)
    # Owned by services
    nombre_postes_accordes = models.PositiveSmallIntegerField("postes accordés (quota coselec)", default=0)
    created_at = models.DateTimeField("candidature déposée le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    legacy_id = models.CharField("identifiant d'origine", max_length=40, blank=True, db_index=True)

    history = HistoricalRecords()
    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["nom"]
        indexes = [models.Index(fields=["departement", "statut"], name="structure_dep_statut")]

    def __str__(self):
        return self.nom

    @property
    def identifiant(self) -> str:
        """The structure's Conum identifier, distinct from SIRET and from the DS file number."""
        return f"STR-{self.pk:06d}" if self.pk else ""

    @property
    def est_publique(self) -> bool:
        return self.type in StructureType.publics()

    @property
    def nature(self) -> str:
        return "publique" if self.est_publique else "privée"


class Membre(models.Model):
    """A user who acts for a structure (the structure's 'colleagues')."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="membres")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membres_structures"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "membre de structure"
        verbose_name_plural = "membres de structure"
        constraints = [models.UniqueConstraint(fields=["structure", "user"], name="membre_unique")]

    def __str__(self):
        return f"{self.user} — {self.structure}"


def est_membre(user, structure) -> bool:
    """The one membership check: does ``user`` act for ``structure`` (an instance or its id)?
    Used by every app's services, abilities and views."""
    structure_id = getattr(structure, "pk", structure)
    return Membre.objects.filter(structure_id=structure_id, user=user).exists()


def _invitation_token():
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS)


class Invitation(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique invitée")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"

    def __str__(self):
        return f"Invitation {self.email} — {self.structure}"

    @property
    def is_valid(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class AvisPrefet(models.Model):
    """A prefecture's motivated opinion on a candidature or on a post request."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="avis_prefet")
    demande = models.ForeignKey(
        "structures.DemandePoste", on_delete=models.CASCADE, null=True, blank=True, related_name="avis_prefet"
    )
    avis = models.CharField("avis", max_length=10, choices=AvisPrefecture.choices)
    commentaire = models.TextField(
        "commentaire", validators=[MinLengthValidator(10), MaxLengthValidator(1000)]
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("donné le", default=timezone.now)

    class Meta:
        verbose_name = "avis de la préfecture"
        verbose_name_plural = "avis de la préfecture"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_avis_display()} — {self.structure}"


class Coselec(models.Model):
    """A numbered national selection committee ("COSELEC 42")."""

    numero = models.PositiveIntegerField("numéro", unique=True)
    date = models.DateField("date")

    class Meta:
        verbose_name = "comité de sélection (coselec)"
        verbose_name_plural = "comités de sélection (coselec)"
        ordering = ["-numero"]

    def __str__(self):
        return f"COSELEC {self.numero}"


class DecisionCoselec(models.Model):
    """Every decision on a structure, kept forever (number, posts, opinion, who, when)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="decisions")
    coselec = models.ForeignKey(
        Coselec, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    demande = models.ForeignKey(
        "structures.DemandePoste", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    type = models.CharField("décision", max_length=40, choices=DecisionType.choices)
    nombre_postes = models.PositiveSmallIntegerField("postes accordés après décision", default=0)
    avis = models.CharField("avis du comité", max_length=500, blank=True)
    operateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("décidée le", default=timezone.now)

    class Meta:
        verbose_name = "décision coselec"
        verbose_name_plural = "décisions coselec"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_type_display()} — {self.structure}"


class PosteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(structure__in=Structure.objects.visible_to(user))

    def vacants(self):
        return self.filter(etat=PosteEtat.VACANT)

    def occupes(self):
        return self.filter(etat=PosteEtat.OCCUPE)

    def actifs(self):
        return self.exclude(etat=PosteEtat.RENDU)

    def vacants_depuis_plus_de(self, *, days: int, today=None):
        today = today or timezone.localdate()
        return self.vacants().filter(vacant_depuis__lte=today - timedelta(days=days))


class Poste(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="postes")
    type = models.CharField(
        "type de poste", max_length=10, choices=PosteType.choices, default=PosteType.CONUM
    )
    etat = models.CharField(
        "état", max_length=10, choices=PosteEtat.choices, default=PosteEtat.VACANT, db_index=True
    )
    vacant_depuis = models.DateField("vacant depuis", null=True, blank=True)
    rendu_le = models.DateField("rendu le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    history = HistoricalRecords()
    objects = PosteQuerySet.as_manager()

    class Meta:
        verbose_name = "poste"
        verbose_name_plural = "postes"
        ordering = ["structure_id", "pk"]

    def __str__(self):
        return f"Poste {self.pk} ({self.get_type_display()}, {self.get_etat_display()}) — {self.structure}"


class DemandePosteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(structure__in=Structure.objects.visible_to(user))

    def en_cours(self):
        return self.filter(statut=DemandePosteStatut.EN_COURS)


class DemandePoste(models.Model):
    """A request to add (``ajout``) or return (``retrait``) posts. One pending at a time."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="demandes_postes")
    type = models.CharField("type de demande", max_length=10, choices=DemandePosteType.choices)
    nombre = models.PositiveSmallIntegerField("nombre de postes", validators=[MinValueValidator(1)])
    motif = models.CharField("motif", max_length=40)
    statut = models.CharField(
        "statut", max_length=10, choices=DemandePosteStatut.choices, default=DemandePosteStatut.EN_COURS
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("demandée le", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    commentaire_decision = models.TextField("commentaire de la décision", blank=True)

    history = HistoricalRecords()
    objects = DemandePosteQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de postes"
        verbose_name_plural = "demandes de postes"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure"], condition=Q(statut="en_cours"), name="demande_poste_une_en_cours"
            )
        ]

    def __str__(self):
        return f"{self.get_type_display()} ({self.nombre}) — {self.structure}"

    @property
    def motif_label(self) -> str:
        from .enums import MotifAjout, MotifRetrait

        labels = dict(MotifAjout.choices) | dict(MotifRetrait.choices)
        return labels.get(self.motif, self.motif)


class TransfertPoste(models.Model):
    poste = models.ForeignKey(Poste, on_delete=models.CASCADE, related_name="transferts")
    depuis = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="transferts_sortants")
    vers = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="transferts_entrants")
    motif = models.TextField("motif", blank=True)
    hors_departement = models.BooleanField("hors département (par exception)", default=False)
    operateur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "transfert de poste"
        verbose_name_plural = "transferts de postes"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Poste {self.poste_id} : {self.depuis} → {self.vers}"


# --- Places of activity ----------------------------------------------------------------------


class LieuActiviteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(structure__in=Structure.objects.visible_to(user))

    def publiables(self):
        """Places published in open data: of a validated structure with a SIRET or RIDET."""
        from .enums import StructureStatut

        return self.filter(structure__statut=StructureStatut.VALIDATION_COSELEC).exclude(
            Q(structure__siret="") & Q(structure__ridet="")
        )


def _valeurs_autorisees(values, allowed, label):
    from django.core.exceptions import ValidationError

    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise ValidationError(f"Valeur non autorisée pour « {label} ».")


class LieuActivite(models.Model):
    """A place where the structure's advisors work, published in the national standard
    "lieux de médiation numérique" (DOMAIN.md §8; ``statistiques.opendata`` writes the file)."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="lieux_activite")
    nom = models.CharField("nom du lieu", max_length=255)
    adresse = models.CharField(
        "adresse", max_length=255, help_text="Numéro et voie, par exemple 12 rue de la Paix."
    )
    complement_adresse = models.CharField("complément d'adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        "conumapp.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    typologies = models.JSONField("typologie", default=list, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    courriel = models.EmailField("courriel de contact", blank=True)
    site_web = models.URLField("site web", blank=True)
    horaires = models.TextField("horaires", blank=True)
    presentation_resume = models.CharField(
        "présentation résumée", max_length=280, blank=True, validators=[MaxLengthValidator(280)]
    )
    presentation_detail = models.TextField("présentation détaillée", blank=True)
    itinerance = models.JSONField("itinérance", default=list, blank=True)
    services = models.JSONField("services", default=list)
    publics_specifiquement_adresses = models.JSONField(
        "publics spécifiquement adressés", default=list, blank=True
    )
    prise_en_charge_specifique = models.JSONField("prise en charge spécifique", default=list, blank=True)
    frais_a_charge = models.JSONField("frais à charge", default=list, blank=True)
    modalites_acces = models.JSONField("modalités d'accès", default=list, blank=True)
    modalites_accompagnement = models.JSONField("modalités d'accompagnement", default=list, blank=True)
    prise_rdv = models.URLField("prise de rendez-vous en ligne", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    history = HistoricalRecords()
    objects = LieuActiviteQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d'activité"
        verbose_name_plural = "lieux d'activité"
        ordering = ["structure_id", "nom", "pk"]

    def __str__(self):
        return f"{self.nom} ({self.structure})"

    @property
    def identifiant(self) -> str:
        """The place's stable identifier in open data (never reused)."""
        return f"conum-lieu-{self.pk}" if self.pk else ""

    def clean(self):
        from django.core.exceptions import ValidationError

        from conumapp.models import CodePostal

        from . import enums

        errors = {}
        checks = {
            "services": enums.SERVICES,
            "itinerance": enums.ITINERANCES,
            "frais_a_charge": enums.FRAIS_A_CHARGE,
            "publics_specifiquement_adresses": enums.PUBLICS_SPECIFIQUEMENT_ADRESSES,
            "prise_en_charge_specifique": enums.PRISES_EN_CHARGE_SPECIFIQUES,
            "modalites_acces": enums.MODALITES_ACCES,
            "modalites_accompagnement": enums.MODALITES_ACCOMPAGNEMENT,
            "typologies": enums.TypologieLieu.values,
        }
        for name, allowed in checks.items():
            try:
                _valeurs_autorisees(getattr(self, name), allowed, self._meta.get_field(name).verbose_name)
            except ValidationError as error:
                errors[name] = error
        if not self.services:
            errors.setdefault("services", ValidationError("Choisissez au moins un service."))
        if self.commune_id and self.code_postal:
            if not CodePostal.objects.filter(code=self.code_postal, commune_id=self.commune_id).exists():
                errors["commune"] = ValidationError("Cette commune ne correspond pas au code postal.")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = ValidationError("La latitude doit être comprise entre -90 et 90.")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = ValidationError("La longitude doit être comprise entre -180 et 180.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = ValidationError("Indiquez la latitude et la longitude, ou aucune des deux.")
        if errors:
            raise ValidationError(errors)
