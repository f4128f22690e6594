"""Two-factor authentication required for operators (OPERATOR_MFA_REQUIRED).

An operator (staff, or operateur habilitation) who has not activated a TOTP authenticator
is sent to the activation page, with a French message, from every page but the account
pages (activation, re-authentication, logout). Once activated, allauth asks for the code at
each login. Other users are unaffected.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import is_operateur

MFA_REQUIRED_MESSAGE = (
    "La double authentification est obligatoire pour les opérateurs : activez une application "
    "d'authentification (code à usage unique) pour continuer."
)


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class OperatorMFAMiddleware:
    # Pages reachable before activation: allauth's account pages (including the TOTP
    # activation and re-authentication pages, and logout), static files, the icon.
    allowed_prefixes = ("/accounts/", "/static/", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_activate(request):
            messages.warning(request, MFA_REQUIRED_MESSAGE)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _must_activate(self, request) -> bool:
        if not getattr(settings, "OPERATOR_MFA_REQUIRED", False):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path_info.startswith(self.allowed_prefixes):
            return False
        return is_operateur(user) and not has_totp(user)
