from .candidat_views import candidature, cv, mon_espace, profil, profil_disponibilite, profil_supprimer
from .recrutement_views import (
    annuler,
    candidat,
    candidats,
    conge,
    contrat,
    ecarter,
    preselectionner,
    prolongation,
    recrutement,
    recrutements,
    rupture,
)

__all__ = [
    "annuler",
    "candidat",
    "candidats",
    "candidature",
    "conge",
    "contrat",
    "cv",
    "ecarter",
    "mon_espace",
    "preselectionner",
    "profil",
    "profil_disponibilite",
    "profil_supprimer",
    "prolongation",
    "recrutement",
    "recrutements",
    "rupture",
]
