"""allauth adapters: accounts by email and password, and ProConnect for public agents.

Authentication emails (verification, password reset) are sent at once through Django's
email backend (console in development, SMTP from EMAIL_URL in production), not through the
outbox: they are expected within seconds and carry one-time links that have no place in a
database table. Their subjects are prefixed with ACCOUNT_EMAIL_SUBJECT_PREFIX ("[Conum] ").
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError

EMAIL_MAX_LENGTH = 254  # allauth's EmailAddress.email and the user's email column

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open (structures and candidates create their account themselves)."""

    def is_open_for_signup(self, request):
        return True

    def clean_email(self, email):
        """Every account form (sign-up, "add an address") goes through here: an address longer
        than the column would otherwise reach the database (a 500 on PostgreSQL)."""
        email = super().clean_email(email)
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError(
                f"L'adresse électronique ne peut pas dépasser {EMAIL_MAX_LENGTH} caractères.",
                code="max_length",
            )
        return email

    def get_logout_redirect_url(self, request):
        """After a ProConnect login, logging out goes through ProConnect's end-session
        endpoint (read before the session is flushed: allauth asks for this URL first)."""
        from .proconnect.views import end_session_url

        return end_session_url(request) or super().get_logout_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """ProConnect sign-in. A new user gets no role: operators grant habilitations.

    When a local account already holds the same (verified) email, allauth connects the two
    (SOCIALACCOUNT_EMAIL_AUTHENTICATION and _AUTO_CONNECT in settings).
    """

    def is_open_for_signup(self, request, sociallogin):
        return True

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        # Never personal data: the provider, the error code and the exception's class.
        logger.warning(
            "Échec de connexion via %s : %s %s",
            getattr(provider, "id", provider),
            error,
            exception.__class__.__name__ if exception else "",
        )
        return super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
