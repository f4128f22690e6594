"""Advisor and recruitment enumerations (DOMAIN.md §2.6–2.8, §3); codes as in the legacy systems."""

from django.db import models


class MiseEnRelationStatut(models.TextChoices):
    NOUVELLE = "nouvelle", "Nouvelle candidature"
    INTERESSEE = "interessee", "Candidat présélectionné"
    NON_INTERESSEE = "nonInteressee", "Candidat non retenu"
    RECRUTEE = "recrutee", "Candidature validée"
    FINALISEE = "finalisee", "Candidat recruté"
    NOUVELLE_RUPTURE = "nouvelle_rupture", "Rupture notifiée"
    FINALISEE_RUPTURE = "finalisee_rupture", "Candidat en rupture"
    RENOUVELLEMENT_INITIEE = "renouvellement_initiee", "Renouvellement initié"
    TERMINEE = "terminee", "Terminée"

    @classmethod
    def occupant_poste(cls):
        """Statuses in which the advisor holds the post (counts against the quota)."""
        return [cls.RECRUTEE, cls.FINALISEE, cls.NOUVELLE_RUPTURE, cls.RENOUVELLEMENT_INITIEE]

    @classmethod
    def en_poste(cls):
        """Statuses of an advisor actually in post (contract validated by the operator)."""
        return [cls.FINALISEE, cls.NOUVELLE_RUPTURE, cls.RENOUVELLEMENT_INITIEE]


class TypeContrat(models.TextChoices):
    CDI = "CDI", "CDI"
    CDD = "CDD", "CDD"
    PEC = "PEC", "Parcours emploi compétences (PEC)"
    CONTRAT_DE_PROJET_PUBLIC = "contrat_de_projet_public", "Contrat de projet public"


class MotifRupture(models.TextChoices):
    LICENCIEMENT = "licenciement", "Licenciement (motif économique, rupture conventionnelle, faute)"
    NON_RECONDUCTION_CDD = "nonReconductionCDD", "Non-reconduction du CDD"
    DEMISSION = "demission", "Démission"
    CDISATION = "CDIsation", "CDIsation / titularisation"
    FIN_DE_SUBVENTIONNEMENT = "FinDeSubventionnement", "Fin de subventionnement"


class ConseillerStatut(models.TextChoices):
    RECRUTE = "RECRUTE", "Recruté"
    RUPTURE = "RUPTURE", "En rupture"


class ProlongationStatut(models.TextChoices):
    INITIEE = "initiee", "Demandée"
    VALIDEE = "validee", "Validée"


class DistanceMax(models.IntegerChoices):
    KM_5 = 5, "5 km"
    KM_10 = 10, "10 km"
    KM_15 = 15, "15 km"
    KM_20 = 20, "20 km"
    KM_40 = 40, "40 km"
    KM_100 = 100, "100 km"
    KM_2000 = 2000, "2 000 km (toute la France)"


class Situation(models.TextChoices):
    DEMANDEUR_EMPLOI = "demandeur_emploi", "Demandeur d'emploi"
    EN_EMPLOI = "en_emploi", "En emploi"
    EN_FORMATION = "en_formation", "En formation"


class PixNiveau(models.IntegerChoices):
    DEBUTANT = 1, "Débutant"
    INTERMEDIAIRE = 2, "Intermédiaire"
    AVANCE = 3, "Avancé"


class TypeConge(models.TextChoices):
    MALADIE = "maladie", "Arrêt maladie"
    MATERNITE = "maternite", "Congé maternité"
    PARENTAL = "parental", "Congé parental"
