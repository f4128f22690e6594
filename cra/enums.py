"""CRA enumerations with the exact La Coop codes (DOMAIN.md §6) and their French labels.

Multi-valued codes (``Materiel``, ``Thematique``) are stored as bit sets on the Cra row: the
bit of a code is its position in the enumeration. NEVER reorder or remove a member: only
append (see docs/cra-model.md).
"""

from django.db import models


class TypeCra(models.TextChoices):
    INDIVIDUEL = "individuel", "Accompagnement individuel"
    COLLECTIF = "collectif", "Atelier collectif"
    # Legacy (v1) only: kept for imported rows, never offered in the form.
    PONCTUEL = "ponctuel", "Demande ponctuelle"
    DEMARCHE_ADMINISTRATIVE = "demarche_administrative", "Démarche administrative"

    @classmethod
    def saisissables(cls):
        return [(cls.INDIVIDUEL.value, cls.INDIVIDUEL.label), (cls.COLLECTIF.value, cls.COLLECTIF.label)]


class TypeLieu(models.TextChoices):
    LIEU_ACTIVITE = "lieu_activite", "Lieu d'activité"
    DOMICILE = "domicile", "À domicile"
    A_DISTANCE = "a_distance", "À distance"
    AUTRE = "autre", "Autre lieu"


class Materiel(models.TextChoices):
    ORDINATEUR = "ordinateur", "Ordinateur"
    TELEPHONE = "telephone", "Téléphone"
    TABLETTE = "tablette", "Tablette"
    AUTRE = "autre", "Autre matériel"
    AUCUN = "aucun", "Pas de matériel"


class Thematique(models.TextChoices):
    # Numérique
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", "Diagnostic numérique"
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", "Prendre en main du matériel"
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", "Maintenance de matériel"
    GERE_SES_CONTENUS_NUMERIQUES = "gere_ses_contenus_numeriques", "Gérer ses contenus numériques"
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", "Navigation sur internet"
    EMAIL = "email", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    RESEAUX_SOCIAUX = "reseaux_sociaux", "Réseaux sociaux communication"
    SANTE = "sante", "Santé"
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", "Banque et achats en ligne"
    ENTREPRENEURIAT = "entrepreneuriat", "Accompagner un professionnel"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    SECURITE_NUMERIQUE = "securite_numerique", "Prévention en sécurité numérique"
    PARENTALITE = "parentalite", "Parentalité"
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", "Scolarité et numérique"
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", "Créer avec le numérique"
    CULTURE_NUMERIQUE = "culture_numerique", "Culture numérique"
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", "Intelligence artificielle"
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        "Aide aux démarches administratives",
    )
    # Démarches administratives
    PAPIERS_ELECTIONS_CITOYENNETE = "papiers_elections_citoyennete", "Papiers - Élections - Citoyenneté"
    FAMILLE_SCOLARITE = "famille_scolarite", "Famille - Scolarité"
    SOCIAL_SANTE = "social_sante", "Social - Santé"
    TRAVAIL_FORMATION = "travail_formation", "Travail - Formation"
    LOGEMENT = "logement", "Logement"
    TRANSPORTS_MOBILITE = "transports_mobilite", "Transports - Mobilité"
    ARGENT_IMPOTS = "argent_impots", "Argent - Impôts"
    JUSTICE = "justice", "Justice"
    ETRANGERS_EUROPE = "etrangers_europe", "Étrangers - Europe"
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", "Loisirs - Sports - Culture"
    ASSOCIATIONS = "associations", "Associations"


THEMATIQUES_NUMERIQUES = list(Thematique)[:19]
THEMATIQUES_DEMARCHES = list(Thematique)[19:]


class Autonomie(models.TextChoices):
    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", "Avec guidage"
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", "Partiellement autonome"
    AUTONOME = "autonome", "Autonome"


class StructureRedirection(models.TextChoices):
    ADMINISTRATION = "administration", "Administration"
    MEDIATION_NUMERIQUE = "mediation_numerique", "Structure de médiation numérique"
    OPERATEUR_OU_ORGANISME_EN_CHARGE = "operateur_ou_organisme_en_charge", "Opérateur ou organisme en charge"
    AIDE_SOCIALE = "aide_sociale", "Structure d'aide sociale"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Structure d'insertion professionnelle"
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        "Aide aux démarches administratives",
    )
    AUTRE = "autre", "Autre"


class Niveau(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class TrancheAge(models.TextChoices):
    MOINS_DE_DOUZE = "moins_de_douze", "Moins de 12 ans"
    DOUZE_DIX_HUIT = "douze_dix_huit", "12-18 ans"
    DIX_HUIT_VINGT_QUATRE = "dix_huit_vingt_quatre", "18-24 ans"
    VINGT_CINQ_TRENTE_NEUF = "vingt_cinq_trente_neuf", "25-39 ans"
    QUARANTE_CINQUANTE_NEUF = "quarante_cinquante_neuf", "40-59 ans"
    SOIXANTE_SOIXANTE_NEUF = "soixante_soixante_neuf", "60-69 ans"
    SOIXANTE_DIX_PLUS = "soixante_dix_plus", "70 ans et plus"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class Genre(models.TextChoices):
    MASCULIN = "masculin", "Masculin"
    FEMININ = "feminin", "Féminin"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class StatutSocial(models.TextChoices):
    SCOLARISE = "scolarise", "Scolarisé(e)"
    SANS_EMPLOI = "sans_emploi", "Sans emploi"
    EN_EMPLOI = "en_emploi", "En emploi"
    RETRAITE = "retraite", "Retraité(e)"
    NON_COMMUNIQUE = "non_communique", "Non communiqué ou hétérogène"


class Source(models.TextChoices):
    CONUM = "", "Conum"
    V1 = "v1", "Import v1 (Conseiller numérique, MongoDB)"
    V2 = "v2", "Import v2 (La Coop, JSON:API)"


DUREES_PRESETS = (15, 30, 45, 60, 90, 120)
DUREE_MAX = 8 * 60

# Count columns on Cra: (prefix, enumeration). Column = f"{prefix}_{code}".
COMPTES = (("age", TrancheAge), ("genre", Genre), ("statut", StatutSocial))


def bits_of(codes, enum) -> int:
    members = [m.value for m in enum]
    value = 0
    for code in codes or ():
        value |= 1 << members.index(code)
    return value


def codes_of(bits: int, enum) -> list[str]:
    return [m.value for i, m in enumerate(enum) if bits and bits >> i & 1]


def bit(code, enum) -> int:
    return 1 << [m.value for m in enum].index(code)
