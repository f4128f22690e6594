"""Security hardening: Content-Security-Policy with nonces, headers, templates without inline
script, back office reserved to staff through allauth's login, login lockout (django-axes)
without personal data, every admin action in the admin log."""

import logging
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.urls import reverse

from conumapp.models import OutboxEmail, User
from conumapp.security import axes_username, client_ip, hash_identifier

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PASSWORD = "une phrase de passe solide"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# --- Content-Security-Policy and headers -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "account_login", "account_signup"])
def test_pages_have_a_csp_with_a_nonce_and_no_inline_script(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    directives = csp_directives(response)

    script_src = directives["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonces = [source for source in script_src if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]

    # Every script of the page carries this request's nonce (django-dsfr's included).
    content = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", content)
    assert scripts, "la page DSFR charge ses scripts"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


@pytest.mark.django_db
def test_each_request_gets_a_new_nonce(client):
    first = csp_directives(client.get(reverse("home")))["script-src"]
    second = csp_directives(client.get(reverse("home")))["script-src"]
    assert first != second


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


TEMPLATE_DIRS = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates"))]


def _project_templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_every_script_tag_of_the_project_carries_the_nonce():
    templates = list(_project_templates())
    assert len(templates) > 20
    missing = []
    for path in templates:
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if 'type="application/json"' in tag or "type='application/json'" in tag:
                continue  # data, never executed
            if "request.csp_nonce" not in tag:
                missing.append(f"{path.relative_to(BASE_DIR)}: {tag}")
    assert not missing, missing


def test_no_inline_event_handler_or_javascript_url_in_templates():
    offenders = []
    handler = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+)\s*=", re.S)
    for path in _project_templates():
        text = path.read_text()
        if handler.search(text) or re.search(r"href\s*=\s*[\"']\s*javascript:", text, re.I):
            offenders.append(str(path.relative_to(BASE_DIR)))
    assert not offenders, offenders


# --- Back office: staff only, through allauth's login ------------------------------------


@pytest.mark.django_db
def test_admin_login_form_is_allauths(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302
    assert login["Location"].startswith(reverse("account_login"))
    assert "next=/admin/" in login["Location"]
    # An outside "next" is not followed.
    outside = client.get(reverse("admin:login"), {"next": "https://exemple.org/"})
    assert "exemple.org" not in outside["Location"]


@pytest.mark.django_db
def test_admin_is_refused_to_a_signed_in_non_staff_user_in_french(client):
    client.force_login(User.objects.create_user("structure@example.org", PASSWORD))
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 403
    assert "pas autorisé à accéder au back office" in response.content.decode()


@pytest.mark.django_db
def test_staff_reaches_the_admin_after_allauth_login(client):
    user = User.objects.create_user("agent@anct.gouv.fr", PASSWORD, is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login") + "?next=/admin/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Already signed in: the admin's login URL goes straight on.
    again = client.get(reverse("admin:login"), {"next": "/admin/conumapp/user/"})
    assert again.status_code == 302 and again["Location"] == "/admin/conumapp/user/"


# --- Login lockout (django-axes) -----------------------------------------------------------


@pytest.fixture
def axes_only(settings):
    """allauth's own login_failed limit off, so that the lockout seen is axes'."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": False}
    settings.AXES_FAILURE_LIMIT = 5
    return settings


@pytest.mark.django_db
def test_failed_logins_lock_the_account_out_with_a_french_429(client, axes_only, caplog):
    user = User.objects.create_user("marie.curie@mairie-exemple.fr", PASSWORD, first_name="Marie")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    caplog.set_level(logging.DEBUG)

    for _ in range(4):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
    assert response.status_code == 429
    content = response.content.decode()
    assert "<h1>Trop de tentatives</h1>" in content
    assert 'class="fr-header"' in content

    # The right password is refused during the lockout, and no session is opened.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # Neither axes' table nor the logs hold the address.
    attempt = AccessAttempt.objects.get()
    assert attempt.username == hash_identifier(user.email)
    assert "mairie-exemple" not in attempt.username
    assert attempt.failures_since_start >= 5
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "AXES" in logged
    assert "mairie-exemple" not in logged and "marie" not in logged.lower()

    # After the cool-off (15 minutes), the right password works again.
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time.replace(year=2000))
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_lockout_is_per_account_and_address(client, axes_only):
    for email in ("a@exemple.fr", "b@exemple.fr"):
        user = User.objects.create_user(email, PASSWORD)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "a@exemple.fr", "password": "faux"})
    # Another account from the same address still logs in.
    response = client.post(reverse("account_login"), {"login": "b@exemple.fr", "password": PASSWORD})
    assert response.status_code == 302


def test_axes_username_is_a_stable_hash_of_the_address(rf):
    request = rf.post("/", {"login": "Marie@Exemple.fr"})
    assert axes_username(request, None) == hash_identifier("marie@exemple.fr")
    assert axes_username(None, {"email": "marie@exemple.fr"}) == hash_identifier("MARIE@exemple.fr ")
    assert axes_username(None, {"username": "x@y.fr"}) != axes_username(None, {"username": "z@y.fr"})
    assert axes_username(rf.post("/"), {}) is None


def test_client_ip_behind_trusted_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the forged first hop is ignored
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


# --- Every admin action is in the admin log ------------------------------------------------


@pytest.mark.django_db
def test_admin_action_through_a_service_writes_the_admin_log(client):
    operator = User.objects.create_superuser("ops@anct.gouv.fr", PASSWORD)
    client.force_login(operator)
    failed = OutboxEmail.objects.create(
        to=["x@exemple.fr"], subject="Objet", body="Corps", status=OutboxEmail.Status.FAILED
    )
    sent = OutboxEmail.objects.create(
        to=["y@exemple.fr"], subject="Objet", body="Corps", status=OutboxEmail.Status.SENT
    )

    response = client.post(
        reverse("admin:conumapp_outboxemail_changelist"),
        {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
    )
    assert response.status_code == 302

    entries = LogEntry.objects.filter(user=operator)
    # One line for the email the service changed; none for the refused one (already sent).
    assert [(e.object_id, e.action_flag) for e in entries] == [(str(failed.pk), CHANGE)]
    assert entries[0].get_change_message() == "Action : Renvoyer les courriels sélectionnés"


# --- Habilitations: French messages on the constraints -------------------------------------


@pytest.mark.django_db
def test_habilitation_constraints_speak_french():
    from django.core.exceptions import ValidationError

    from conumapp.models import Departement, Habilitation

    user = User.objects.create_user("prefecture@exemple.gouv.fr", PASSWORD)
    departement = Departement.objects.get_or_create(code="69", defaults={"nom": "Rhône"})[0]
    Habilitation(user=user, role="prefecture", departement=departement).full_clean()  # valid

    with pytest.raises(ValidationError) as reseau:
        Habilitation(user=user, role="grand_reseau").full_clean()
    assert "Une habilitation grand réseau doit indiquer son réseau." in reseau.value.messages

    with pytest.raises(ValidationError) as missing:
        Habilitation(user=user, role="prefecture").full_clean()
    assert "Une habilitation préfecture doit indiquer son département." in missing.value.messages

    with pytest.raises(ValidationError) as hub:
        Habilitation(user=user, role="hub").full_clean()
    assert "Une habilitation hub doit indiquer sa région." in hub.value.messages


# --- Favicon: no 404 on the admin's pages ----------------------------------------------------


@pytest.mark.django_db
def test_favicon_is_served_to_anyone_and_named_by_the_admin(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/dsfr/dist/favicon/favicon.ico")

    client.force_login(User.objects.create_superuser("ops@anct.gouv.fr", PASSWORD))
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon" href="/static/dsfr/dist/favicon/favicon.svg"' in admin_page
    assert "Conum — back office" in admin_page  # the admin's own branding is kept


@pytest.mark.django_db
def test_allauth_rate_limits_answer_with_the_french_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    for _ in range(2):
        response = client.post(reverse("account_reset_password"), {"email": "quelquun@exemple.fr"})
        assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": "quelquun@exemple.fr"})
    assert response.status_code == 429
    assert "<h1>Trop de tentatives</h1>" in response.content.decode()
