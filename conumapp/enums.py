"""Enumerations shared by every app (DOMAIN.md §3, §9)."""

from django.db import models


class Role(models.TextChoices):
    OPERATEUR = "operateur", "Opérateur ANCT / Banque des Territoires"
    PREFECTURE = "prefecture", "Préfecture"
    STRUCTURE = "structure", "Structure d'accueil"
    CONSEILLER = "conseiller", "Conseiller numérique"
    COORDINATEUR = "coordinateur", "Coordinateur"
    HUB = "hub", "Hub territorial"
    GRAND_RESEAU = "grand_reseau", "Grand réseau"
    CANDIDAT = "candidat", "Candidat conseiller"


class GrandReseau(models.TextChoices):
    CROIX_ROUGE = "croix_rouge", "Croix-Rouge"
    GROUPE_SOS = "groupe_sos", "Groupe SOS"
    EMMAUS_CONNECT = "emmaus_connect", "Emmaüs Connect"
    LA_POSTE = "la_poste", "La Poste"
    UNAF = "unaf", "UNAF"
    LIGUE_ENSEIGNEMENT = "ligue_enseignement", "La Ligue de l'enseignement"
    FAMILLES_RURALES = "familles_rurales", "Familles rurales"
    FACE = "face", "FACE"
    PIMMS = "pimms", "PIMMS"
    APF_HANDICAP = "apf_handicap", "APF Handicap"
    UNIJ = "unij", "UNIJ"
    CONFEDERATION_MJC = "confederation_mjc", "Confédération MJC"
    REGIE_DE_QUARTIER = "regie_de_quartier", "Régie de quartier"
    CHAMBRES_AGRICULTURE = "chambres_agriculture", "Chambres d'agriculture"
