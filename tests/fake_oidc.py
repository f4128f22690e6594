"""A small OpenID Connect server for tests, standing in for ProConnect on 127.0.0.1.

It serves discovery, JWKS (an RSA key generated at start), authorize (records the request
and redirects back with a code), token (``client_secret_post``; an RS256 ID token carrying
the nonce received at authorize) and userinfo (a signed JWT, ``application/jwt``, as
ProConnect does). Tests choose the identity returned (``server.claims``) and may tamper
with the flow (``server.id_token_nonce``). Nothing here reaches the internet.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    scope: str
    claims: dict
    access_token: str = ""


@dataclass
class FakeOIDCServer:
    client_id: str = "conum-test"
    client_secret: str = "secret-de-test"  # noqa: S105
    claims: dict = field(
        default_factory=lambda: {
            "sub": "agent-123",
            "email": "agent@anct.gouv.fr",
            "given_name": "Camille",
            "usual_name": "Martin",
            "siret": "13002603200016",
            "uid": "123",
        }
    )
    # When set, the ID token carries this nonce instead of the one received at authorize.
    id_token_nonce: str | None = None
    # "jwt" (ProConnect) or "json".
    userinfo_format: str = "jwt"
    # When set, the userinfo JWT is signed with this key (not the one published in JWKS).
    userinfo_signing_key: object = None

    def __post_init__(self):
        self.kid = "cle-de-test"
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self.userinfo_requests: int = 0
        self._grants: dict[str, Grant] = {}
        self._tokens: dict[str, Grant] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeOIDCServer:
        server = self

        class Handler(_Handler):
            oidc = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    # --- protocol ----------------------------------------------------------------------------
    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base_url}/authorize",
            "token_endpoint": f"{self.base_url}/token",
            "userinfo_endpoint": f"{self.base_url}/userinfo",
            "jwks_uri": f"{self.base_url}/jwks",
            "end_session_endpoint": f"{self.base_url}/session/end",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name", "siret", "uid"],
        }

    def jwks(self) -> dict:
        key = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        key.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [key]}

    def sign(self, payload: dict, key=None) -> str:
        return jwt.encode(payload, key or self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def authorize(self, params: dict) -> str:
        """Record the request; return the redirect URL (callback with code and state)."""
        self.authorize_requests.append(params)
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._grants[code] = Grant(
                client_id=params.get("client_id", ""),
                redirect_uri=params.get("redirect_uri", ""),
                nonce=params.get("nonce", ""),
                scope=params.get("scope", ""),
                claims=dict(self.claims),
            )
        query = urlencode({"code": code, "state": params.get("state", "")})
        return f"{params.get('redirect_uri', '')}?{query}"

    def token(self, form: dict) -> tuple[int, dict]:
        self.token_requests.append(form)
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != self.client_id
            or form.get("client_secret") != self.client_secret
            or form.get("redirect_uri") != grant.redirect_uri
        ):
            return 400, {"error": "invalid_grant"}
        grant.access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[grant.access_token] = grant
        now = int(time.time())
        id_token = self.sign(
            {
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": grant.claims["sub"],
                "iat": now,
                "exp": now + 60,
                "jti": secrets.token_urlsafe(8),
                "nonce": self.id_token_nonce if self.id_token_nonce is not None else grant.nonce,
                "acr": "eidas1",
            }
        )
        return 200, {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in": 60,
            "id_token": id_token,
            "scope": grant.scope,
        }

    def userinfo(self, authorization: str) -> tuple[int, str, bytes]:
        self.userinfo_requests += 1
        token = authorization.removeprefix("Bearer ").strip()
        with self._lock:
            grant = self._tokens.get(token)
        if grant is None:
            return 401, "application/json", b'{"error": "invalid_token"}'
        claims = {**grant.claims, "iss": self.issuer, "aud": self.client_id}
        if self.userinfo_format == "json":
            return 200, "application/json", json.dumps(grant.claims).encode()
        return 200, "application/jwt; charset=utf-8", self.sign(claims, self.userinfo_signing_key).encode()


class _Handler(BaseHTTPRequestHandler):
    oidc: FakeOIDCServer

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict):
        self._send(status, "application/json", json.dumps(data).encode())

    def do_GET(self):  # noqa: N802
        url = urlsplit(self.path)
        params = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            self._json(200, self.oidc.discovery())
        elif url.path == "/jwks":
            self._json(200, self.oidc.jwks())
        elif url.path == "/authorize":
            self._send(302, "text/plain", b"", {"Location": self.oidc.authorize(params)})
        elif url.path == "/userinfo":
            status, content_type, body = self.oidc.userinfo(self.headers.get("Authorization", ""))
            self._send(status, content_type, body)
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path == "/token":
            status, data = self.oidc.token(form)
            self._json(status, data)
        else:
            self._json(404, {"error": "not_found"})
