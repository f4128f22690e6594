"""Training enumerations (DOMAIN.md §5)."""

from django.db import models


class Parcours(models.IntegerChoices):
    H70 = 70, "70 h (avancé)"
    H175 = 175, "175 h (intermédiaire)"
    H315 = 315, "315 h (débutant)"
    # Historical paths, accepted on import only.
    H105 = 105, "105 h (historique)"
    H280 = 280, "280 h (historique)"
    H350 = 350, "350 h (historique)"
    H420 = 420, "420 h (historique)"

    @classmethod
    def actuels(cls):
        return [cls.H70, cls.H175, cls.H315]


class ResultatPositionnement(models.TextChoices):
    AVANCE = "avance", "Avancé"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    DEBUTANT = "debutant", "Débutant"


class MotifDispense(models.TextChoices):
    CCP1_REMN = "ccp1_remn", "CCP1 du titre REMN"
    TITRE_REMN = "titre_remn", "Titre REMN complet"
    TITRE_CATIC = "titre_catic", "Titre CATIC"
    LICENCE_USETIC = "licence_usetic", "Licence professionnelle USETIC"


class StatutValidation(models.TextChoices):
    SOUMISE = "soumise", "À valider"
    VALIDEE = "validee", "Validée"
    REFUSEE = "refusee", "Refusée"


class TypeCertification(models.TextChoices):
    CCP1 = "ccp1", "CCP1 (REMN)"
    PIX = "pix", "Certification Pix"
    TITRE_REMN = "titre_remn", "Titre REMN complet (CCP2 et CCP3)"


class StatutCertification(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit"
    CONVOQUE = "convoque", "Convoqué"
    REUSSI = "reussi", "Réussi"
    ECHEC = "echec", "Échec"
    ABSENT = "absent", "Absent"

    @classmethod
    def convocation_recue(cls):
        return [cls.CONVOQUE, cls.REUSSI, cls.ECHEC, cls.ABSENT]


class TypeModule(models.TextChoices):
    PRISE_EN_MAIN = "prise_en_main", "Prise en main (7 h en présentiel)"
    INTERVENIR = "intervenir", "Intervenir (14 h : un jour à distance, un jour en présentiel)"


class StatutSession(models.TextChoices):
    PLANIFIEE = "planifiee", "Planifiée"
    CONFIRMEE = "confirmee", "Confirmée"
    ANNULEE = "annulee", "Annulée"


class StatutInscription(models.TextChoices):
    DEMANDEE = "demandee", "Éligibilité à valider"
    ELIGIBLE = "eligible", "Éligible"
    REFUSEE = "refusee", "Refusée"
    CONFIRMEE = "confirmee", "Confirmée"
    SUIVIE = "suivie", "Suivie"
    ABSENT = "absent", "Absent"
    ANNULEE = "annulee", "Annulée (session annulée)"

    @classmethod
    def occupant_place(cls):
        return [cls.DEMANDEE, cls.ELIGIBLE, cls.CONFIRMEE, cls.SUIVIE, cls.ABSENT]


class StatutAbsence(models.TextChoices):
    A_JUSTIFIER = "a_justifier", "À justifier"
    JUSTIFICATIF_ENVOYE = "justificatif_envoye", "Justificatif à examiner"
    JUSTIFIEE = "justifiee", "Justifiée"
    MANQUEMENT = "manquement", "Manquement (non justifiée)"


class StatutObligation(models.TextChoices):
    REMPLIE = "remplie", "Remplie"
    EN_COURS = "en_cours", "En attente"
    MANQUEE = "manquee", "Non remplie"
