"""Access table: allauth (account_*, socialaccount_*, mfa_*) and ProConnect."""

from __future__ import annotations

from ._base import LOGIN, Case, E, Url


# --- allauth (account_*, socialaccount_*, mfa_*), ProConnect ----------------------------------
# Public pages (login, sign-up, password reset…) answer everybody; account pages need a login.
def _pub(get, kwargs=None, note=""):
    return Url(Case("-", kwargs, get=get), note=note)


# Observed and accepted behaviour of allauth (65) and of the ProConnect entry points: nothing
# of an account is given to anonymous visitors; logged-in users are sent away from the
# login/sign-up pages; MFA pages outside a login or set-up flow redirect or answer 404.
USER = E(200, anonyme=LOGIN)
ALLAUTH: dict[str, Url] = {
    "account_login": _pub(E(302, anonyme=200)),
    "account_logout": _pub(E(200, anonyme=302)),
    "account_inactive": _pub(E(200)),
    "account_signup": _pub(E(302, anonyme=200)),
    "account_reauthenticate": _pub(USER),
    # allauth ≥ 65.22: re-authentication by emailed code, only with ACCOUNT_LOGIN_BY_CODE_ENABLED.
    "account_request_reauthentication_code": _pub(
        E(302, anonyme=LOGIN), note="Connexion par code non activée : renvoi."
    ),
    "account_confirm_reauthentication_code": _pub(
        E(302, anonyme=LOGIN), note="Connexion par code non activée : renvoi."
    ),
    "account_email": _pub(USER),
    "account_email_verification_sent": _pub(E(200)),
    "account_change_password": _pub(USER),
    "account_set_password": _pub(E(302, anonyme=LOGIN), note="Les comptes ont déjà un mot de passe."),
    "account_reset_password": _pub(E(200)),
    "account_confirm_login_code": _pub(E(302, anonyme=LOGIN), note="Hors d'une connexion par code en cours."),
    "account_confirm_email": _pub(E(200), lambda w: {"key": "cle-invalide"}),
    "account_reset_password_from_key_done": _pub(E(200)),
    "account_reset_password_from_key": _pub(E(200), lambda w: {"uidb36": "1", "key": "cle-invalide"}),
    "account_reset_password_done": _pub(E(200)),
    "mfa_index": _pub(USER),
    "mfa_authenticate": _pub(E(302, anonyme=LOGIN), note="Hors d'une connexion en cours."),
    "mfa_reauthenticate": _pub(E(302, anonyme=LOGIN)),
    "mfa_activate_totp": _pub(E(302, anonyme=LOGIN)),
    "mfa_deactivate_totp": _pub(E(404, anonyme=LOGIN), note="Aucun TOTP activé dans le monde de test."),
    "mfa_view_recovery_codes": _pub(E(404, anonyme=LOGIN)),
    "mfa_generate_recovery_codes": _pub(E(302, anonyme=LOGIN)),
    "mfa_download_recovery_codes": _pub(E(404, anonyme=LOGIN)),
    "socialaccount_login_cancelled": _pub(E(200)),
    "socialaccount_login_error": _pub(E(401, anonyme=LOGIN)),
    "socialaccount_signup": _pub(E(LOGIN), note="Hors d'une inscription ProConnect en cours."),
    "socialaccount_connections": _pub(USER),
    "proconnect_login": _pub(E(404), note="ProConnect n'est pas configuré dans les tests."),
    "proconnect_callback": _pub(E(404)),
    "accounts/social/login/cancelled/": _pub(E(302, anonyme=LOGIN)),
    "accounts/social/login/error/": _pub(E(302, anonyme=LOGIN)),
    "accounts/social/signup/": _pub(E(302, anonyme=LOGIN)),
    "accounts/social/connections/": _pub(E(302, anonyme=LOGIN)),
}
