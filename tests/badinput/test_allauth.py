"""The account pages (django-allauth: login, sign-up, password reset and change, email addresses,
TOTP activation), fed hostile values like every form of the site (``hostile.post_and_check``).

Each test signs in its own user (never one of the world's): failed logins count towards allauth's
rate limits and django-axes' lockout; the cache (allauth's counters) is cleared before each
example, and axes' rows go with the test's transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.account import forms as account_forms
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, generate_totp_secret
from django import forms
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from conumapp.models import User
from tests.conumapp.test_mfa import current_code

from .hostile import FORM_SETTINGS, SCRIPT, mutations, post_and_check

pytestmark = pytest.mark.django_db
PASSWORD = "une phrase de passe solide"
NEW_PASSWORD = "une autre phrase de passe solide"
_unique = itertools.count(1)  # hypothesis' examples share the test's database: one user each


def _user(name: str) -> User:
    email = f"{name}-{next(_unique)}@exemple.fr"
    user = User.objects.create_user(email, PASSWORD, first_name=f"Camille {SCRIPT}")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _signed_in(user: User, *, reauthenticated: bool = False) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, "connexion du compte de test"
    if reauthenticated:  # allauth asks for the password again before changing the account's security
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def _password_state(user):
    return lambda: [User.objects.count(), User.objects.get(pk=user.pk).password]


@dataclass
class AccountSpec:
    name: str
    setup: Callable[[], tuple]  # -> (client, form, valid data, state)
    form_key: str = "form"
    saves: bool = True  # valid data writes (state changes); else valid data only redirects


def _login():
    user = _user("connexion-hostile")
    form = account_forms.LoginForm()
    return Client(), form, {"login": user.email, "password": PASSWORD}, lambda: [User.objects.count()]


def _signup():
    form = account_forms.SignupForm()
    valid = {
        "email": f"inscription-hostile-{next(_unique)}@exemple.fr",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return Client(), form, valid, lambda: [User.objects.count(), EmailAddress.objects.count()]


def _reset_password():
    user = _user("oubli-hostile")
    form = account_forms.ResetPasswordForm()
    return Client(), form, {"email": user.email}, lambda: [User.objects.count()]


def _change_password():
    user = _user("changement-hostile")
    form = account_forms.ChangePasswordForm(user=user)
    valid = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return _signed_in(user), form, valid, _password_state(user)


def _email():
    user = _user("adresses-hostile")
    form = account_forms.AddEmailForm(user=user)
    valid = {"action_add": "", "email": f"seconde-adresse-{next(_unique)}@exemple.fr"}
    return _signed_in(user), form, valid, lambda: [EmailAddress.objects.count()]


def _set_password():
    user = _user("sans-mot-de-passe-hostile")  # e.g. a candidate imported by the back office
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    form = account_forms.SetPasswordForm(user=user)
    return client, form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, _password_state(user)


def _reauthenticate():
    user = _user("reauthentification-hostile")
    form = account_forms.ReauthenticateForm(user=user)
    return _signed_in(user), form, {"password": PASSWORD}, lambda: [User.objects.count()]


def _activate_totp():
    user = _user("totp-hostile")
    client = _signed_in(user, reauthenticated=True)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    form = forms.Form()  # the fields only: ActivateTOTPForm needs the request's session
    form.fields = ActivateTOTPForm.base_fields
    code = current_code(client.session[SECRET_SESSION_KEY])
    return client, form, {"code": code}, lambda: [Authenticator.objects.count()]


def _mfa_authenticate():
    """The login's second step: the password is right, the code is what is fed hostile values."""
    user = _user("double-facteur-hostile")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    form = forms.Form()  # the fields only: AuthenticateForm needs the login stage
    form.fields = {"code": forms.CharField()}
    return client, form, {"code": current_code(secret)}, lambda: ["_auth_user_id" in client.session]


SPECS = [
    AccountSpec("account_login", _login, saves=False),
    AccountSpec("account_signup", _signup),
    AccountSpec("account_reset_password", _reset_password, saves=False),
    AccountSpec("account_change_password", _change_password),
    AccountSpec("account_set_password", _set_password),
    AccountSpec("account_reauthenticate", _reauthenticate, saves=False),
    AccountSpec("account_email", _email),
    AccountSpec("mfa_activate_totp", _activate_totp),
    AccountSpec("mfa_authenticate", _mfa_authenticate),
]
COVERED = {spec.name for spec in SPECS}


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
@settings(FORM_SETTINGS, max_examples=8)
@given(data=st.data())
def test_account_pages_with_hostile_values(spec, data):
    cache.clear()  # allauth's rate-limit counters: every example starts below the limits
    client, form, valid, state = spec.setup()
    values = data.draw(mutations(form, valid), label="POST")
    outcome = post_and_check(
        client, reverse(spec.name), values, state=state, form_key=spec.form_key, keeps_input=False
    )
    assert outcome.response.status_code in (200, 302, 429), (
        f"{spec.name}: HTTP {outcome.response.status_code}"
    )


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_valid_account_input_is_accepted(spec, mailoutbox):
    """The baseline of the hostile examples is valid: each page accepts it (redirect, and the
    write it makes), so the mutations above start from a form that works."""
    cache.clear()
    client, _form, valid, state = spec.setup()
    outcome = post_and_check(client, reverse(spec.name), valid, state=state, form_key=spec.form_key)
    assert outcome.response.status_code == 302, f"{spec.name}: saisie valide refusée : {outcome.errors}"
    assert outcome.saved == spec.saves, spec.name
    if spec.name == "account_reset_password":
        assert [m.to for m in mailoutbox] == [[valid["email"]]]
