"""Supporting documents and renewals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from conumapp import permissions
from conumapp.files import PrivateFileField
from structures.models import Membre, Structure

from ..enums import (
    MotifNonInteresse,
    PieceStatut,
    PieceType,
    ReconventionnementStatut,
)
from .convention import Convention


class PieceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents: the structure's members and operators only (not prefectures)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if permissions.is_operateur(user):
            return self
        return self.filter(structure__in=Membre.objects.filter(user=user).values("structure_id"))

    def acceptees(self):
        return self.filter(statut=PieceStatut.ACCEPTEE)


class PieceJustificative(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="pieces_justificatives")
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, null=True, blank=True, related_name="pieces"
    )
    poste = models.ForeignKey(
        "structures.Poste", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    type = models.CharField("type de pièce", max_length=30, choices=PieceType.choices)
    fichier = PrivateFileField("fichier", prefix="conventions/pieces")
    nom_fichier = models.CharField("nom d'origine", max_length=255)
    valide_du = models.DateField("valable du", null=True, blank=True)
    valide_au = models.DateField("valable au", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=10, choices=PieceStatut.choices, default=PieceStatut.DEPOSEE
    )
    motif_refus = models.TextField("motif du refus", blank=True)
    deposee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deposee_le = models.DateTimeField(default=timezone.now)
    verifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verifiee_le = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["fichier"])
    objects = PieceQuerySet.as_manager()

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["-deposee_le"]

    def __str__(self):
        return f"{self.get_type_display()} — {self.structure}"


class ReconventionnementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(convention__in=Convention.objects.visible_to(user))

    def en_attente(self):
        return self.filter(statut=ReconventionnementStatut.INITIE)


class Reconventionnement(models.Model):
    convention = models.OneToOneField(Convention, on_delete=models.CASCADE, related_name="reconventionnement")
    statut = models.CharField("statut", max_length=15, choices=ReconventionnementStatut.choices)
    ds_numero = models.CharField("numéro de dossier Démarches Simplifiées", max_length=20, blank=True)
    motif_non_interesse = models.CharField(
        "motif", max_length=40, choices=MotifNonInteresse.choices, blank=True
    )
    nombre_postes = models.PositiveSmallIntegerField("postes demandés", default=0)
    initie_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    initie_le = models.DateTimeField(default=timezone.now)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    valide_le = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ReconventionnementQuerySet.as_manager()

    class Meta:
        verbose_name = "reconventionnement"
        verbose_name_plural = "reconventionnements"
        ordering = ["-initie_le"]

    def __str__(self):
        return f"Reconventionnement ({self.get_statut_display()}) — {self.convention}"


class ReconventionnementConseiller(models.Model):
    """An advisor whose contract is renewed, with the new contract declared by the structure.

    ``mise_en_relation_id`` refers to conseillers.MiseEnRelation without a foreign key: conventions
    sits below conseillers in the layering; the renewal handler resolves it.
    """

    reconventionnement = models.ForeignKey(
        Reconventionnement, on_delete=models.CASCADE, related_name="lignes"
    )
    mise_en_relation_id = models.PositiveIntegerField("recrutement renouvelé (identifiant)")
    conseiller_nom = models.CharField("conseiller", max_length=200)
    type_contrat = models.CharField("nouveau contrat", max_length=30)
    date_debut = models.DateField("début du nouveau contrat")
    date_fin = models.DateField("fin du nouveau contrat", null=True, blank=True)
    nouvelle_mise_en_relation_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "conseiller renouvelé"
        verbose_name_plural = "conseillers renouvelés"
        constraints = [
            models.UniqueConstraint(
                fields=["reconventionnement", "mise_en_relation_id"], name="reconv_ligne_unique"
            )
        ]

    def __str__(self):
        return self.conseiller_nom
