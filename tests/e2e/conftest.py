"""Shared fixtures for real-browser tests: Playwright for Python driving Debian's Chromium.

- ``browser``: one headless Chromium for the tests of this folder (Debian's /usr/bin/chromium; Playwright never downloads a browser);
- ``new_page()`` / ``page``: a fresh browser context on pytest-django's ``live_server``; any
  console error or uncaught page exception fails the test (``console_errors`` lists them; a test
  that expects one clears it);
- ``login(page, email, password=DEMO_PASSWORD, audit=None)``: logs in through the allauth form;
  with ``audit`` (a callable taking the page, e.g. an axe-core audit), the login page and the
  page reached after logging in (the logged-in home ``/`` by default) are passed to it;
- ``reference_data`` (tests/conftest.py): puts back the rows of the data migrations when a
  previous transactional test flushed them;
- ``demo_data``: ``seed_demo`` on top of that, for the demo accounts of the README.

Use with ``pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]``: the live
server runs in another thread and only sees committed data.
"""

import io
import os
import re

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from conumapp.demo import DEMO_PASSWORD

# Playwright's sync API runs an asyncio event loop in the test thread. Django then believes the
# ORM calls of the test itself (factories, assertions) come from async code and raises
# SynchronousOnlyOperation. They do not: Playwright only drives the browser from that loop, and
# the test code stays synchronous. Safe to allow in this test process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Generous waits (a loaded CI machine); they cost nothing when the page is quick.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope: Playwright's event loop lives only while one test module runs, never under the
# rest of the suite, and a module may still start its own Playwright.
@pytest.fixture(scope="module")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(_playwright, chromium_path):
    browser = _playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def console_errors():
    return []


@pytest.fixture
def new_page(browser, live_server, console_errors):
    """Factory of pages, each in its own context (cookies): ``new_page()`` for a second user."""
    contexts = []

    def make(**context_options):
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on(
            "console",
            lambda message: (
                console_errors.append(f"console.error : {message.text} ({message.location.get('url', '')})")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"exception JavaScript : {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    # Under Playwright's running loop the test thread's ORM gets a connection of its own: close
    # it, or the PostgreSQL test database cannot be dropped at the end of the session.
    connections.close_all()
    if console_errors:
        pytest.fail("Erreurs dans la console du navigateur :\n" + "\n".join(console_errors), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, email, password=DEMO_PASSWORD, *, audit=None):
    """Log in through allauth's form, like a user; waits until the login page is left.

    ``audit(page)``, when given, runs on the login page (in the page's own viewport) and on the
    page reached after logging in.
    """
    page.goto("/accounts/login/")
    if audit is not None:
        audit(page)
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("form", has=page.locator("#id_login")).locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    if audit is not None:
        page.wait_for_load_state("load")
        audit(page)
    return page


@pytest.fixture(name="login")
def login_fixture():
    return login


@pytest.fixture
def demo_data(reference_data):
    call_command("seed_demo", force=True, stdout=io.StringIO())
