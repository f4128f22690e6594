"""Structure and coordinator pages compare their advisors: one row per advisor, same figures as
the scope's (hand-counted on the ``jeu`` data set, see conftest.py)."""

from __future__ import annotations

import pytest

from statistiques.filtres import Filtres
from statistiques.perimetres import Perimetre
from statistiques.services import calculer, calculer_avec_conseillers

from .conftest import PERIODE
from .test_views import PERIODE_QS, URL, get

pytestmark = pytest.mark.django_db


def _nom(conseiller):
    return f"{conseiller.prenom} {conseiller.nom}".strip()


def test_structure_scope_has_one_row_per_advisor(jeu):
    assert calculer(Perimetre("structure", (jeu.s1.pk,)), PERIODE).par_conseiller == []  # the bare service
    stats = calculer_avec_conseillers(Perimetre("structure", (jeu.s1.pk,)), PERIODE)
    # a1: c1 (individual, 20 min), c2 (workshop of 10, 90 min), c3 (individual, 45 min);
    # a2: c4 (individual, 60 min); c5 is deleted.
    expected = sorted(
        [[_nom(jeu.a1), 3, 12, 1, round(155 / 60, 1)], [_nom(jeu.a2), 1, 1, 0, 1.0]],
        key=lambda row: row[0].casefold(),
    )
    assert stats.par_conseiller == expected
    # The rows add up to the scope's headline figures.
    assert sum(row[1] for row in stats.par_conseiller) == stats.cras
    assert sum(row[2] for row in stats.par_conseiller) == stats.accompagnements
    tableau = next(t for t in stats.tableaux() if t.cle == "conseillers")
    assert tableau.titre == "Activité par conseiller" and tableau.lignes == expected


def test_territorial_scopes_do_not_list_advisors(jeu):
    for perimetre in (Perimetre("departement", ("69",)), Perimetre("national")):
        stats = calculer_avec_conseillers(perimetre, PERIODE)
        assert stats.cras and stats.par_conseiller == []
        assert "conseillers" not in [t.cle for t in stats.tableaux()]


def test_empty_period_has_no_table(jeu):
    stats = calculer_avec_conseillers(
        Perimetre("structure", (jeu.s1.pk,)), Filtres(debut=PERIODE.debut, fin=PERIODE.debut)
    )
    assert stats.cras == 0 and stats.par_conseiller == []


def test_structure_page_shows_its_advisors_only(client, jeu):
    html = get(client, jeu.users.membre_s1, URL, PERIODE_QS).content.decode()
    assert "Activité par conseiller" in html
    assert _nom(jeu.a1) in html and _nom(jeu.a2) in html
    assert _nom(jeu.a4) not in html  # Paris advisor: another structure
