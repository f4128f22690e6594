"""What the statistics service returns: the figures of a scope (``Statistiques``), their
lines, months and tables, and the families' titles. ``Statistiques.tableaux()`` is the single
source of the page's tables, the charts' data and the exports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .filtres import Filtres
from .perimetres import Perimetre

FAMILLES = (
    # (attribute, title, first column, value column, share of, chart)
    ("thematiques", "Thématiques", "Thématique", "CRA", "cras", "barres"),
    ("lieux", "Lieux d'accompagnement", "Lieu", "CRA", "cras", "anneau"),
    ("durees", "Durées", "Durée", "CRA", "cras", "barres"),
    ("ages", "Âge du public", "Tranche d'âge", "Personnes", "famille", "barres"),
    ("genres", "Genre du public", "Genre", "Personnes", "famille", "anneau"),
    ("statuts", "Statut du public", "Statut", "Personnes", "famille", "barres"),
    (
        "autonomie",
        "Autonomie (accompagnements individuels)",
        "Niveau d'autonomie",
        "CRA",
        "famille",
        "anneau",
    ),
    ("orientations", "Orientation (accompagnements individuels)", "Orientation", "CRA", "famille", "anneau"),
    ("redirections", "Structures de redirection", "Structure de redirection", "CRA", "famille", "barres"),
    ("materiel", "Matériel utilisé", "Matériel", "CRA", "cras", "barres"),
)


@dataclass
class Ligne:
    code: str
    libelle: str
    valeur: int
    part: float  # % (0–100), one decimal


@dataclass
class Mois:
    mois: date  # first day of the month
    cras: int
    accompagnements: int


@dataclass
class Tableau:
    cle: str
    titre: str
    colonnes: list[str]
    lignes: list[list]
    graphique: str | None = None  # "barres" | "ligne" | "anneau" | None


@dataclass
class Statistiques:
    perimetre: Perimetre
    filtres: Filtres
    cras: int = 0
    accompagnements: int = 0
    individuels: int = 0
    ateliers: int = 0
    participants_ateliers: int = 0
    minutes: int = 0
    conseillers_actifs: int = 0
    conseillers_en_poste: int = 0
    thematiques: list[Ligne] = field(default_factory=list)
    lieux: list[Ligne] = field(default_factory=list)
    durees: list[Ligne] = field(default_factory=list)
    ages: list[Ligne] = field(default_factory=list)
    genres: list[Ligne] = field(default_factory=list)
    statuts: list[Ligne] = field(default_factory=list)
    autonomie: list[Ligne] = field(default_factory=list)
    orientations: list[Ligne] = field(default_factory=list)
    redirections: list[Ligne] = field(default_factory=list)
    materiel: list[Ligne] = field(default_factory=list)
    mensuel: list[Mois] = field(default_factory=list)
    # Structure and coordinator scopes: [advisor, CRA, accompagnements, ateliers, heures] rows.
    par_conseiller: list[list] = field(default_factory=list)
    secret: bool = False
    source: str = "brut"  # "cumul" (daily rollup) or "brut" (CRA rows): for tests and benchmarks

    @property
    def heures(self) -> float:
        return round(self.minutes / 60, 1)

    def chiffres(self) -> list[tuple[str, str, int | float]]:
        """(key, label, value) of the headline figures, in display order."""
        return [
            ("cras", "CRA", self.cras),
            ("accompagnements", "Accompagnements", self.accompagnements),
            ("individuels", "Accompagnements individuels", self.individuels),
            ("ateliers", "Ateliers collectifs", self.ateliers),
            ("participants_ateliers", "Participants aux ateliers", self.participants_ateliers),
            ("heures", "Temps d'accompagnement (heures)", self.heures),
            ("conseillers_actifs", "Conseillers actifs (au moins 1 CRA dans les 30 derniers jours)",
             self.conseillers_actifs),
            ("conseillers_en_poste", "Conseillers en poste", self.conseillers_en_poste),
        ]  # fmt: skip

    def tableaux(self) -> list[Tableau]:
        """THE single source of the page's tables, the charts' data and the exports."""
        if self.secret:
            return []
        out = [Tableau("chiffres", "Chiffres clés", ["Indicateur", "Valeur"],
                       [[label, value] for _k, label, value in self.chiffres()], None)]  # fmt: skip
        for attribute, titre, colonne, valeur, _part, graphique in FAMILLES:
            lignes = [[ligne.libelle, ligne.valeur, ligne.part] for ligne in getattr(self, attribute)]
            out.append(Tableau(attribute, titre, [colonne, valeur, "Part (%)"], lignes, graphique))
        out.append(
            Tableau(
                "mensuel",
                "Évolution mensuelle",
                ["Mois", "CRA", "Accompagnements"],
                [[m.mois, m.cras, m.accompagnements] for m in self.mensuel],
                "ligne",
            )
        )
        if self.par_conseiller:
            out.append(
                Tableau(
                    "conseillers",
                    "Activité par conseiller",
                    ["Conseiller", "CRA", "Accompagnements", "Ateliers collectifs", "Heures"],
                    self.par_conseiller,
                )
            )
        return out
