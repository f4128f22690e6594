"""ProConnect OAuth2 adapter and views.

On top of allauth's generic OpenID Connect adapter:

- the ID token's signature is always checked against the JWKS (allauth skips it when the
  token comes straight from the token endpoint; ProConnect's documentation asks for it),
  and its ``nonce`` must equal the one sent with the authorisation request (kept in
  allauth's per-login state, in the session);
- the userinfo endpoint answers with a JWT (``application/jwt``) signed with the same keys:
  it is verified and decoded; its ``sub`` must match the ID token's.
"""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlencode

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare

PROVIDER_ID = "proconnect"
LOGOUT_SESSION_KEY = "proconnect_logout"

# Algorithms ProConnect signs with; anything else (notably "none" or HMAC) is refused.
ALLOWED_ALGORITHMS = ("RS256", "ES256")


class ProConnectOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    def __init__(self, request) -> None:
        super().__init__(request, PROVIDER_ID)
        # Set by ProConnectCallbackView from allauth's stashed state.
        self.state: dict | None = None

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse(f"{PROVIDER_ID}_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        id_token_str = kwargs["response"].get("id_token")
        if not id_token_str:
            raise OAuth2Error("ProConnect n'a pas renvoyé de jeton d'identité.")
        id_token = self._decode_id_token(app, id_token_str)
        expected_nonce = (self.state or {}).get("nonce") or ""
        received_nonce = id_token.get("nonce") or ""
        if not expected_nonce or not constant_time_compare(received_nonce, expected_nonce):
            raise OAuth2Error("Le nonce du jeton d'identité ne correspond pas à la demande.")
        userinfo = self._fetch_user_info(token.token, app=app)
        if str(userinfo.get("sub")) != str(id_token.get("sub")):
            raise OAuth2Error("Les informations de l'utilisateur ne correspondent pas au jeton d'identité.")
        # Kept for the logout (ProConnect's end-session endpoint wants the ID token as a hint).
        request.session[LOGOUT_SESSION_KEY] = {
            "id_token": id_token_str,
            "end_session_endpoint": self.openid_config.get("end_session_endpoint", ""),
        }
        return self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": id_token}
        )

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        _check_algorithm(id_token)
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def _fetch_user_info(self, access_token: str, app: SocialApp | None = None) -> dict:
        headers = {"Authorization": f"Bearer {access_token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers=headers)
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/jwt":
            return self._decode_userinfo_jwt(response.text.strip(), app or self.get_provider().app)
        return response.json()

    def _decode_userinfo_jwt(self, credential: str, app: SocialApp) -> dict:
        """Verify the signed userinfo; ``iss`` and ``aud`` are checked when present."""
        try:
            algorithm = _check_algorithm(credential)
            _, key = jwtkit.fetch_key(credential, self.openid_config["jwks_uri"], jwtkit.lookup_kid_jwk)
            claims = jwt.decode(
                credential,
                key=key,
                algorithms=[algorithm],
                options={"verify_aud": False, "verify_iss": False},
            )
        except (jwt.PyJWTError, KeyError, json.JSONDecodeError) as error:
            raise OAuth2Error("Réponse userinfo de ProConnect invalide.") from error
        if "iss" in claims and claims["iss"] != self.openid_config["issuer"]:
            raise OAuth2Error("Émetteur de la réponse userinfo inattendu.")
        if "aud" in claims:
            audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
            if app.client_id not in audience:
                raise OAuth2Error("Destinataire de la réponse userinfo inattendu.")
        return claims


def _check_algorithm(credential: str) -> str:
    try:
        algorithm = jwt.get_unverified_header(credential).get("alg")
    except jwt.PyJWTError as error:
        raise OAuth2Error("Jeton ProConnect illisible.") from error
    if algorithm not in ALLOWED_ALGORITHMS:
        raise OAuth2Error("Algorithme de signature refusé.")
    return algorithm


class ProConnectCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        # Hand allauth's stashed state (which holds the nonce) to the adapter so that
        # complete_login can check the ID token's nonce.
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


_login_view = OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter)
_callback_view = ProConnectCallbackView.adapter_view(ProConnectOAuth2Adapter)


def _not_found_unless_configured(view):
    @login_not_required
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SocialApp.DoesNotExist as error:
            raise Http404("ProConnect n'est pas configuré.") from error

    return wrapped


oauth2_login = _not_found_unless_configured(_login_view)
oauth2_callback = _not_found_unless_configured(_callback_view)


def end_session_url(request) -> str | None:
    """Where to send a user who logs out after a ProConnect login: ProConnect's end-session
    endpoint, which closes the ProConnect session too and comes back to the home page
    (declare this ``post_logout_redirect_uri`` on ProConnect's partner portal). None otherwise."""
    data = request.session.get(LOGOUT_SESSION_KEY) or {}
    endpoint, id_token = data.get("end_session_endpoint"), data.get("id_token")
    if not endpoint or not id_token:
        return None
    params = {
        "id_token_hint": id_token,
        "state": secrets.token_urlsafe(16),
        "post_logout_redirect_uri": build_absolute_uri(request, reverse("home")),
    }
    return f"{endpoint}?{urlencode(params)}"
