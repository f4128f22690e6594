"""An advisor with a CCP1 convocation registers for a session; the operator validates eligibility
and confirms; the advisor sees it confirmed, then the yearly obligation met once attendance is
recorded. Real browser (Debian chromium)."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from formation.enums import StatutInscription
from formation.models import Inscription, Session
from tests.formation.factories import SessionFactory, conseiller_eligible, module, operateur

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _logged_in(new_page, live_server, user):
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_formation_journey(new_page, live_server, reference_data, console_errors):
    conseiller = conseiller_eligible(entree=date(2023, 3, 1))
    session = SessionFactory(
        module=module("Accompagner les seniors"), date_debut=timezone.localdate() + timedelta(days=40)
    )
    op = operateur()

    # The advisor registers.
    advisor = _logged_in(new_page, live_server, conseiller.user)
    advisor.goto("/formation/")
    expect(advisor.get_by_role("heading", level=1)).to_contain_text("Formation de")
    advisor.get_by_role("link", name="S'inscrire à une session").click()
    advisor.get_by_role("link", name="S'inscrire").first.click()
    advisor.get_by_role("button", name="Confirmer la demande d'inscription").click()
    expect(advisor.locator("body")).to_contain_text("Demande d'inscription enregistrée")
    expect(advisor.locator("table")).to_contain_text("Éligibilité à valider")

    # The operator validates eligibility, then confirms the seat, from the back office.
    admin = _logged_in(new_page, live_server, op)
    inscription = Inscription.objects.get(conseiller=conseiller)
    for action, bouton in (("valider_eligibilite", "Valider"), ("confirmer", "Confirmer")):
        admin.goto("/admin/formation/inscription/")
        admin.check(f"input[name=_selected_action][value='{inscription.pk}']")
        admin.select_option("select[name=action]", action)
        admin.click("button[name=index]")
        admin.click(f"input[type=submit][value='{bouton}']")
        expect(admin.locator(".messagelist")).to_be_visible()

    advisor.reload()
    expect(advisor.locator("table")).to_contain_text("Confirmée")
    annee = timezone.localdate().year
    expect(advisor.locator(f"[data-annee='{annee}']")).to_have_text("En attente")

    # The session takes place; the operator records attendance.
    Session.objects.filter(pk=session.pk).update(
        date_debut=timezone.localdate() - timedelta(days=1), date_fin=timezone.localdate() - timedelta(days=1)
    )
    Inscription.objects.filter(pk=inscription.pk).update(annee=annee)
    admin.goto("/admin/formation/inscription/")
    admin.check(f"input[name=_selected_action][value='{inscription.pk}']")
    admin.select_option("select[name=action]", "noter_presents")
    admin.click("button[name=index]")
    admin.click("input[type=submit][value='Enregistrer']")
    expect(admin.locator(".messagelist")).to_contain_text("présence(s) enregistrée(s)")
    assert Inscription.objects.get(pk=inscription.pk).statut == StatutInscription.SUIVIE

    advisor.reload()
    expect(advisor.locator("table")).to_contain_text("Suivie")
    expect(advisor.locator(f"[data-annee='{annee}']")).to_have_text("Remplie")
    # Django's admin pages declare no favicon: the browser's automatic /favicon.ico request is a 404
    # that does not come from this journey.
    console_errors[:] = [error for error in console_errors if "/favicon.ico" not in error]
