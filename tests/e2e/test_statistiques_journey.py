"""A structure reads its statistics in a real browser: the charts are drawn (Chart.js served from
static/, no CDN, no inline script), it changes the period filter, the figures, tables and charts
update, and the CSV export downloads with exactly the page's figures."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.statistiques.conftest import jeu  # noqa: F401 - the fixed statistics data set

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-solide-123"  # tests.conventions.factories.UserFactory


def _table(page, cle: str) -> list[list[str]]:
    return page.eval_on_selector(
        f"#tableau-{cle}",
        "t => Array.from(t.querySelectorAll('tr')).map(r => Array.from(r.cells).map(c => c.textContent.trim()))",
    )


def _csv_sections(text: str) -> dict[str, list[list[str]]]:
    out, current = {}, None
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = out.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return out


def test_structure_changes_the_period_and_exports(reference_data, jeu, page, login):  # noqa: F811
    user = jeu.users.membre_s1
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    login(page, user.email, PASSWORD)

    # The menu leads to the statistics.
    page.goto("/mon-espace/")
    page.get_by_role("link", name="Statistiques", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name="Statistiques")).to_be_visible()
    expect(page.get_by_text("Médiathèque de Lyon").first).to_be_visible()

    # A 6-month period: 4 CRAs (c1 to c4), charts drawn from the page's data.
    page.fill("#id_debut", "2026-01-01")
    page.fill("#id_fin", "2026-06-30")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"debut=2026-01-01.*fin=2026-06-30"))
    expect(page.locator("#chiffre-cras .statistiques-chiffre__valeur")).to_have_text("4")
    expect(page.locator("#chiffre-heures .statistiques-chiffre__valeur")).to_have_text("3,6")
    expect(page.locator("#graphique-thematiques[data-dessine=oui]")).to_have_count(1)
    expect(page.locator("#graphique-mensuel[data-dessine=oui]")).to_have_count(1)
    expect(page.locator("#graphique-lieux[data-dessine=oui]")).to_have_count(1)
    assert len(_table(page, "mensuel")) == 1 + 6

    # The structure narrows the period to March–June: figures, tables and charts follow.
    page.fill("#id_debut", "2026-03-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"debut=2026-03-01"))
    expect(page.locator("#chiffre-cras .statistiques-chiffre__valeur")).to_have_text("2")  # c2, c3
    expect(page.locator("#chiffre-heures .statistiques-chiffre__valeur")).to_have_text(
        "2,2"
    )  # 135 min, rounded to 1 decimal
    expect(page.locator("#graphique-mensuel[data-dessine=oui]")).to_have_count(1)
    mensuel = _table(page, "mensuel")
    assert [row[0] for row in mensuel[1:]] == ["mars 2026", "avril 2026", "mai 2026", "juin 2026"]
    points = page.evaluate("() => window.Chart.getChart('graphique-mensuel').data.labels")
    assert points == ["mars 2026", "avril 2026", "mai 2026", "juin 2026"]
    thematiques = _table(page, "thematiques")

    # The CSV export downloads and holds exactly the page's figures.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    sections = _csv_sections(raw.decode("utf-8-sig"))
    assert dict(sections["Chiffres clés"][1:])["CRA"] == "2"
    assert dict(sections["Chiffres clés"][1:])["Temps d'accompagnement (heures)"] == "2,2"
    assert sections["Évolution mensuelle"] == mensuel
    assert sections["Thématiques"] == thematiques


def test_statistics_pages_are_accessible(reference_data, jeu, new_page, login):  # noqa: F811
    from tests.e2e.axe import assert_accessible

    user = jeu.users.membre_s1
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    # axe-core runs under the pages' own Content-Security-Policy (tests/e2e/axe.py).
    # The public page, without login: figures, then a hidden small cell.
    page = new_page()
    page.goto("/statistiques/publiques/?debut=2026-01-01&fin=2026-06-30")
    expect(page.locator("#graphique-thematiques[data-dessine=oui]")).to_have_count(1)
    assert_accessible(page)
    page.goto("/statistiques/publiques/?debut=2026-01-01&fin=2026-06-30&departement=69")
    expect(page.locator("#statistiques-secret")).to_be_visible()
    assert_accessible(page)
    # The structure's page, with a filter error.
    page = new_page()
    login(page, user.email, PASSWORD)
    page.goto(f"/statistiques/?debut=2026-01-01&fin=2026-06-30&structure={jeu.s3.pk}")
    expect(page.locator("#id_structure-erreur")).to_be_visible()
    expect(page.locator("#graphique-lieux[data-dessine=oui]")).to_have_count(1)
    assert_accessible(page)
