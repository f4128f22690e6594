"""Statistics pages: each role sees exactly its scope, forged URLs do not leak, the public page's
small-cell rule, the menu entry, and a fixed number of SQL queries per page.

Data set: tests/statistiques/conftest.py (``jeu``); CRA counts over ``PERIODE`` by hand:
s1 = c1 c2 c3 c4 (4), s2 = c6 (1), s3 = c8 c9 (2); département 69 = 5; national = 7.
"""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conumapp.enums import Role
from conumapp.permissions import grant_role
from cra.enums import TypeCra
from tests.conventions.factories import UserFactory, departement

from .conftest import conseiller_dans, cra, structure

pytestmark = pytest.mark.django_db

PERIODE_QS = "debut=2026-01-01&fin=2026-06-30"
URL = reverse("statistiques:tableau")
PUBLIC_URL = reverse("statistiques:publiques")


def chiffre(html: str, cle: str) -> str | None:
    """The headline figure ``cle`` as the page shows it (None when absent)."""
    match = re.search(rf'id="chiffre-{cle}">\s*<p class="statistiques-chiffre__valeur">([^<]*)</p>', html)
    return match.group(1) if match else None


class Tables(HTMLParser):
    """{caption: [[cell text, …], …]} of every data table in a page."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption = None
        self._rows = None
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption.strip()] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def get(client, user, url=URL, qs=PERIODE_QS):
    if user is not None:
        client.force_login(user)
    return client.get(f"{url}?{qs}" if qs else url)


# --- each role: exactly its data ------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "cras", "libelle"),
    [
        ("operateur", "7", "France entière"),
        ("prefecture_69", "5", "69 - Rhône"),
        ("hub_84", "5", "Auvergne-Rhône-Alpes"),
        ("membre_s1", "4", "Médiathèque de Lyon"),
        ("membre_s3", "2", "Mairie de Paris"),
        ("coordinateur", "5", "Conseillers coordonnés"),
        ("grand_reseau", "1", "La Poste"),
        ("conseiller_a1", "3", "Mon activité"),
    ],
)
def test_each_role_sees_its_scope(client, jeu, user, cras, libelle):
    response = get(client, getattr(jeu.users, user))
    assert response.status_code == 200
    html = response.content.decode()
    assert chiffre(html, "cras") == cras
    assert libelle in html
    # Charts' data and the accessible tables are on the page.
    assert 'id="statistiques-graphiques"' in html
    assert "<caption>Thématiques</caption>" in html
    assert 'th scope="col"' in html


def test_structure_page_shows_only_its_figures(client, jeu):
    html = get(client, jeu.users.membre_s3).content.decode()
    assert chiffre(html, "cras") == "2"
    assert chiffre(html, "heures") == "4,5"  # 30 + 240 minutes
    assert chiffre(html, "conseillers_en_poste") == "2"  # a4, a5 (a6's contract ended)
    t = tables(html)
    thematiques = {row[0]: row[1] for row in t["Thématiques"][1:]}
    assert thematiques["Banque et achats en ligne"] == "0"  # s1's c3 is not counted
    assert thematiques["Logement"] == "1"
    mensuel = {row[0]: row[1] for row in t["Évolution mensuelle"][1:]}
    assert mensuel == {"janvier 2026": "0", "février 2026": "0", "mars 2026": "0", "avril 2026": "1",
                       "mai 2026": "0", "juin 2026": "1"}  # fmt: skip
    # Per advisor: its advisors only in the choice list.
    assert f'<option value="{jeu.a4.pk}"' in html
    assert f'<option value="{jeu.a1.pk}"' not in html
    assert "Médiathèque de Lyon" not in html


def test_charts_data_match_the_tables(client, jeu):
    html = get(client, jeu.users.prefecture_69).content.decode()
    data = json.loads(
        re.search(r'id="statistiques-graphiques" type="application/json">(.*?)</script>', html).group(1)
    )
    t = tables(html)
    graphiques = {g["cle"]: g for g in data}
    assert {g["type"] for g in data} == {"bar", "line", "doughnut"}
    assert graphiques["mensuel"]["type"] == "line"
    assert graphiques["lieux"]["type"] == "doughnut"
    assert graphiques["thematiques"]["type"] == "bar"
    for g in data:
        rows = t[g["titre"]][1:]
        assert g["labels"] == [row[0] for row in rows]
        assert [str(v) for v in g["series"][0]["data"]] == [row[1] for row in rows]
    assert sum(graphiques["mensuel"]["series"][0]["data"]) == 5
    # Scripts: only static files with the request's nonce, no inline code (CSP).
    assert "<script>" not in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert not re.search(r"<script[^>]+src=\"(https?:)?//", html)


def test_structure_per_advisor(client, jeu):
    html = get(client, jeu.users.membre_s1, qs=f"{PERIODE_QS}&conseiller={jeu.a2.pk}").content.decode()
    assert chiffre(html, "cras") == "1"  # c4 (c5 is deleted)
    assert chiffre(html, "heures") == "1"


def test_several_scopes_offer_a_selector(client, jeu):
    user = jeu.users.membre_s1
    grant_role(user, Role.PREFECTURE, departement=departement("75"))
    html = get(client, user).content.decode()
    assert 'name="perimetre"' in html and "Périmètre des statistiques" in html
    assert "75 - Paris" in html
    html = get(client, user, qs=f"perimetre=departement:75&{PERIODE_QS}").content.decode()
    assert chiffre(html, "cras") == "2"
    html = get(client, user, qs=f"perimetre=structure:{jeu.s1.pk}&{PERIODE_QS}").content.decode()
    assert chiffre(html, "cras") == "4"


# --- forged URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["tableau", "export_csv"])
def test_foreign_scope_key_is_not_found(client, jeu, url_name):
    url = URL if url_name == "tableau" else reverse("statistiques:export", kwargs={"format": "csv"})
    cases = [
        (jeu.users.membre_s1, f"structure:{jeu.s3.pk}"),
        (jeu.users.conseiller_a1, f"conseiller:{jeu.a2.pk}"),
        (jeu.users.prefecture_69, "departement:75"),
        (jeu.users.prefecture_69, "national"),
        (jeu.users.hub_84, "region:11"),
    ]
    for user, cle in cases:
        client.force_login(user)
        assert client.get(f"{url}?perimetre={cle}&{PERIODE_QS}").status_code == 404, cle


def test_foreign_filters_keep_the_scope(client, jeu):
    # A structure filtering on another structure or its advisor: form error, own figures.
    html = get(client, jeu.users.membre_s1, qs=f"{PERIODE_QS}&structure={jeu.s3.pk}").content.decode()
    assert chiffre(html, "cras") == "4"
    assert "fr-select-group--error" in html
    assert 'aria-describedby="id_structure-erreur"' in html and 'id="id_structure-erreur"' in html
    html = get(client, jeu.users.membre_s1, qs=f"{PERIODE_QS}&conseiller={jeu.a4.pk}").content.decode()
    assert chiffre(html, "cras") == "4"
    # An advisor asking for a colleague.
    html = get(client, jeu.users.conseiller_a1, qs=f"{PERIODE_QS}&conseiller={jeu.a2.pk}").content.decode()
    assert chiffre(html, "cras") == "3"
    # A prefecture asking for another département.
    html = get(client, jeu.users.prefecture_69, qs=f"{PERIODE_QS}&departement=75").content.decode()
    assert chiffre(html, "cras") == "5"
    assert "fr-select-group--error" in html
    # Same for the exports.
    client.force_login(jeu.users.membre_s1)
    csv = client.get(
        reverse("statistiques:export", kwargs={"format": "csv"}) + f"?{PERIODE_QS}&structure={jeu.s3.pk}"
    ).content.decode("utf-8-sig")
    assert "\r\nCRA;4\r\n" in csv
    assert "Mairie de Paris" not in csv


def test_no_scope_forbidden_and_anonymous_redirected(client, jeu):
    assert client.get(URL).status_code == 302
    assert client.get(reverse("statistiques:export", kwargs={"format": "csv"})).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert client.get(reverse("statistiques:export", kwargs={"format": "pdf"})).status_code == 403


def test_empty_state(client, jeu):
    html = get(client, jeu.users.membre_s1, qs="debut=2020-01-01&fin=2020-03-31").content.decode()
    assert 'id="statistiques-vide"' in html
    assert chiffre(html, "cras") == "0"
    assert "<caption>Thématiques</caption>" not in html


def test_invalid_period_keeps_defaults_with_a_french_error(client, jeu):
    html = get(client, jeu.users.membre_s1, qs="debut=2026-06-30&fin=2026-01-01").content.decode()
    assert "La date de fin doit être postérieure à la date de début." in html


# --- public page ------------------------------------------------------------------------------


def test_public_page_without_login(client, jeu):
    response = get(client, None, PUBLIC_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert chiffre(html, "cras") == "7"
    # No filter below département level.
    assert 'name="structure"' not in html and 'name="conseiller"' not in html
    # A structure filter in the URL is ignored: still national figures.
    html = get(client, None, PUBLIC_URL, f"{PERIODE_QS}&structure={jeu.s1.pk}").content.decode()
    assert chiffre(html, "cras") == "7"


@pytest.mark.parametrize("qs", ["departement=69", "region=84", "departement=75"])
def test_public_small_cells_are_hidden(client, jeu, qs):
    html = get(client, None, PUBLIC_URL, f"{PERIODE_QS}&{qs}").content.decode()
    assert 'id="statistiques-secret"' in html
    assert chiffre(html, "cras") is None
    assert "<caption>Thématiques</caption>" not in html
    csv = client.get(
        reverse("statistiques:export", kwargs={"format": "csv"}) + f"?perimetre=public&{PERIODE_QS}&{qs}"
    ).content.decode("utf-8-sig")
    assert "Moins de 5 conseillers" in csv
    assert "\r\nCRA;" not in csv and "Thématiques" not in csv


def test_public_cell_with_five_advisors_is_shown(client, jeu):
    for _ in range(2):
        cra(conseiller_dans(jeu.s1), date(2026, 5, 5))
    html = get(client, None, PUBLIC_URL, f"{PERIODE_QS}&departement=69").content.decode()
    assert 'id="statistiques-secret"' not in html
    assert chiffre(html, "cras") == "7"


# --- menu -------------------------------------------------------------------------------------


def test_menu_entry_for_roles_with_a_scope(client, jeu):
    for user in (jeu.users.membre_s1, jeu.users.conseiller_a1, jeu.users.prefecture_69, jeu.users.coordinateur,
                 jeu.users.grand_reseau, jeu.users.hub_84, jeu.users.operateur):  # fmt: skip
        client.force_login(user)
        html = client.get(reverse("espace")).content.decode()
        assert f'href="{URL}"' in html, user
    client.force_login(UserFactory())
    assert f'href="{URL}"' not in client.get(reverse("espace")).content.decode()


# --- fixed number of queries ------------------------------------------------------------------


def _grow(jeu):
    """More structures, advisors, CRAs and months in every scope of the data set."""
    for dep, base in (("69", jeu.s1), ("75", jeu.s3)):
        extra = structure(dep, nom=f"Structure en plus {dep}")
        for owner in (base, extra):
            for _ in range(3):
                obj = conseiller_dans(owner)
                for month in range(1, 7):
                    cra(obj, date(2026, month, 3), type=TypeCra.COLLECTIF if month % 2 else TypeCra.INDIVIDUEL,
                        participants=3 if month % 2 else 1, themes=("email", "logement"))  # fmt: skip


def _count(client, url):
    client.get(url)  # warm-up: the daily rollup refreshes its dirty keys once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("user", "url", "qs"),
    [
        ("membre_s1", URL, PERIODE_QS),
        ("membre_s1", URL, "debut=2025-01-01&fin=2026-06-30&type=individuel"),
        ("prefecture_69", URL, PERIODE_QS),
        ("prefecture_69", URL, f"{PERIODE_QS}&thematique=email"),
        ("operateur", URL, PERIODE_QS),
        ("coordinateur", URL, PERIODE_QS),
        ("grand_reseau", URL, PERIODE_QS),
        ("conseiller_a1", URL, PERIODE_QS),
        (None, PUBLIC_URL, PERIODE_QS),
        (None, PUBLIC_URL, f"{PERIODE_QS}&type=collectif"),
    ],
)
def test_query_count_does_not_grow(client, jeu, user, url, qs):
    if user:
        client.force_login(getattr(jeu.users, user))
    full = f"{url}?{qs}"
    before = _count(client, full)
    _grow(jeu)
    after = _count(client, full)
    assert after == before
    assert before <= 40


@pytest.mark.parametrize("user", ["membre_s1", "prefecture_69"])
def test_query_count_does_not_grow_with_the_period(client, jeu, user):
    client.force_login(getattr(jeu.users, user))
    short = _count(client, f"{URL}?debut=2026-05-01&fin=2026-06-30")
    long = _count(client, f"{URL}?debut=2024-01-01&fin=2026-06-30")
    assert short == long
