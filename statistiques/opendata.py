"""Open data (issue 8): monthly aggregates (national, per département) and the advisors' places
of activity in the national standard "lieux de médiation numérique" (DOMAIN.md §8).

* Aggregates come from ``services.agreger`` on the public scope, complete months only, so the
  figures equal ``services.calculer`` for the same month; a département-month cell with fewer
  than ``SEUIL_SECRET`` advisors is blanked (statistical secrecy) and flagged.
* Places: only those of validated structures with a SIRET (or RIDET) are published. The columns
  are the standard's fields, in its order; several values are separated by ``|``; dates are
  ISO 8601; the file is UTF-8, comma-separated, named
  ``YYYY-MM-DD_idProducteur_lieux-de-mediation-numerique_territoire.csv``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify

from conumapp.models import Departement
from structures.enums import DISPOSITIF_CONSEILLERS_NUMERIQUES, TYPOLOGIE_PAR_TYPE_STRUCTURE
from structures.horaires import est_osm
from structures.models import LieuActivite

from .agregats import PRINCIPAUX
from .filtres import Filtres
from .perimetres import PERIMETRE_PUBLIC
from .services import SEUIL_SECRET, agreger

#: First day a CRA may carry (DOMAIN.md §6): the aggregates start there.
DEBUT_DONNEES = date(2020, 1, 1)
SEPARATEUR = "|"

#: The fields of the standard "lieux de médiation numérique", in the schema's order.
CHAMPS_LIEUX = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
    "latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires",
    "presentation_resume", "presentation_detail", "source", "itinerance", "structure_parente", "date_maj",
    "services", "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)  # fmt: skip
CHAMPS_REQUIS = ("id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj", "services")

COLONNES_CHIFFRES = {
    "cras": "comptes_rendus",
    "accompagnements": "accompagnements",
    "individuels": "accompagnements_individuels",
    "ateliers": "ateliers_collectifs",
    "participants_ateliers": "participants_ateliers",
    "minutes": "duree_minutes",
}
if tuple(COLONNES_CHIFFRES) != tuple(PRINCIPAUX):  # pragma: no cover - a contract change
    raise ImportError("statistiques.opendata : les chiffres principaux ont changé.")
COLONNES_NATIONAL = ("mois", *COLONNES_CHIFFRES.values())
COLONNES_DEPARTEMENTS = (
    "mois",
    "departement",
    "departement_nom",
    *COLONNES_CHIFFRES.values(),
    "secret_statistique",
)


def id_producteur() -> str:
    return getattr(settings, "OPENDATA_ID_PRODUCTEUR", "conum")


def periode(today: date | None = None) -> Filtres:
    """Complete months only: from the first possible CRA to the end of the previous month."""
    today = today or timezone.localdate()
    fin = today.replace(day=1) - timedelta(days=1)
    return Filtres(debut=DEBUT_DONNEES, fin=fin)


def nom_fichier(jeu: str, territoire: str = "france", today: date | None = None) -> str:
    """``YYYY-MM-DD_idProducteur_<jeu>_<territoire>.csv`` (the standard's naming)."""
    today = today or timezone.localdate()
    return f"{today.isoformat()}_{id_producteur()}_{jeu}_{slugify(territoire) or 'france'}.csv"


def _csv(colonnes, lignes) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(colonnes)
    writer.writerows(lignes)
    return buffer.getvalue()


# --- Monthly aggregates ----------------------------------------------------------------------


def agregats_national(today: date | None = None) -> list[dict]:
    return agreger(PERIMETRE_PUBLIC, periode(today), par=("mois",))


def agregats_departements(today: date | None = None) -> list[dict]:
    """Per (month, département); cells under the secrecy threshold have ``secret=True`` and no
    figures (``agreger`` counts the advisors of each cell in the same query)."""
    rows = agreger(PERIMETRE_PUBLIC, periode(today), par=("mois", "departement"))
    return [row for row in rows if row["departement"]]


def _en_cache(nom: str, today: date | None, produire) -> str:
    """The aggregates are public and computed over every CRA: kept a few minutes per day."""
    today = today or timezone.localdate()
    secondes = getattr(settings, "OPENDATA_CACHE_SECONDS", 600)
    if not secondes:
        return produire(today)
    return cache.get_or_set(f"opendata:{nom}:{today.isoformat()}", lambda: produire(today), secondes)


def csv_national(today: date | None = None) -> str:
    return _en_cache("national", today, _csv_national)


def csv_departements(today: date | None = None) -> str:
    return _en_cache("departements", today, _csv_departements)


def _csv_national(today: date) -> str:
    lignes = [
        [row["mois"].strftime("%Y-%m"), *(row[name] for name in COLONNES_CHIFFRES)]
        for row in agregats_national(today)
    ]
    return _csv(COLONNES_NATIONAL, lignes)


def _csv_departements(today: date) -> str:
    rows = agregats_departements(today)
    noms = dict(
        Departement.objects.filter(code__in={r["departement"] for r in rows}).values_list("code", "nom")
    )
    lignes = []
    for row in rows:
        chiffres = ["" if row["secret"] else row[name] for name in COLONNES_CHIFFRES]
        lignes.append(
            [
                row["mois"].strftime("%Y-%m"),
                row["departement"],
                noms.get(row["departement"], ""),
                *chiffres,
                "oui" if row["secret"] else "non",
            ]
        )
    return _csv(COLONNES_DEPARTEMENTS, lignes)


# --- Places of activity ----------------------------------------------------------------------


def lieux_publies(departement: str = ""):
    qs = LieuActivite.objects.publiables().select_related("structure", "commune").order_by("pk")
    if departement:
        qs = qs.filter(commune__departement_id=departement)
    return qs


def _multi(values) -> str:
    return SEPARATEUR.join(v for v in values or () if v)


def _nombre(value) -> str:
    return "" if value is None else f"{value:.6f}".rstrip("0").rstrip(".")


def ligne_lieu(lieu: LieuActivite) -> dict[str, str]:
    """One row of the standard for a place (every field present, "" when unknown)."""
    structure = lieu.structure
    osm = est_osm(lieu.horaires)
    detail = lieu.presentation_detail
    if lieu.horaires and not osm:  # free-text hours are not the standard's syntax: keep them readable
        detail = f"{detail}\n\nHoraires : {lieu.horaires}".strip()
    typologies = lieu.typologies or [TYPOLOGIE_PAR_TYPE_STRUCTURE.get(structure.type, "Autre")]
    dispositifs = [DISPOSITIF_CONSEILLERS_NUMERIQUES]
    if structure.label_france_services:
        dispositifs.append("France Services")
    row = {
        "id": lieu.identifiant,
        "pivot": structure.siret or structure.ridet,
        "nom": lieu.nom,
        "commune": lieu.commune.nom,
        "code_postal": lieu.code_postal,
        "code_insee": lieu.commune.code_insee,
        "adresse": lieu.adresse,
        "complement_adresse": lieu.complement_adresse,
        "latitude": _nombre(lieu.latitude),
        "longitude": _nombre(lieu.longitude),
        "typologie": _multi(str(t) for t in typologies),
        "telephone": lieu.telephone,
        "courriels": lieu.courriel,
        "site_web": lieu.site_web,
        "horaires": lieu.horaires.strip() if osm else "",
        "presentation_resume": lieu.presentation_resume,
        "presentation_detail": detail,
        "source": "Conum",
        "itinerance": _multi(lieu.itinerance),
        "structure_parente": structure.nom,
        "date_maj": timezone.localtime(lieu.updated_at).date().isoformat(),
        "services": _multi(lieu.services),
        "publics_specifiquement_adresses": _multi(lieu.publics_specifiquement_adresses),
        "prise_en_charge_specifique": _multi(lieu.prise_en_charge_specifique),
        "frais_a_charge": _multi(lieu.frais_a_charge),
        "dispositif_programmes_nationaux": _multi(dispositifs),
        "formations_labels": "",
        "autres_formations_labels": "",
        "modalites_acces": _multi(lieu.modalites_acces),
        "modalites_accompagnement": _multi(lieu.modalites_accompagnement),
        "fiche_acces_libre": "",
        "prise_rdv": lieu.prise_rdv,
    }
    return row


def csv_lieux(departement: str = "") -> str:
    lignes = []
    for lieu in lieux_publies(departement).iterator(chunk_size=2000):
        row = ligne_lieu(lieu)
        if all(row[name] for name in CHAMPS_REQUIS):
            lignes.append([row[name] for name in CHAMPS_LIEUX])
    return _csv(CHAMPS_LIEUX, lignes)


@dataclass(frozen=True)
class Fichier:
    titre: str
    description: str
    url: str
    nom: str


def seuil_secret() -> int:
    return SEUIL_SECRET
