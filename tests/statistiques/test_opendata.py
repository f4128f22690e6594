"""Open data: the public page and the monthly aggregates (national, per département), equal to
``calculer`` for the same month, with the small-cell rule on département cells."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from statistiques import opendata
from statistiques.filtres import Filtres
from statistiques.perimetres import PERIMETRE_PUBLIC
from statistiques.services import calculer

from .conftest import conseiller_dans, cra, structure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_vide():
    cache.clear()
    yield
    cache.clear()


MOIS = [date(2026, m, 1) for m in range(1, 7)]
FIN_MOIS = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31}


def _lire(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    contenu = response.content.decode("utf-8")
    assert not contenu.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(contenu), delimiter=","))


def _nom(response):
    return re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)


def test_public_page_without_login(client, db):
    response = client.get(reverse("donnees_ouvertes:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("statistiques_national", "statistiques_departements", "lieux"):
        assert reverse(f"donnees_ouvertes:{name}") in page
    assert "secret statistique" in page
    # The contract's name answers too (it leads to the same page).
    response = client.get(reverse("statistiques:donnees_ouvertes"))
    assert response.status_code == 302 and response.url == reverse("donnees_ouvertes:index")
    assert client.post(reverse("donnees_ouvertes:index")).status_code == 405


def test_national_equals_calculer_month_by_month(client, jeu):
    response = client.get(reverse("donnees_ouvertes:statistiques_national"))
    rows = _lire(response)
    assert list(rows[0].keys()) == list(opendata.COLONNES_NATIONAL)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}_conum_statistiques-mensuelles_france\.csv", _nom(response))
    par_mois = {row["mois"]: row for row in rows}
    # c10 (2025-11) and c7 (2025-12) are in complete months too; c5 is deleted.
    assert set(par_mois) == {"2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-06"}
    for mois in [date(2025, 11, 1), date(2025, 12, 1), *MOIS]:
        fin = date(mois.year, mois.month, 30 if mois.month == 11 else FIN_MOIS.get(mois.month, 31))
        stats = calculer(PERIMETRE_PUBLIC, Filtres(debut=mois, fin=fin))
        row = par_mois.get(mois.strftime("%Y-%m"))
        if row is None:
            assert stats.cras == 0
            continue
        assert int(row["comptes_rendus"]) == stats.cras
        assert int(row["accompagnements"]) == stats.accompagnements
        assert int(row["accompagnements_individuels"]) == stats.individuels
        assert int(row["ateliers_collectifs"]) == stats.ateliers
        assert int(row["participants_ateliers"]) == stats.participants_ateliers
        assert int(row["duree_minutes"]) == stats.minutes
    # Hand-checked: March 2026 is c2, a workshop of 10 participants, 90 minutes.
    assert par_mois["2026-03"]["accompagnements"] == "10" and par_mois["2026-03"]["duree_minutes"] == "90"


def test_current_month_is_not_published(jeu):
    today = date(2026, 6, 20)  # June is not complete yet
    mois = [row["mois"] for row in opendata.agregats_national(today)]
    assert date(2026, 6, 1) not in mois and date(2026, 4, 1) in mois


def test_departements_small_cell_rule(client, jeu):
    # July 2026: 5 advisors with a CRA in Paris (75) — published; 2 in the Rhône (69) — secret.
    paris = structure("75", nom="Maison France Services Paris")
    for n in range(5):
        cra(conseiller_dans(paris), date(2026, 7, 3 + n), duree=30)
    cra(jeu.a1, date(2026, 7, 2), duree=60)
    cra(jeu.a2, date(2026, 7, 9), duree=45)
    response = client.get(reverse("donnees_ouvertes:statistiques_departements"))
    rows = _lire(response)
    assert list(rows[0].keys()) == list(opendata.COLONNES_DEPARTEMENTS)
    cellules = {(row["mois"], row["departement"]): row for row in rows}
    publiee = cellules[("2026-07", "75")]
    assert publiee["secret_statistique"] == "non" and publiee["departement_nom"] == "Paris"
    stats = calculer(
        PERIMETRE_PUBLIC, Filtres(debut=date(2026, 7, 1), fin=date(2026, 7, 31), departement="75")
    )
    assert not stats.secret
    assert int(publiee["comptes_rendus"]) == stats.cras == 5
    assert int(publiee["duree_minutes"]) == stats.minutes == 150
    secret = cellules[("2026-07", "69")]
    assert secret["secret_statistique"] == "oui"
    for colonne in opendata.COLONNES_CHIFFRES.values():
        assert secret[colonne] == ""
    # Every cell of the fixed data set counts fewer than 5 advisors: all blank.
    anciennes = [row for (mois, _dep), row in cellules.items() if mois < "2026-07"]
    assert anciennes and all(
        r["secret_statistique"] == "oui" and r["comptes_rendus"] == "" for r in anciennes
    )


def test_departements_use_agreger_advisor_count(jeu):
    rows = opendata.agregats_departements()
    assert rows and all("secret" in row for row in rows)
    assert {row["departement"] for row in rows} <= {"69", "75"}


def test_aggregates_are_cached_for_the_day(jeu, settings):
    settings.OPENDATA_CACHE_SECONDS = 600
    avant = opendata.csv_national()
    cra(jeu.a4, date(2026, 5, 20), duree=30)
    assert opendata.csv_national() == avant  # served from the cache
    cache.clear()
    apres = opendata.csv_national()
    assert apres != avant and "2026-05," in apres
