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


# --- Places of activity: value lists of the national standard "lieux de médiation numérique"
# (LaMednum/standard-mediation-num, DOMAIN.md §8). Values are the standard's own strings.


SERVICES = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
)

ITINERANCES = (
    "Fixe",
    "Itinérant",
)

FRAIS_A_CHARGE = (
    "Gratuit",
    "Gratuit sous condition",
    "Payant",
)

PUBLICS_SPECIFIQUEMENT_ADRESSES = (
    "Jeunes",
    "Étudiants",
    "Familles et/ou enfants",
    "Seniors",
    "Femmes",
)

PRISES_EN_CHARGE_SPECIFIQUES = (
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
)

MODALITES_ACCES = (
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
)

MODALITES_ACCOMPAGNEMENT = (
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
)


def choices(values) -> list[tuple[str, str]]:
    """Form choices for a value list of the standard (the value is its own label)."""
    return [(v, v) for v in values]


class TypologieLieu(models.TextChoices):
    """Place types (data.inclusion's typology codes, the values the standard expects)."""

    MUNI = "MUNI", "Mairie, service municipal"
    EPCI = "EPCI", "Intercommunalité (EPCI)"
    CD = "CD", "Conseil départemental"
    REG = "REG", "Conseil régional"
    CCAS = "CCAS", "Centre communal d'action sociale (CCAS)"
    BIB = "BIB", "Bibliothèque, médiathèque"
    EPN = "EPN", "Espace public numérique (EPN)"
    RFS = "RFS", "France Services"
    TIERS_LIEUX = "TIERS_LIEUX", "Tiers-lieu, fablab"
    CS = "CS", "Centre social"
    MQ = "MQ", "Maison de quartier"
    MJC = "MJC", "Maison des jeunes et de la culture (MJC)"
    ASSO = "ASSO", "Association"
    PIMMS = "PIMMS", "Point information médiation multi-services (PIMMS)"
    LA_POSTE = "LA_POSTE", "La Poste"
    AUTRE = "Autre", "Autre"


#: The typology a place gets by default from its structure's type.
TYPOLOGIE_PAR_TYPE_STRUCTURE = {
    StructureType.COMMUNE: TypologieLieu.MUNI,
    StructureType.DEPARTEMENT: TypologieLieu.CD,
    StructureType.REGION: TypologieLieu.REG,
    StructureType.EPCI: TypologieLieu.EPCI,
    StructureType.COLLECTIVITE: TypologieLieu.AUTRE,
    StructureType.GIP: TypologieLieu.AUTRE,
    StructureType.PRIVATE: TypologieLieu.ASSO,
}

#: The national programme every Conum place belongs to.
DISPOSITIF_CONSEILLERS_NUMERIQUES = "Conseillers numériques"
