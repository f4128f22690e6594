"""Core models: users and habilitations, the territory referential, the email outbox."""

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .enums import GrandReseau, Role

# --- Users ---------------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with an email address. Roles come from habilitations."""

    username = None
    email = models.EmailField("adresse électronique", unique=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    # Roles are read through conumapp.permissions; these are conveniences for templates.
    @property
    def roles(self) -> set[str]:
        from .permissions import user_roles

        return user_roles(self)


class HabilitationQuerySet(models.QuerySet):
    def of_role(self, role):
        return self.filter(role=role)


class Habilitation(models.Model):
    """A role held by a user, with its territory where the role has one.

    Structure membership and the advisor's own profile live in their apps
    (structures.Membre, conseillers.Conseiller); the `structure` and `conseiller`
    habilitations mark the role for navigation and are kept in sync by those apps.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="habilitations")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    departement = models.ForeignKey(
        "conumapp.Departement", verbose_name="département", on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(
        "conumapp.Region", verbose_name="région", on_delete=models.PROTECT, null=True, blank=True
    )
    grand_reseau = models.CharField("grand réseau", max_length=30, choices=GrandReseau.choices, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = HabilitationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])  # who granted or removed which role

    class Meta:
        verbose_name = "habilitation"
        verbose_name_plural = "habilitations"
        constraints = [
            # Coalesce: the same role twice without a territory (NULL) is a duplicate too.
            models.UniqueConstraint(
                "user",
                "role",
                Coalesce("departement", Value("")),
                Coalesce("region", Value("")),
                "grand_reseau",
                name="habilitation_unique",
                violation_error_message="Cet utilisateur a déjà cette habilitation sur ce territoire.",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="prefecture") | models.Q(departement__isnull=False),
                name="habilitation_prefecture_has_departement",
                violation_error_message="Une habilitation préfecture doit indiquer son département.",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="hub") | models.Q(region__isnull=False),
                name="habilitation_hub_has_region",
                violation_error_message="Une habilitation hub doit indiquer sa région.",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="grand_reseau") | ~models.Q(grand_reseau=""),
                name="habilitation_grand_reseau_has_reseau",
                violation_error_message="Une habilitation grand réseau doit indiquer son réseau.",
            ),
        ]

    def __str__(self):
        scope = self.departement_id or self.region_id or self.get_grand_reseau_display() or ""
        return f"{self.get_role_display()} {scope}".strip()


# --- Territories ---------------------------------------------------------------------------


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name="région",
        on_delete=models.PROTECT,
        related_name="departements",
        null=True,
        blank=True,
        help_text="Vide pour les collectivités d'outre-mer hors région (975, 977, 978, 986, 987, 988).",
    )

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} - {self.nom}"


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=120)
    nom_recherche = models.CharField(
        "nom normalisé", max_length=120, db_index=True, help_text="Minuscules, sans accents ni tirets."
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    codes_postaux = models.CharField("codes postaux", max_length=200, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.departement_id})"


class CodePostal(models.Model):
    """Postcode → commune link (a postcode may serve several communes and vice versa)."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="codepostal_unique")]

    def __str__(self):
        return f"{self.code} {self.commune_id}"


# --- Email outbox ----------------------------------------------------------------------------


class OutboxEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboxEmail.Status.PENDING)

    def due(self, now=None):
        """Rows the sweep should (re)dispatch: pending and due, or stuck in a stale sending claim."""
        from .notifications import stale_claim_limit

        now = now or timezone.now()
        pending = models.Q(status=OutboxEmail.Status.PENDING) & (
            models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
        )
        stale = models.Q(status=OutboxEmail.Status.SENDING, claimed_at__lt=stale_claim_limit(now))
        return self.filter(pending | stale)

    def failed(self):
        return self.filter(status=OutboxEmail.Status.FAILED)


class OutboxEmail(models.Model):
    """An email written in the same transaction as the change that causes it, sent by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", "À envoyer"
        SENDING = "sending", "Envoi en cours"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Échec définitif"

    key = models.CharField(
        "clé d'unicité",
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Empêche d'écrire deux fois la même notification (ex. rappel-reconventionnement:42:90).",
    )
    template = models.CharField("gabarit", max_length=200, blank=True)
    to = models.JSONField("destinataires", default=list)
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("corps")
    html_body = models.TextField("corps HTML", blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    claimed_at = models.DateTimeField(
        "envoi commencé le",
        null=True,
        blank=True,
        help_text="Posé avant l'envoi SMTP : une deuxième livraison de la tâche ne renvoie pas le courriel.",
    )
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel sortant"
        verbose_name_plural = "courriels sortants"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"
