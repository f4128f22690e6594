"""A demo user logs in through the real login form and lands on their role's home page,
with no error in the browser console. Real browser (Debian chromium)."""

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from conumapp.demo import DEMO_PASSWORD, demo_user
from conumapp.models import User
from conumapp.navigation import collect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _expected_tiles(email):
    """The entries the navigation registry gives this user: what "Mon espace" must show."""
    request = RequestFactory().get("/")
    request.user = User.objects.get(email=email)
    return [entry.label for entry in collect(request)]


# One seed for several roles: seeding is the slow part, and each transactional test flushes it.
ACCOUNTS = ["structure@demo.conum.fr", "prefecture69@demo.conum.fr", "operateur@demo.conum.fr"]


def test_demo_users_log_in_and_see_their_home(demo_data, live_server, new_page, login, console_errors):
    for email in ACCOUNTS:
        page = new_page()  # a context of its own: no session carried over
        page.goto("/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()

        login(page, email, DEMO_PASSWORD)

        expect(page).to_have_url(live_server.url + "/")  # LOGIN_REDIRECT_URL: the home page
        expect(page.get_by_role("heading", level=1, name="Mon espace")).to_be_visible()
        tiles = _expected_tiles(email)
        assert tiles, f"le registre de navigation ne donne aucune entrée à {email}"
        expect(page.locator(".fr-tile__title")).to_have_text(tiles)
        expect(page.get_by_text("Aucun espace n'est encore ouvert pour votre compte")).to_have_count(0)
        assert console_errors == [], email


def test_wrong_password_stays_on_the_login_page_with_a_french_message(page):
    demo_user("structure@demo.conum.fr")  # the account alone: no need for the whole demo data
    page.goto("/accounts/login/")
    page.fill("#id_login", "structure@demo.conum.fr")
    page.fill("#id_password", "pas le bon mot de passe")
    page.locator("form", has=page.locator("#id_login")).locator("button[type=submit]").click()

    expect(page.locator(".fr-alert--error")).to_contain_text("sont incorrects")
    assert page.url.endswith("/accounts/login/")
    expect(page.locator("#id_login")).to_have_value("structure@demo.conum.fr")


def test_console_errors_are_captured(page, console_errors):
    """The shared ``page`` fixture records console errors and uncaught exceptions (and fails the
    test at teardown when any is left); cleared here since this test raises them on purpose."""
    page.goto("/accounts/login/")
    with page.expect_console_message():
        page.evaluate("console.error('erreur volontaire')")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('exception volontaire'); })")
    assert any("erreur volontaire" in error for error in console_errors)
    assert any("exception volontaire" in error for error in console_errors)
    console_errors.clear()
