"""A structure applies in the browser, the prefecture gives its opinion, the operator validates
2 posts in the admin, the structure sees its 2 vacant posts. Real browser (Debian chromium);
every user logs in through the login form."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from structures.enums import StructureStatut
from structures.models import Structure
from tests.structures.factories import PASSWORD, operateur, postcode, prefecture, valid_siret

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the live server's ORM runs in its own.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        yield browser
        browser.close()
        # Close the ORM connection opened under Playwright's loop (PostgreSQL teardown).
        connections.close_all()


def _login(browser, live_server, email, password=PASSWORD):
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    expect(page.locator("input[name=password]")).to_have_count(0)
    return page


def test_structure_journey(browser, live_server):
    postcode("69001", "69", "69381", "Lyon 1er Arrondissement")
    prefet = prefecture("69")
    op = operateur()
    siret = valid_siret(4242)

    # 1. The structure applies on the public page
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/structures/candidature/")
    page.fill("input[name=siret]", siret)
    page.fill("input[name=nom]", "Mairie de Caluire")
    page.select_option("select[name=type]", "COMMUNE")
    page.fill("input[name=adresse]", "Place du Docteur Dugoujon")
    page.fill("input[name=code_postal]", "69001")
    page.fill("input[name=contact_prenom]", "Inès")
    page.fill("input[name=contact_nom]", "Garnier")
    page.fill("input[name=contact_email]", "ines.garnier@caluire.fr")
    page.fill("input[name=password]", "un-mot-de-passe-long")
    page.fill("input[name=nombre_conseillers_souhaites]", "2")
    page.fill("input[name=date_debut_mission]", (timezone.localdate() + timedelta(days=20)).isoformat())
    page.fill("textarea[name=motivation]", "Accompagner les habitants vers l'autonomie numérique.")
    page.check("input[name=engagement_confirme]", force=True)
    page.click("text=Envoyer ma candidature")
    expect(page.locator("h1")).to_have_text("Votre candidature a bien été envoyée")
    structure = Structure.objects.get(siret=siret)
    assert structure.statut == StructureStatut.CREEE
    # the contact confirms the address (the confirmation link is in allauth's email)
    EmailAddress.objects.filter(email="ines.garnier@caluire.fr").update(verified=True)

    # 2. The prefecture gives a favourable opinion
    pref = _login(browser, live_server, prefet.email)
    pref.goto("/structures/prefecture/")
    pref.click("text=Mairie de Caluire")
    pref.check("input[name=avis-avis][value=POSITIF]", force=True)
    pref.fill("textarea[name=avis-commentaire]", "Projet cohérent avec le besoin du territoire.")
    pref.click("text=Enregistrer l'avis")
    expect(pref.locator("text=Votre avis a été enregistré.")).to_be_visible()
    expect(pref.locator("#avis ~ ul").first).to_contain_text("Favorable")

    # 3. The operator validates 2 posts in the admin, after a confirmation page
    admin = _login(browser, live_server, op.email)
    admin.goto("/admin/structures/structure/")
    admin.check(f"input[name=_selected_action][value='{structure.pk}']")
    admin.select_option("select[name=action]", "decider")
    admin.click("button[name=index]")
    expect(admin.locator("h1")).to_have_text("Décision du comité de sélection")
    admin.fill("input[name=numero]", "12")
    admin.select_option("select[name=type]", "VALIDATION_COSELEC")
    admin.fill("input[name=nombre_postes]", "2")
    admin.click("input[value='Confirmer la décision']")
    expect(admin.locator("text=Décision enregistrée pour 1 structure(s).")).to_be_visible()

    # 4. The structure sees its 2 vacant posts
    mine = _login(browser, live_server, "ines.garnier@caluire.fr", "un-mot-de-passe-long")
    mine.goto("/structures/ma-structure/")
    expect(mine.locator("h1")).to_have_text("Mairie de Caluire")
    expect(mine.locator("text=2 vacant(s), 0 occupé(s), 0 rendu(s)")).to_be_visible()
    rows = mine.locator("table:has(caption:text-is('Postes de la structure')) tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Vacant")
    expect(rows.nth(1)).to_contain_text("Vacant")
    expect(mine.locator("text=COSELEC 12")).to_be_visible()
