"""Helpers for django-axes (login lockout) that keep personal data out of its records and logs.

axes stores a "username" per failed attempt and writes a client description in its log lines.
Conum gives it a keyed hash of the email address instead (same address → same value, so the
lockout still works; the address itself is neither stored nor logged) and logs only the path.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

# Form fields that carry the login identifier: allauth ("login"), Django's admin form and
# authenticate(username=…), allauth's backend (email=…).
_IDENTIFIER_FIELDS = ("email", "login", "username")


def hash_identifier(value: str) -> str:
    """A stable, non-reversible stand-in for an email address (keyed with SECRET_KEY)."""
    normalised = value.strip().lower().encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()
    return f"h:{digest[:32]}"


def axes_username(request, credentials) -> str | None:
    sources = [credentials or {}]
    if request is not None:
        sources.append(getattr(request, "POST", {}) or {})
    for source in sources:
        for field in _IDENTIFIER_FIELDS:
            value = source.get(field)
            if value and isinstance(value, str):
                return hash_identifier(value)
    return None


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """What axes writes in its log lines: the path only (no address, no IP)."""
    return f"{{path: {path_info!r}}}"


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the one the trusted proxies put in X-Forwarded-For."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
