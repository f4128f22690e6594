"""Operator drafts and signs a convention; the structure downloads its PDF and sees 3 tranches;
the operator records the first payment; the structure sees it paid. Real browser (Debian chromium)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.conventions.factories import (
    StructureFactory,
    conseiller_recrute,
    contrat_accepte,
    membre,
    operateur,
)

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
        # Under Playwright's running loop, asgiref gives the ORM a connection of its own: close it,
        # or the PostgreSQL test database cannot be dropped at the end of the session.
        connections.close_all()


def _page_for(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(accept_downloads=True, base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.fixture
def _baremes():
    import importlib

    from django.apps import apps

    importlib.import_module("conventions.migrations.0002_baremes_par_defaut").forwards(apps, None)


def test_convention_journey(browser, live_server, _baremes, tmp_path):
    structure = StructureFactory(nom="Mairie de Villeurbanne", siret="21690266800013")
    poste = structure.postes.get()
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=timezone.localdate() - timedelta(days=400))
    member = membre(structure)
    op = operateur()
    signed_on = (timezone.localdate() - timedelta(days=40)).isoformat()

    # Operator drafts, sends and signs
    admin = _page_for(browser, live_server, op)
    admin.goto("/admin/conventions/convention/rediger/")
    admin.select_option("select[name=structure]", str(structure.pk))
    admin.click("input[type=submit]")
    admin.click("text=Envoyer")
    admin.click("input[value=Envoyer]")
    admin.click("text=Enregistrer la signature")
    admin.fill("input[name=date]", signed_on)
    admin.click("input[type=submit]")
    expect(admin.locator(".messagelist")).to_contain_text("Signature enregistrée")

    # The structure sees 3 tranches and downloads its PDF
    page = _page_for(browser, live_server, member)
    page.goto("/conventions/")
    page.click("text=CN-")
    expect(page.locator("tr.tranche")).to_have_count(3)
    with page.expect_download() as download_info:
        page.click("text=Télécharger la convention (PDF)")
    path = tmp_path / "convention.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    # Operator records the first payment from the "à verser" queue
    admin.goto("/admin/conventions/tranche/?file=a_verser")
    admin.check("input[name=_selected_action]")
    admin.select_option("select[name=action]", "enregistrer_versement")
    admin.click("button[name=index]")
    admin.fill("input[name=date]", timezone.localdate().isoformat())
    admin.click("input[value='Confirmer le versement']")
    expect(admin.locator(".messagelist")).to_contain_text("1 tranche(s) traitée(s)")

    # The structure sees it paid
    page.reload()
    paid = page.locator("tr.tranche", has_text="Versée")
    expect(paid).to_have_count(1)
    expect(paid).to_contain_text("16\xa0666,67 € le")
