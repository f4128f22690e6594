"""At 360 × 740, an advisor files an individual CRA, duplicates it, files a collective one with
12 participants and sees them in « Mes CRA »; axe-core finds no serious violation on the form."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from cra.models import Cra
from tests.cra.factories import StructureFactory, commune, conseiller_en_poste
from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "mot-de-passe-solide-123"


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_advisor_files_on_a_phone(new_page, login):
    commune()
    structure = StructureFactory(code_postal="69001")
    conseiller = conseiller_en_poste(structure, debut=timezone.localdate() - timedelta(days=200))
    EmailAddress.objects.create(
        user=conseiller.user, email=conseiller.user.email, verified=True, primary=True
    )
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    login(page, conseiller.user.email, PASSWORD)

    page.goto("/cra/saisir/")
    expect(page.get_by_role("heading", name="Saisir un CRA")).to_be_visible()
    _no_horizontal_scroll(page)
    # Progressive disclosure: individual by default, the workshop fields are hidden.
    expect(page.locator("[data-cra-pour=collectif]").first).to_be_hidden()
    expect(page.locator("[data-cra-comptes]")).to_be_hidden()
    assert_accessible(page)

    # Individual, common case: one theme, submit.
    page.get_by_text("E-mail", exact=True).click()
    page.get_by_role("button", name="Enregistrer le CRA").click()
    expect(page.get_by_role("heading", name="CRA enregistré")).to_be_visible()
    _no_horizontal_scroll(page)

    # Duplicate: pre-filled; the duplicate check asks for confirmation.
    page.get_by_role("link", name="Dupliquer ce CRA").click()
    expect(page.locator("input[name=thematiques_numeriques][value=email]")).to_be_checked()
    page.get_by_role("button", name="Enregistrer le CRA").click()
    expect(page.get_by_text("moins de 10 minutes")).to_be_visible()
    page.get_by_role("button", name="Enregistrer quand même").click()
    expect(page.get_by_role("heading", name="CRA enregistré")).to_be_visible()

    # Collective with 12 participants.
    page.get_by_role("link", name="Saisir un autre CRA").click()
    page.locator("label", has_text="Atelier collectif").click()
    expect(page.locator("[data-cra-pour=collectif]").first).to_be_visible()
    expect(page.locator("[data-cra-pour=individuel]").first).to_be_hidden()
    page.fill("input[name=titre_atelier]", "Découvrir la messagerie")
    page.fill("input[name=participants]", "12")
    for name in ("age_soixante_dix_plus", "genre_non_communique", "statut_retraite"):
        page.fill(f"input[name={name}]", "12")
    page.locator("label", has_text="1 h 30").click()
    page.get_by_text("E-mail", exact=True).click()
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Enregistrer le CRA").click()
    expect(page.get_by_role("heading", name="CRA enregistré")).to_be_visible()

    page.get_by_role("link", name="Mes CRA").click()
    expect(page).to_have_url(re.compile(r"/cra/mes-cra/"))
    expect(page.get_by_text("3 CRA · 14 personnes")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(3)
    expect(page.locator("table").get_by_text("Atelier collectif")).to_have_count(1)
    assert Cra.objects.filter(type="collectif", participants=12, duree=90).count() == 1
