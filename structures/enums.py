"""Structure enumerations (DOMAIN.md §2.1–2.4, §3); codes spelled as in the legacy systems."""

from django.db import models


class StructureType(models.TextChoices):
    COMMUNE = "COMMUNE", "Commune"
    DEPARTEMENT = "DEPARTEMENT", "Département"
    REGION = "REGION", "Région"
    EPCI = "EPCI", "EPCI"
    COLLECTIVITE = "COLLECTIVITE", "Collectivité"
    GIP = "GIP", "GIP"
    PRIVATE = "PRIVATE", "Structure privée (association, entreprise)"

    @classmethod
    def publics(cls):
        return [cls.COMMUNE, cls.DEPARTEMENT, cls.REGION, cls.EPCI, cls.COLLECTIVITE, cls.GIP]


class StructureStatut(models.TextChoices):
    CREEE = "CREEE", "Non traitée"
    EXAMEN_COMPLEMENTAIRE_COSELEC = "EXAMEN_COMPLEMENTAIRE_COSELEC", "Examen complémentaire"
    VALIDATION_COSELEC = "VALIDATION_COSELEC", "Validée"
    REFUS_COSELEC = "REFUS_COSELEC", "Refus"
    ABANDON = "ABANDON", "Abandonnée"
    ANNULEE = "ANNULEE", "Annulée"
    DOUBLON = "DOUBLON", "Doublon"

    @classmethod
    def vivants(cls):
        """Statuses of a live candidature (a SIRET may not apply twice while one is live)."""
        return [cls.CREEE, cls.EXAMEN_COMPLEMENTAIRE_COSELEC, cls.VALIDATION_COSELEC]


class AvisPrefecture(models.TextChoices):
    POSITIF = "POSITIF", "Favorable"
    NEGATIF = "NÉGATIF", "Défavorable"


class DecisionType(models.TextChoices):
    VALIDATION = "VALIDATION_COSELEC", "Validation"
    REFUS = "REFUS_COSELEC", "Refus"
    EXAMEN_COMPLEMENTAIRE = "EXAMEN_COMPLEMENTAIRE_COSELEC", "Examen complémentaire"
    ABANDON = "ABANDON", "Abandon"
    ANNULEE = "ANNULEE", "Annulation"
    DOUBLON = "DOUBLON", "Doublon"


class PosteType(models.TextChoices):
    CONUM = "conum", "Conseiller numérique"
    COORDO = "coordo", "Coordinateur"


class PosteEtat(models.TextChoices):
    VACANT = "vacant", "Vacant"
    OCCUPE = "occupe", "Occupé"
    RENDU = "rendu", "Rendu"


class DemandePosteType(models.TextChoices):
    AJOUT = "ajout", "Demande de postes supplémentaires"
    RETRAIT = "retrait", "Restitution de postes"


class DemandePosteStatut(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    VALIDEE = "validee", "Validée"
    REFUSEE = "refusee", "Refusée"


class MotifAjout(models.TextChoices):
    RENFORCER = "renforcer_equipe", "Ma structure souhaite renforcer l'équipe"
    DEVELOPPER = "developper_offre", "Je souhaite développer l'offre de service Conseillers Numériques"
    FORTE_DEMANDE = "forte_demande", "Je rencontre une forte demande sur mon territoire"


class MotifRetrait(models.TextChoices):
    BESOIN = "besoin_non_justifie", "Le besoin n'est pas ou plus justifié"
    RECRUTEMENT = "difficultes_recrutement", "Ma structure rencontre des difficultés de recrutement"
    FINANCES = "capacites_financieres", "Ma structure n'a pas ou plus les capacités financières nécessaires"
    VISIBILITE = (
        "manque_visibilite",
        "Je ne sais pas encore si je souhaite me reconventionner car je manque de visibilité sur les prochains mois",
    )
    FIN_SUBVENTIONNEMENT = "fin_subventionnement", "Fin de subventionnement"
