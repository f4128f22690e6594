from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
    _pick_data,
)
from django.urls import reverse
from django.utils.http import urlencode

from .views import PROVIDER_ID, ProConnectOAuth2Adapter


class ProConnectAccount(OpenIDConnectProviderAccount):
    def to_str(self):
        data = self.get_user_data() or {}
        return data.get("email") or super().to_str()


class ProConnectProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "ProConnect"
    account_class = ProConnectAccount
    oauth2_adapter_class = ProConnectOAuth2Adapter
    # Only the browser flow is used (no token handed over by a mobile app).
    supports_token_authentication = False

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request)

    def get_login_url(self, request, **kwargs):
        url = reverse(f"{self.id}_login")
        if kwargs:
            url = f"{url}?{urlencode(kwargs)}"
        return url

    def get_callback_url(self):
        return reverse(f"{self.id}_callback")

    def get_default_scope(self):
        return ["openid", "email", "given_name", "usual_name", "siret", "uid"]

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Send a fresh ``nonce`` and keep it in allauth's state (session) for the callback."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_common_fields(self, data):
        data = _pick_data(data)
        return {
            "email": data.get("email"),
            "first_name": data.get("given_name") or "",
            # ProConnect names the family name "usual_name".
            "last_name": data.get("usual_name") or data.get("family_name") or "",
        }

    def extract_email_addresses(self, data):
        data = _pick_data(data)
        email = data.get("email")
        if not email:
            return []
        # ProConnect only federates professional identity providers that vouch for the
        # address; it sends no ``email_verified`` claim. An explicit ``false`` is respected.
        verified = data.get("email_verified", True) is not False
        return [EmailAddress(email=email, verified=verified, primary=True)]


provider_classes = [ProConnectProvider]
