"""Exports of the statistics page: they hold exactly the page's figures (CSV with ``;`` and a
UTF-8 BOM, French decimal comma; XLSX with numbers; PDF whose text has the headline figures),
each scope only its own data."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from statistiques.perimetres import Perimetre
from statistiques.services import calculer

from .test_views import PERIODE_QS, URL, chiffre, tables

pytestmark = pytest.mark.django_db


def export(client, fmt, qs=PERIODE_QS):
    return client.get(reverse("statistiques:export", kwargs={"format": fmt}) + f"?{qs}")


def sections(text: str) -> dict[str, list[list[str]]]:
    """CSV sections: {title: [header, rows…]} (a section: title line, then rows, blank line)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    out, current = {}, None
    for row in rows:
        if not row:
            current = None
        elif current is None and len(row) == 1:
            current = out.setdefault(row[0], [])
        elif current is not None:
            current.append(row)
    return out


def test_csv_matches_the_page(client, jeu):
    client.force_login(jeu.users.membre_s1)
    page = client.get(f"{URL}?{PERIODE_QS}").content.decode()
    response = export(client, "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the accents right
    text = raw.decode("utf-8-sig")
    assert "Thématiques" in text and "Évolution mensuelle" in text and "Périmètre;Médiathèque de Lyon" in text
    csv_sections = sections(text)
    # Headline figures: same as the tiles, French decimal comma.
    chiffres = dict(csv_sections["Chiffres clés"][1:])
    assert chiffres["CRA"] == chiffre(page, "cras") == "4"
    assert chiffres["Temps d'accompagnement (heures)"] == chiffre(page, "heures") == "3,6"  # 215 min
    assert chiffres["Participants aux ateliers"] == chiffre(page, "participants_ateliers") == "10"
    # Every table of the page, cell for cell.
    page_tables = tables(page)
    assert len(page_tables) == 12  # the 11 families and the structure's per-advisor table
    assert "Activité par conseiller" in page_tables
    for titre, rows in page_tables.items():
        assert csv_sections[titre] == rows, titre
    # Shares with a decimal comma, never a point.
    parts = [row[2] for row in csv_sections["Thématiques"][1:]]
    assert parts.count("50") == 1 and parts.count("25") == 3  # e-mail: c1 c2; santé, banque, diagnostic
    assert all("." not in part for part in parts)
    assert any(
        "," in row[2]
        for row in csv_sections["Lieux d'accompagnement"][1:] + csv_sections["Genre du public"][1:]
    )


def test_csv_of_a_structure_has_only_its_data(client, jeu):
    client.force_login(jeu.users.membre_s3)
    text = export(client, "csv").content.decode("utf-8-sig")
    expected = calculer(Perimetre("structure", (jeu.s3.pk,), "Mairie de Paris"), jeu.periode)
    s = sections(text)
    assert dict(s["Chiffres clés"][1:])["CRA"] == str(expected.cras) == "2"
    thematiques = {row[0]: row[1] for row in s["Thématiques"][1:]}
    assert thematiques["Banque et achats en ligne"] == "0"  # s1's CRA
    assert thematiques["Prévention en sécurité numérique"] == "0"  # s2's workshop
    assert "Médiathèque" not in text and "Bureau de poste" not in text


def test_xlsx_matches_the_page(client, jeu):
    client.force_login(jeu.users.prefecture_69)
    page = client.get(f"{URL}?{PERIODE_QS}").content.decode()
    response = export(client, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    by_label = {row[0]: row[1] for row in values if len(row) == 2}
    assert by_label["CRA"] == 5 == int(chiffre(page, "cras"))
    assert by_label["Temps d'accompagnement (heures)"] == pytest.approx(5.6)  # 335 min
    assert chiffre(page, "heures") == "5,6"
    assert by_label["Périmètre"] == "69 - Rhône"
    # The monthly table: same rows as the page (months as text, numbers as numbers).
    mensuel = tables(page)["Évolution mensuelle"][1:]
    start = values.index(["Évolution mensuelle"]) + 2
    assert [[r[0], str(r[1]), str(r[2])] for r in values[start : start + len(mensuel)]] == mensuel


def test_pdf_contains_the_headline_figures(client, jeu):
    client.force_login(jeu.users.membre_s1)
    response = export(client, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert "Statistiques Conum" in text
    assert "Médiathèque de Lyon" in text
    assert "du 01/01/2026 au 30/06/2026" in text
    assert "4 CRA" in text or "4CRA" in text.replace(" ", "")
    assert "3,6" in text  # hours
    assert "Thématiques" in text and "Évolution mensuelle" in text


def test_pdf_of_a_hidden_public_cell_has_no_figures(client, jeu):
    response = export(client, "pdf", f"perimetre=public&{PERIODE_QS}&departement=69")
    assert response.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Moins de 5 conseillers" in text
    assert "Chiffres clés" not in text


def test_public_exports_without_login(client, jeu):
    text = export(client, "csv", f"perimetre=public&{PERIODE_QS}").content.decode("utf-8-sig")
    assert dict(sections(text)["Chiffres clés"][1:])["CRA"] == "7"
    assert export(client, "xlsx", f"perimetre=public&{PERIODE_QS}").status_code == 200


def test_export_links_carry_the_page_querystring(client, jeu):
    client.force_login(jeu.users.membre_s1)
    qs = f"{PERIODE_QS}&conseiller={jeu.a1.pk}&type=individuel"
    page = client.get(f"{URL}?{qs}").content.decode()
    link = reverse("statistiques:export", kwargs={"format": "csv"})
    expected = f"{link}?perimetre=structure%3A{jeu.s1.pk}&amp;debut=2026-01-01&amp;fin=2026-06-30&amp;conseiller={jeu.a1.pk}&amp;type=individuel"
    assert expected in page
    text = export(client, "csv", qs).content.decode("utf-8-sig")
    assert dict(sections(text)["Chiffres clés"][1:])["CRA"] == chiffre(page, "cras") == "2"  # c1, c3
    assert "Type d'activité;Accompagnement individuel" in text
    assert f"Conseiller;{jeu.a1}" in text
