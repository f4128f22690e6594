"""Two-factor authentication (allauth.mfa, TOTP) required for operators when
OPERATOR_MFA_REQUIRED is on (the production default); other users are unaffected."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.urls import reverse

from conumapp.enums import Role
from conumapp.middleware import MFA_REQUIRED_MESSAGE
from conumapp.models import User
from conumapp.permissions import grant_role

pytestmark = pytest.mark.django_db

PASSWORD = "une phrase de passe solide"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mfa_required(settings):
    settings.OPERATOR_MFA_REQUIRED = True
    return settings


def make_user(email, **extra):
    user = User.objects.create_user(email, PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def operator():
    return make_user("operatrice@anct.gouv.fr", is_staff=True, is_superuser=True)


def current_code(secret: str) -> str:
    counter = list(yield_hotp_counters_from_time())[0]
    return format_hotp_value(hotp_value(secret, counter))


def password_login(client, user, next_url="/admin/"):
    return client.post(
        reverse("account_login") + f"?next={next_url}", {"login": user.email, "password": PASSWORD}
    )


def test_setting_follows_the_environment():
    from django.conf import settings

    # Tests run outside production: off unless a test turns it on.
    assert settings.OPERATOR_MFA_REQUIRED is False


@pytest.mark.parametrize("url", ["/admin/", "/mon-espace/", "/"])
def test_operator_without_totp_is_sent_to_activation_with_a_french_message(
    client, mfa_required, operator, url
):
    client.force_login(operator)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")

    page = client.get(response["Location"], follow=True)
    content = page.content.decode()
    assert MFA_REQUIRED_MESSAGE.replace("'", "&#x27;") in content


def test_operator_by_habilitation_is_covered_too(client, mfa_required):
    user = make_user("agent@anct.gouv.fr")
    grant_role(user, Role.OPERATEUR)
    client.force_login(user)
    assert client.get("/mon-espace/")["Location"] == reverse("mfa_activate_totp")


def test_other_users_are_unaffected(client, mfa_required):
    user = make_user("structure@mairie-exemple.fr")
    client.force_login(user)
    assert client.get("/mon-espace/").status_code == 200


def test_account_pages_stay_reachable_before_activation(client, mfa_required, operator):
    client.force_login(operator)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_operator_with_totp_reaches_the_admin(client, mfa_required, operator):
    TOTP.activate(operator, generate_totp_secret())
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200


def test_without_the_setting_operators_are_not_redirected(client, operator):
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200


def test_activation_page_then_login_asks_for_the_code(client, mfa_required, operator):
    response = password_login(client, operator)
    assert response.status_code == 302
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")

    # allauth asks for the password again before changing the account's security.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauth = client.get(response["Location"])
    assert reauth.status_code == 200
    assert re.search(r"<h1>\s*Confirmer l'accès\s*</h1>", reauth.content.decode()), reauth.content.decode()
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "<h1>Activer la double authentification</h1>" in content
    assert 'class="fr-header"' in content  # the Conum layout
    assert 'src="data:image/svg+xml;base64,' in content  # QR code (CSP img-src allows data:)
    assert "'self' data:" in page["Content-Security-Policy"]
    secret = client.session[SECRET_SESSION_KEY]

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=operator).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert done.status_code == 302
    after = client.get(done["Location"])
    assert after.status_code == 200
    assert "Codes de récupération" in after.content.decode()
    assert Authenticator.objects.filter(user=operator, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200

    # Next login: password, then the code.
    client.post(reverse("account_logout"))
    cache.clear()  # the code just used may not be used twice
    response = password_login(client, operator)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    stage = client.get(reverse("mfa_authenticate"))
    assert "Authentification à deux facteurs" in stage.content.decode()

    refused = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(operator.pk)
    assert client.get("/admin/").status_code == 200


def test_two_factor_pages_are_french_in_the_conum_layout(client, operator):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    # As after the activation page: the app and its recovery codes.
    TOTP.activate(operator, generate_totp_secret())
    RecoveryCodes.activate(operator)
    client.force_login(operator)
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'class="fr-header"' in content
    assert "Authentification à deux facteurs" in content
    assert "Two-Factor" not in content and "Authenticator App" not in content
