"""Benchmark data set, CRA bodies: the distributions of the generated sessions, the pool of random
CRA "bodies" and the days of the period with their weights.

Re-exported by ``bench/dataset.py`` (use ``from bench import dataset``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

BODIES = 50_000

# --- distributions ------------------------------------------------------------------------------
# Weights by Thematique code (the 19 "numérique" themes; démarches sub-themes are drawn only
# alongside aide_aux_demarches_administratives).
THEME_WEIGHTS = {
    "diagnostic_numerique": 3, "prendre_en_main_du_materiel": 22, "maintenance_de_materiel": 3,
    "gere_ses_contenus_numeriques": 6, "navigation_sur_internet": 14, "email": 14, "bureautique": 6,
    "reseaux_sociaux": 4, "sante": 4, "banque_et_achats_en_ligne": 3, "entrepreneuriat": 0.5,
    "insertion_professionnelle": 3, "securite_numerique": 4, "parentalite": 1, "scolarite_et_numerique": 1,
    "creer_avec_le_numerique": 1, "culture_numerique": 3, "intelligence_artificielle": 1,
    "aide_aux_demarches_administratives": 16,
}  # fmt: skip
DEMARCHE_WEIGHTS = {
    "papiers_elections_citoyennete": 4, "famille_scolarite": 1, "social_sante": 3, "travail_formation": 2,
    "logement": 1.5, "transports_mobilite": 1, "argent_impots": 3, "justice": 0.5, "etrangers_europe": 1,
    "loisirs_sports_culture": 0.3, "associations": 0.2,
}  # fmt: skip
NB_THEMES = ((1, 2, 3, 4), (55, 30, 12, 3))
MATERIEL_WEIGHTS = {"ordinateur": 40, "telephone": 45, "tablette": 10, "autre": 3, "aucun": 10}
DUREES_INDIVIDUEL = (
    (15, 30, 45, 60, 90, 120, 5, 10, 20, 40, 75, 180),
    (10, 22, 22, 25, 10, 6, 1, 1, 1, 1, 0.5, 0.5),
)
DUREES_COLLECTIF = ((45, 60, 90, 120, 180, 240), (5, 35, 20, 30, 7, 3))
LIEUX_INDIVIDUEL = (("lieu_activite", "a_distance", "domicile", "autre"), (72, 10, 8, 10))
LIEUX_COLLECTIF = (("lieu_activite", "autre", "a_distance"), (80, 18, 2))
AUTONOMIE = (("entierement_accompagne", "partiellement_autonome", "autonome"), (45, 40, 15))
NIVEAUX = (("debutant", "intermediaire", "avance"), (55, 35, 10))
# Weights in the enumerations' order (cra/enums.py TrancheAge, Genre, StatutSocial).
AGE_WEIGHTS = (2, 3, 6, 12, 22, 25, 25, 5)
GENRE_WEIGHTS = (40, 55, 5)
STATUT_WEIGHTS = (5, 25, 20, 35, 15)
PART_INDIVIDUEL = 0.8
PART_SUPPRIMES = 0.005


# --- CRA bodies --------------------------------------------------------------------------------------


def _columns():
    """COPY column order: advisor part, time part, body part."""
    from cra.enums import COMPTES

    advisor = [
        "conseiller_id",
        "structure_id",
        "departement_code",
        "region_code",
        "commune_code",
        "code_postal",
    ]
    times = ["date", "created_at", "updated_at", "deleted_at"]
    body = ["type", "duree", "type_lieu", "materiel", "thematiques", "autonomie", "oriente",
            "structure_redirection", "titre_atelier", "niveau", "participants", "participants_recurrents"]  # fmt: skip
    body += [f"{prefix}_{m.value}" for prefix, enum in COMPTES for m in enum]
    body += ["tags", "note", "source", "source_id", "source_data"]
    return advisor, times, body


def _counts(rng: random.Random, participants: int, weights) -> list[int]:
    counts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), weights=weights, k=participants):
        counts[index] += 1
    return counts


def make_bodies(rng: random.Random, n: int = BODIES) -> list[tuple]:
    """``n`` random sessions (the body columns of ``_columns()``), valid for ``Cra.clean``."""
    from cra.enums import Materiel, StructureRedirection, Thematique, bits_of

    themes, theme_w = list(THEME_WEIGHTS), list(THEME_WEIGHTS.values())
    demarches, demarche_w = list(DEMARCHE_WEIGHTS), list(DEMARCHE_WEIGHTS.values())
    materiels, materiel_w = list(MATERIEL_WEIGHTS), list(MATERIEL_WEIGHTS.values())
    redirections = [m.value for m in StructureRedirection]
    labels = {m.value: m.label for m in Thematique}
    bodies = []
    for _ in range(n):
        individual = rng.random() < PART_INDIVIDUEL
        chosen: set[str] = set()
        wanted = rng.choices(*NB_THEMES)[0]
        while len(chosen) < wanted:
            chosen.add(rng.choices(themes, theme_w)[0])
        if "aide_aux_demarches_administratives" in chosen and rng.random() < 0.7:
            chosen.add(rng.choices(demarches, demarche_w)[0])
        first = next(t for t in themes if t in chosen)
        kit = {rng.choices(materiels, materiel_w)[0] for _ in range(1 if rng.random() < 0.85 else 2)}
        if "aucun" in kit and len(kit) > 1:
            kit.discard("aucun")
        if individual:
            participants = 1
            duree = rng.choices(*DUREES_INDIVIDUEL)[0]
            lieu = rng.choices(*LIEUX_INDIVIDUEL)[0]
            autonomie = rng.choices(*AUTONOMIE)[0]
            draw = rng.random()
            oriente = True if draw < 0.12 else (False if draw < 0.72 else None)
            redirection = rng.choice(redirections) if oriente else ""
            titre, niveau, recurrents = "", "", 0
        else:
            participants = min(30, 2 + int(rng.expovariate(1 / 5)))
            duree = rng.choices(*DUREES_COLLECTIF)[0]
            lieu = rng.choices(*LIEUX_COLLECTIF)[0]
            autonomie, oriente, redirection = "", None, ""
            titre = f"Atelier : {labels[first]}"[:150]
            niveau = rng.choices(*NIVEAUX)[0]
            recurrents = rng.randint(0, participants // 2)
        counts = (
            _counts(rng, participants, AGE_WEIGHTS)
            + _counts(rng, participants, GENRE_WEIGHTS)
            + _counts(rng, participants, STATUT_WEIGHTS)
        )
        bodies.append(
            (
                "individuel" if individual else "collectif", duree, lieu, bits_of(kit, Materiel),
                bits_of(chosen, Thematique), autonomie, oriente, redirection, titre, niveau, participants,
                recurrents, *counts, "", "", "", "", None,
            )
        )  # fmt: skip
    return bodies


def _text(value) -> str:
    """A value in PostgreSQL COPY text format (bench values contain no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _days(rng: random.Random, today: date, months: int) -> tuple[list[date], list[float]]:
    """Days of the period (up to yesterday) and their weights: weekdays, holidays, growth."""
    end = today - timedelta(days=1)
    start = end - timedelta(days=round(months * 30.44) - 1)
    days, weights = [], []
    total = (end - start).days or 1
    day = start
    while day <= end:
        weight = (1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.03)[day.weekday()]
        if day.month == 8:
            weight *= 0.55
        if (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2):
            weight *= 0.4
        weight *= 0.8 + 0.4 * (day - start).days / total
        days.append(day)
        weights.append(weight)
        day += timedelta(days=1)
    return days, weights


def _cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
