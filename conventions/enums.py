"""Convention enumerations (DOMAIN.md §2.5, §2.8, §3, §4); codes spelled as in the legacy systems."""

from django.db import models


class ConventionStatut(models.TextChoices):
    """The programme's conventionnement statuses (exact legacy codes)."""

    CONVENTIONNEMENT_EN_COURS = "CONVENTIONNEMENT_EN_COURS", "Conventionnement en cours"
    CONVENTIONNEMENT_VALIDE = "CONVENTIONNEMENT_VALIDÉ", "Conventionnement validé"
    RECONVENTIONNEMENT_INITIE = "RECONVENTIONNEMENT_INITIÉ", "Reconventionnement initié"
    RECONVENTIONNEMENT_VALIDE = "RECONVENTIONNEMENT_VALIDÉ", "Reconventionnement validé"
    CONVENTIONNEMENT_VALIDE_PHASE_2 = "CONVENTIONNEMENT_VALIDÉ_PHASE_2", "Conventionnement validé (phase 2)"
    NON_INTERESSE = "NON_INTERESSÉ", "Non intéressé par le reconventionnement"


class ConventionEtat(models.TextChoices):
    """Lifecycle of the document itself (DESIGN.md: draft → sent → signed → ended | terminated)."""

    BROUILLON = "brouillon", "Brouillon"
    ENVOYEE = "envoyee", "Envoyée pour signature"
    SIGNEE = "signee", "Signée (en cours)"
    TERMINEE = "terminee", "Terminée"
    RESILIEE = "resiliee", "Résiliée"


class Phase(models.IntegerChoices):
    PHASE_1 = 1, "Phase 1 (première vague)"
    PHASE_2 = 2, "Phase 2 (reconventionnement)"


class Nature(models.TextChoices):
    PUBLIQUE = "publique", "Structure publique"
    PRIVEE = "privee", "Structure privée"


class RegleTranches(models.TextChoices):
    ECHEANCES = "echeances", "Échéances en mois après la signature (montant total réparti à parts égales)"
    ANNUELLE = "annuelle", "Une tranche par année de convention (montant de l'année)"


class TrancheStatut(models.TextChoices):
    PREVUE = "prevue", "Prévue"
    DUE = "due", "Due"
    VERSEE = "versee", "Versée"
    SUSPENDUE = "suspendue", "Suspendue"
    ANNULEE = "annulee", "Annulée (avenant ou fin de convention)"

    @classmethod
    def engagees(cls):
        """Tranches that count in the committed amount (all but those cancelled)."""
        return [cls.PREVUE, cls.DUE, cls.VERSEE, cls.SUSPENDUE]


class DossierDsType(models.TextChoices):
    STRUCTURE_PUBLIQUE = "structure_publique", "Structure publique"
    ASSOCIATION = "association", "Association"
    ENTREPRISE = "entreprise", "Entreprise"


class DossierDsEtat(models.TextChoices):
    EN_CONSTRUCTION = "en_construction", "En construction"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    ACCEPTE = "accepte", "Accepté"
    REFUSE = "refuse", "Refusé"
    SANS_SUITE = "sans_suite", "Classé sans suite"


class AvenantType(models.TextChoices):
    POSTES = "postes", "Ajout ou restitution de postes"
    NATURE = "nature", "Changement de nature juridique"


class PieceType(models.TextChoices):
    IDENTITE_RESPONSABLE = "identite_responsable", "Pièce d'identité du responsable de la structure"
    AVIS_SIRENE = "avis_sirene", "Avis de situation Sirene"
    CONVENTION_SIGNEE = "convention_signee", "Convention signée"
    CONTRAT_TRAVAIL = "contrat_travail", "Contrat de travail d'un conseiller"
    JUSTIFICATIF_UTILISATION = "justificatif_utilisation", "Justificatif d'utilisation de la subvention"


class PieceStatut(models.TextChoices):
    DEPOSEE = "deposee", "Déposée, à vérifier"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class ReconventionnementStatut(models.TextChoices):
    INITIE = "initie", "Initié par la structure"
    VALIDE = "valide", "Validé"
    NON_INTERESSE = "non_interesse", "Non intéressé"


class MotifNonInteresse(models.TextChoices):
    """DOMAIN.md §3: reasons to return posts, also reasons not to renew."""

    BESOIN = "besoin_non_justifie", "Le besoin n'est pas ou plus justifié"
    RECRUTEMENT = "difficultes_recrutement", "Ma structure rencontre des difficultés de recrutement"
    FINANCES = "capacites_financieres", "Ma structure n'a pas ou plus les capacités financières nécessaires"
    VISIBILITE = (
        "manque_visibilite",
        "Je ne sais pas encore si je souhaite me reconventionner car je manque de visibilité sur les prochains mois",
    )
    FIN = "fin_subventionnement", "Fin de subventionnement"
