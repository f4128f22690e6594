"""ProConnect logout: after a ProConnect login, logging out also ends the ProConnect session
(end-session endpoint with the ID token as hint, back to the home page); the default
discovery URL is ProConnect's, no longer AgentConnect's."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from conumapp.proconnect.views import LOGOUT_SESSION_KEY
from tests.conumapp.test_proconnect import (  # noqa: F401 - fixtures
    _clear_cache,
    _no_internet,
    authorize,
    logged_in_user,
    oidc_server,
    proconnect,
    start_login,
)

pytestmark = pytest.mark.django_db


def test_logout_after_proconnect_login_ends_the_proconnect_session(client, proconnect):  # noqa: F811
    location, _ = start_login(client, proconnect)
    client.get(authorize(location))
    assert logged_in_user(client) is not None
    id_token = client.session[LOGOUT_SESSION_KEY]["id_token"]

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{proconnect.base_url}/session/end"
    params = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert params["id_token_hint"] == id_token
    assert params["post_logout_redirect_uri"] == "http://testserver/"
    assert len(params["state"]) >= 16
    # Logged out of Conum, and the token is gone with the session.
    assert logged_in_user(client) is None
    assert LOGOUT_SESSION_KEY not in client.session


def test_logout_after_a_password_login_stays_on_conum(client):
    from allauth.account.models import EmailAddress

    from conumapp.models import User

    user = User.objects.create_user("agent.local@exemple.fr", "une phrase de passe solide")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": user.email, "password": "une phrase de passe solide"})
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_default_discovery_url_is_proconnects():
    from conumapp import settings as conum_settings

    assert conum_settings.PROCONNECT_SERVER_URL.startswith("https://auth.proconnect.gouv.fr/")
