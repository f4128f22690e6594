"""Advisors: candidate profile → advisor, recruitment pipeline (mise en relation), contracts.

Statuses are owned by ``conseillers.services``: never set them by hand.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conumapp import permissions
from conumapp.sql import RequeteCompilee
from conumapp.storage import private_storage
from structures.models import Membre, Structure, est_membre

from .enums import (
    ConseillerStatut,
    DistanceMax,
    MiseEnRelationStatut,
    MotifRupture,
    PixNiveau,
    ProlongationStatut,
    Situation,
    TypeConge,
    TypeContrat,
)


class ConseillerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Advisors (and candidates) a user may read. Candidates visible to recruiting
        structures are selected by ``candidats_pour(structure)``, not here."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if permissions.is_operateur(user):
            return self
        condition = Q(user=user)
        structures = Membre.objects.filter(user=user).values("structure_id")
        condition |= Q(
            pk__in=MiseEnRelation.objects.filter(structure_id__in=structures).values("conseiller_id")
        )
        if departements := permissions.prefecture_departements(user):
            condition |= Q(
                pk__in=MiseEnRelation.objects.filter(
                    structure__departement_id__in=departements,
                    statut__in=MiseEnRelationStatut.occupant_poste(),
                ).values("conseiller_id")
            )
        condition |= Q(pk__in=Coordination.objects.filter(coordinateur=user).values("conseiller_id"))
        return self.filter(condition)

    def recrutes(self):
        return self.filter(statut=ConseillerStatut.RECRUTE)

    def disponibles(self):
        return self.filter(disponible=True).exclude(statut=ConseillerStatut.RECRUTE)


class Conseiller(models.Model):
    """A candidate; once recruited, a conseiller numérique. The account is ``user``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conseiller")
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
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
        "conumapp.Departement", verbose_name="département", on_delete=models.PROTECT, null=True, blank=True
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    disponible = models.BooleanField("disponible", default=True)
    date_disponibilite = models.DateField("disponible à partir du", null=True, blank=True)
    distance_max = models.PositiveSmallIntegerField(
        "distance maximale de mobilité", choices=DistanceMax.choices, default=DistanceMax.KM_20
    )
    situation = models.CharField("situation", max_length=20, choices=Situation.choices, blank=True)
    diplome_mediation = models.BooleanField("diplômé de la médiation numérique", default=False)
    diplome_nom = models.CharField("nom du diplôme", max_length=200, blank=True)
    experience_mediation = models.BooleanField("expérience en médiation numérique", default=False)
    pix_niveau = models.PositiveSmallIntegerField(
        "niveau Pix", choices=PixNiveau.choices, null=True, blank=True
    )
    pix_partage = models.BooleanField("résultat Pix partagé", default=False)
    ccp1_obtenu = models.BooleanField("CCP1 REMN obtenu", default=False)
    cv = models.FileField("CV", storage=private_storage, upload_to="cv/", blank=True)
    cv_nom = models.CharField("nom d'origine du CV", max_length=255, blank=True)
    statut = models.CharField(
        "statut", max_length=10, choices=ConseillerStatut.choices, blank=True, db_index=True
    )
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    legacy_id = models.CharField("identifiant d'origine", max_length=40, blank=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["telephone", "cv", "cv_nom"])
    objects = ConseillerQuerySet.as_manager()

    class Meta:
        verbose_name = "conseiller"
        verbose_name_plural = "conseillers"
        ordering = ["nom", "prenom"]
        indexes = [
            models.Index(fields=["disponible", "statut"], name="conseiller_dispo_statut"),
            models.Index(fields=["latitude", "longitude"], name="conseiller_lat_lon"),
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    @property
    def email(self) -> str:
        return self.user.email


class MiseEnRelationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if permissions.is_operateur(user):
            return self
        condition = Q(structure_id__in=Membre.objects.filter(user=user).values("structure_id"))
        condition |= Q(conseiller__user=user)
        if departements := permissions.prefecture_departements(user):
            condition |= Q(structure__departement_id__in=departements)
        return self.filter(condition)

    def occupant_poste(self):
        return self.filter(statut__in=MiseEnRelationStatut.occupant_poste())

    def nombre_conseillers(self) -> int:
        """How many posts these recruitments hold: see :func:`compte_conseillers`."""
        return self.aggregate(nombre=compte_conseillers())["nombre"]

    def en_poste(self):
        return self.filter(statut__in=MiseEnRelationStatut.en_poste())

    def employant_a(self, day):
        """Contracts covering ``day`` (start ≤ day ≤ end or rupture), whatever the status now."""
        return (
            self.filter(date_debut__lte=day)
            .filter(
                Q(date_rupture__isnull=False, date_rupture__gte=day)
                | Q(date_rupture__isnull=True, date_fin__isnull=True)
                | Q(date_rupture__isnull=True, date_fin__gte=day)
            )
            .filter(
                statut__in=[
                    MiseEnRelationStatut.FINALISEE,
                    MiseEnRelationStatut.NOUVELLE_RUPTURE,
                    MiseEnRelationStatut.FINALISEE_RUPTURE,
                    MiseEnRelationStatut.RENOUVELLEMENT_INITIEE,
                    MiseEnRelationStatut.TERMINEE,
                ]
            )
        )


def compte_conseillers(chemin: str = "", statuts=None) -> Count:
    """The quota rule: posts are counted in distinct advisors, not in recruitments.

    A renewal in progress keeps the old contract ``finalisee`` next to the new one
    ``renouvellement_initiee``: one advisor on one post, counted once. ``chemin`` is the path to
    the recruitments from the model being annotated (e.g. ``"structure__mises_en_relation__"``),
    ``statuts`` restricts them (e.g. ``MiseEnRelationStatut.en_poste()``). Used by the services
    (declaring and validating a recruitment, free posts) and the back office's quota column.
    """
    condition = Q(**{f"{chemin}statut__in": statuts}) if statuts is not None else None
    return Count(f"{chemin}conseiller", filter=condition, distinct=True)


class MiseEnRelation(models.Model):
    """A candidate ↔ structure link and, once recruited, the employment contract."""

    conseiller = models.ForeignKey(Conseiller, on_delete=models.PROTECT, related_name="mises_en_relation")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="mises_en_relation")
    poste = models.ForeignKey(
        "structures.Poste", on_delete=models.PROTECT, null=True, blank=True, related_name="mises_en_relation"
    )
    statut = models.CharField(
        "statut", max_length=30, choices=MiseEnRelationStatut.choices, default=MiseEnRelationStatut.NOUVELLE
    )
    # Contract (declared by the structure; validated by the operator)
    type_contrat = models.CharField("type de contrat", max_length=30, choices=TypeContrat.choices, blank=True)
    date_debut = models.DateField("début du contrat", null=True, blank=True)
    date_fin = models.DateField("fin du contrat", null=True, blank=True)
    salaire_brut = models.DecimalField(
        "salaire brut mensuel", max_digits=8, decimal_places=2, null=True, blank=True
    )
    # Contract end (rupture)
    date_rupture = models.DateField("date de fin de contrat (rupture)", null=True, blank=True)
    motif_rupture = models.CharField(
        "motif de rupture", max_length=30, choices=MotifRupture.choices, blank=True
    )
    commentaire_rupture = models.TextField("commentaire", blank=True)
    dossier_incomplet = models.BooleanField("pièces manquantes", default=False)
    pieces_manquantes = models.TextField("pièces manquantes (détail)", blank=True)
    # Renewal chain
    renouvelle = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renouvellement"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField("recrutement validé le", null=True, blank=True)
    rupture_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rupture_validated_at = models.DateTimeField("rupture validée le", null=True, blank=True)

    history = HistoricalRecords()
    objects = MiseEnRelationQuerySet.as_manager()

    class Meta:
        verbose_name = "mise en relation"
        verbose_name_plural = "mises en relation"
        ordering = ["-created_at"]
        constraints = [
            # An advisor cannot be recruited by two structures at once.
            models.UniqueConstraint(
                fields=["conseiller"],
                condition=Q(statut__in=["recrutee", "finalisee", "nouvelle_rupture"]),
                name="mer_un_recrutement_actif",
            ),
            models.UniqueConstraint(
                fields=["conseiller", "structure"],
                condition=Q(statut__in=["nouvelle", "interessee", "nonInteressee"]),
                name="mer_une_candidature_par_structure",
            ),
        ]
        indexes = [
            models.Index(fields=["structure", "statut"], name="mer_structure_statut"),
            models.Index(fields=["conseiller", "date_debut"], name="mer_conseiller_debut"),
        ]

    def __str__(self):
        return f"{self.conseiller} — {self.structure} ({self.get_statut_display()})"

    def get_abilities(self, user) -> dict[str, bool]:
        """What ``user`` may do on this recruitment (views, templates, admin). Services re-check."""
        membre = est_membre(user, self.structure_id)
        s = MiseEnRelationStatut
        return {
            "contrat": membre and self.statut == s.INTERESSEE,
            "annuler": membre and self.statut == s.RECRUTEE,
            "prolongation": membre and self.statut == s.FINALISEE and self.type_contrat != TypeContrat.CDI,
            "rupture": membre and self.statut == s.FINALISEE,
            "conge": membre and self.statut in s.en_poste(),
        }


@functools.cache
def _requete_employeur(fields: tuple[str, ...]) -> RequeteCompilee:
    """The "employer on a date" query for ``fields``, compiled once (it runs at every CRA filing)."""

    def contrats(conseiller_id, day):
        return (
            MiseEnRelation.objects.filter(conseiller_id=conseiller_id)
            .employant_a(day)
            .order_by("-date_debut", "-pk")
            .values_list(*fields)[:1]
        )

    return RequeteCompilee(contrats, conseiller_id=-7_350_001, day=date(1901, 2, 3))


def employeur_a(conseiller_id: int, day, *fields: str):
    """The contract employing the advisor on ``day`` (the latest started), as a tuple of
    ``fields`` (default: the structure's id alone, not in a tuple), or None. ``fields`` are
    ids, codes or texts (the row comes from the driver, without the ORM's converters)."""
    row = _requete_employeur(fields or ("structure_id",)).ligne(conseiller_id=conseiller_id, day=day)
    if not fields:
        return row[0] if row else None
    return row


def structure_employant(conseiller_id: int, day) -> int | None:
    """Id of the structure employing the advisor on ``day`` (CRAs attach to it), or None."""
    return employeur_a(conseiller_id, day)


class Prolongation(models.Model):
    mise_en_relation = models.ForeignKey(
        MiseEnRelation, on_delete=models.CASCADE, related_name="prolongations"
    )
    date_fin = models.DateField("nouvelle date de fin")
    salaire_brut = models.DecimalField(
        "salaire brut mensuel", max_digits=8, decimal_places=2, null=True, blank=True
    )
    statut = models.CharField(
        "statut", max_length=10, choices=ProlongationStatut.choices, default=ProlongationStatut.INITIEE
    )
    demandee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    validee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validee_le = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "prolongation de contrat"
        verbose_name_plural = "prolongations de contrat"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Prolongation au {self.date_fin:%d/%m/%Y} — {self.mise_en_relation}"


class CongeQuerySet(models.QuerySet):
    def couvrant(self, day):
        return self.filter(date_debut__lte=day, date_fin__gte=day)


class Conge(models.Model):
    """Declared prolonged leave: no CRA is expected during it."""

    conseiller = models.ForeignKey(Conseiller, on_delete=models.CASCADE, related_name="conges")
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="conges_declares")
    type = models.CharField("type de congé", max_length=20, choices=TypeConge.choices)
    date_debut = models.DateField("du")
    date_fin = models.DateField("au")
    justificatif = models.FileField("justificatif", storage=private_storage, upload_to="conges/", blank=True)
    declare_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CongeQuerySet.as_manager()

    class Meta:
        verbose_name = "congé déclaré"
        verbose_name_plural = "congés déclarés"
        ordering = ["-date_debut"]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date_debut:%d/%m/%Y} au {self.date_fin:%d/%m/%Y}"


class Coordination(models.Model):
    """A coordinator (a user with the ``coordinateur`` role) coordinates a list of advisors."""

    coordinateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinations"
    )
    conseiller = models.ForeignKey(Conseiller, on_delete=models.CASCADE, related_name="coordinations")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "coordination"
        verbose_name_plural = "coordinations"
        constraints = [
            models.UniqueConstraint(fields=["coordinateur", "conseiller"], name="coordination_unique")
        ]

    def __str__(self):
        return f"{self.coordinateur} coordonne {self.conseiller}"


# --- Back-office queues (proxy models: one admin page each) ----------------------------------


class Candidat(Conseiller):
    class Meta:
        proxy = True
        verbose_name = "candidat"
        verbose_name_plural = "candidats"


class RecrutementAValider(MiseEnRelation):
    class Meta:
        proxy = True
        verbose_name = "recrutement à valider"
        verbose_name_plural = "recrutements à valider"


class RuptureATraiter(MiseEnRelation):
    class Meta:
        proxy = True
        verbose_name = "rupture à traiter"
        verbose_name_plural = "ruptures à traiter"


class ProlongationAValider(Prolongation):
    class Meta:
        proxy = True
        verbose_name = "prolongation à valider"
        verbose_name_plural = "prolongations à valider"


# --- Salary parameters (editable by operators; history kept) --------------------------------


class ParametreSalaire(models.Model):
    """The gross monthly SMIC used as the minimum salary of a contract.

    Every change is a new row (never edited): the row with the latest effective date not after
    the day considered wins; without any row, ``settings.SMIC_BRUT_MENSUEL`` applies.
    """

    smic_brut_mensuel = models.DecimalField(
        "SMIC brut mensuel (€)", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    date_effet = models.DateField("applicable à partir du", default=timezone.localdate)
    commentaire = models.CharField("commentaire", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="saisi par",
    )  # fmt: skip
    created_at = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "paramètre de salaire (SMIC)"
        verbose_name_plural = "paramètres de salaire (SMIC)"
        ordering = ["-date_effet", "-pk"]

    def __str__(self):
        return f"SMIC brut mensuel {self.smic_brut_mensuel} € au {self.date_effet:%d/%m/%Y}"

    @classmethod
    def smic_en_vigueur(cls, day=None) -> Decimal:
        """The SMIC in force on ``day`` (today by default)."""
        day = day or timezone.localdate()
        value = (
            cls.objects.filter(date_effet__lte=day)
            .order_by("-date_effet", "-pk")
            .values_list("smic_brut_mensuel", flat=True)
            .first()
        )
        return value if value is not None else Decimal(settings.SMIC_BRUT_MENSUEL)
