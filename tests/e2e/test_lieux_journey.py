"""A structure member adds a place of activity in a real browser ("Ma structure" → "Lieux
d'activité"); an anonymous visitor downloads it from the public open data page, in the national
"lieux de médiation numérique" format. Both pages pass the axe-core audit."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from structures.enums import StructureStatut
from tests.structures.factories import PASSWORD, StructureFactory, membre
from tests.structures.lieux_factories import commune

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_adds_a_place_then_it_is_published(reference_data, new_page, login):
    commune()  # Villeurbanne (69100), the only commune of its postcode
    structure = StructureFactory(statut=StructureStatut.VALIDATION_COSELEC, siret="21690123400017")
    user = membre(structure)

    page = new_page()
    login(page, user.email, PASSWORD)
    page.goto(f"/structures/{structure.pk}/")
    page.get_by_role("link", name="Voir et gérer les lieux d'activité").click()
    expect(page.get_by_role("heading", level=1, name="Lieux d'activité")).to_be_visible()
    page.get_by_role("link", name="Ajouter un lieu d'activité").click()

    page.fill("#id_nom", "Espace numérique Gratte-Ciel")
    page.fill("#id_adresse", "10 avenue Henri Barbusse")
    page.fill("#id_code_postal", "69100")
    page.fill("#id_horaires", "Tu,Th 14:00-17:00")
    page.get_by_label("Aide aux démarches administratives").check()
    page.get_by_label("Maîtrise des outils numériques du quotidien").check()
    page.get_by_label("Fixe").check()
    page.get_by_label("Gratuit", exact=True).check()
    page.get_by_role("button", name="Enregistrer le lieu").click()

    expect(page.get_by_text("Le lieu d'activité est enregistré.")).to_be_visible()
    expect(page.get_by_role("cell", name="Espace numérique Gratte-Ciel", exact=True)).to_be_visible()
    lieux_url = page.url

    visiteur = new_page()
    visiteur.goto("/donnees-ouvertes/")
    expect(visiteur.get_by_role("heading", level=1, name="Données ouvertes")).to_be_visible()
    with visiteur.expect_download() as download_info:
        visiteur.get_by_role("link", name="Lieux d'activité des conseillers numériques").click()
    download = download_info.value
    assert download.suggested_filename.endswith("_conum_lieux-de-mediation-numerique_france.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["nom"] == "Espace numérique Gratte-Ciel")
    assert row["pivot"] == "21690123400017" and row["commune"] == "Villeurbanne"
    assert row["services"] == "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien"
    assert (
        row["horaires"] == "Tu,Th 14:00-17:00"
        and row["dispositif_programmes_nationaux"] == "Conseillers numériques"
    )

    # Accessibility audit, under the pages' own Content-Security-Policy (tests/e2e/axe.py).
    from tests.e2e.axe import assert_accessible

    audit = new_page()
    audit.goto("/donnees-ouvertes/")
    assert_accessible(audit)
    audit = new_page()
    login(audit, user.email, PASSWORD)
    audit.goto(lieux_url)
    assert_accessible(audit)
    audit.get_by_role("link", name="Ajouter un lieu d'activité").click()
    assert_accessible(audit)
