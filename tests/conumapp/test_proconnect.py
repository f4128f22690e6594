"""ProConnect sign-in, end to end against a fake OpenID Connect server on 127.0.0.1.

The Django test client drives Conum; the fake server (tests/fake_oidc.py) is reached over
real HTTP by allauth (discovery, token, JWKS, userinfo) and by the test (authorize).
"""

import re
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from tests.fake_oidc import FakeOIDCServer

User = get_user_model()

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch):
    """Any name resolution other than the loopback fails the test: no test reaches the internet."""
    real_getaddrinfo = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        if host not in LOCAL_HOSTS:
            raise AssertionError(f"Accès réseau interdit dans les tests : {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps ID token ids (replay protection) and rate limits in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def oidc_server():
    server = FakeOIDCServer().start()
    yield server
    server.stop()


@pytest.fixture
def proconnect(settings, oidc_server):
    """ProConnect configured as settings.py does when PROCONNECT_* are set."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "proconnect": {
            "APPS": [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": oidc_server.client_id,
                    "secret": oidc_server.client_secret,
                    "settings": {
                        "server_url": oidc_server.discovery_url,
                        "token_auth_method": "client_secret_post",
                    },
                }
            ],
            "SCOPE": ["openid", "email", "given_name", "usual_name", "siret"],
        }
    }
    return oidc_server


def start_login(client, server):
    """POST the login button; return the authorize URL Conum redirects to, and its parameters."""
    response = client.post(reverse("proconnect_login"))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{server.base_url}/authorize?")
    params = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
    return location, params


def authorize(location):
    """Play the user at ProConnect: the fake server redirects back with a code."""
    response = requests.get(location, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    callback = urlsplit(response.headers["Location"])
    assert callback.path == reverse("proconnect_callback")
    return f"{callback.path}?{callback.query}"


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


@pytest.mark.django_db
def test_login_page_shows_proconnect_button_only_when_configured(client, settings, oidc_server):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    content = client.get(reverse("account_login")).content.decode()
    assert "S'identifier avec ProConnect" not in content
    assert client.post(reverse("proconnect_login")).status_code == 404

    settings.SOCIALACCOUNT_PROVIDERS = {
        "proconnect": {
            "APPS": [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": oidc_server.discovery_url},
                }
            ]
        }
    }
    content = client.get(reverse("account_login")).content.decode()
    assert "S'identifier avec ProConnect" in content
    assert f'action="{reverse("proconnect_login")}' in content


@pytest.mark.django_db
def test_round_trip_creates_user_without_role_and_logs_in(client, proconnect):
    location, params = start_login(client, proconnect)

    # The authorisation request carries a fresh nonce and a state, with the scopes asked for.
    assert len(params["nonce"]) >= 32
    assert params["state"]
    assert params["client_id"] == proconnect.client_id
    assert params["response_type"] == "code"
    assert params["redirect_uri"] == "http://testserver" + reverse("proconnect_callback")
    assert set(params["scope"].split()) == {"openid", "email", "given_name", "usual_name", "siret"}

    response = client.get(authorize(location))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = logged_in_user(client)
    assert user is not None
    assert user.email == "agent@anct.gouv.fr"
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert not user.is_staff and not user.is_superuser
    assert not user.habilitations.exists()
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, email="agent@anct.gouv.fr", verified=True).exists()
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("proconnect", "agent-123")
    # The identity came from the signed userinfo JWT (siret is not in the ID token).
    assert proconnect.userinfo_requests == 1
    assert account.extra_data["userinfo"]["siret"] == "13002603200016"
    assert account.extra_data["id_token"]["nonce"] == params["nonce"]

    # Logged in for good: the protected page opens.
    assert client.get(reverse("espace")).status_code == 200


@pytest.mark.django_db
def test_each_login_sends_a_new_nonce(client, proconnect):
    _, first = start_login(client, proconnect)
    _, second = start_login(client, proconnect)
    assert first["nonce"] != second["nonce"]
    assert first["state"] != second["state"]


@pytest.mark.django_db
def test_wrong_nonce_in_id_token_is_refused(client, proconnect):
    location, _ = start_login(client, proconnect)
    proconnect.id_token_nonce = "un-autre-nonce"

    response = client.get(authorize(location))

    assert response.status_code == 401
    content = response.content.decode()
    assert "La connexion avec ProConnect n'a pas abouti" in content
    assert logged_in_user(client) is None
    assert not User.objects.exists()
    # The token was fetched, but the identity was refused before the userinfo call.
    assert len(proconnect.token_requests) == 1
    assert proconnect.userinfo_requests == 0


@pytest.mark.django_db
def test_missing_nonce_in_id_token_is_refused(client, proconnect):
    location, _ = start_login(client, proconnect)
    proconnect.id_token_nonce = ""

    response = client.get(authorize(location))

    assert response.status_code == 401
    assert logged_in_user(client) is None


@pytest.mark.django_db
def test_userinfo_signed_with_an_unknown_key_is_refused(client, proconnect):
    location, _ = start_login(client, proconnect)
    proconnect.userinfo_signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    response = client.get(authorize(location))

    assert response.status_code == 401
    assert proconnect.userinfo_requests == 1
    assert logged_in_user(client) is None
    assert not User.objects.exists()


@pytest.mark.django_db
def test_callback_replayed_with_another_state_is_refused(client, proconnect):
    location, _ = start_login(client, proconnect)
    callback = authorize(location)
    forged = callback.replace("state=", "state=x")

    response = client.get(forged)

    assert response.status_code == 401
    assert proconnect.token_requests == []
    assert logged_in_user(client) is None


@pytest.mark.django_db
def test_existing_user_with_same_verified_email_is_connected(client, proconnect):
    existing = User.objects.create_user(email="agent@anct.gouv.fr", password="un mot de passe solide")
    EmailAddress.objects.create(user=existing, email="agent@anct.gouv.fr", verified=True, primary=True)

    location, _ = start_login(client, proconnect)
    response = client.get(authorize(location))

    assert response.status_code == 302
    assert logged_in_user(client) == existing
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(provider="proconnect").user == existing
    existing.refresh_from_db()
    assert existing.check_password("un mot de passe solide")


@pytest.mark.django_db
def test_get_on_login_url_asks_for_confirmation_without_leaving(client, proconnect):
    # allauth never starts a login on GET (login CSRF): a French page with a POST button.
    response = client.get(reverse("proconnect_login"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "ProConnect" in content
    assert re.search(r'<form method="post"', content)
    assert "Continuer" in content
    assert proconnect.authorize_requests == []
