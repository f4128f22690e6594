"""Accounts: sign-up with mandatory email verification, login, logout, password reset,
password length, login rate limit; allauth's pages in French with DSFR markup."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

User = get_user_model()

PASSWORD = "une phrase de passe solide"


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache: each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verified_user(db):
    user = User.objects.create_user(email="marie@mairie-exemple.fr", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def link_in(body: str) -> str:
    match = re.search(r"http://testserver(/\S+)", body)
    assert match, body
    return match.group(1)


def authenticated_user_id(client):
    return client.session.get("_auth_user_id")


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


# --- Pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "heading", "title"),
    [
        ("account_login", "Connexion", "Connexion"),
        ("account_signup", "Création de compte", "Inscription"),
        ("account_reset_password", "Réinitialisation du mot de passe", "Réinitialisation du mot de passe"),
        (
            "account_reset_password_done",
            "Réinitialisation du mot de passe",
            "Réinitialisation du mot de passe",
        ),
        ("account_email_verification_sent", "Vérifiez votre adresse e-mail", "Vérifiez votre adresse e-mail"),
    ],
)
def test_account_pages_render_in_french_with_dsfr_layout(client, url_name, heading, title):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(rf"<h1>\s*{re.escape(heading)}\s*</h1>", content)
    assert re.search(rf"<title>\s*{re.escape(title)}\s*— Conum</title>", content)
    assert 'class="fr-header"' in content
    # No English leftovers from allauth's own templates.
    for english in ("Sign In", "Sign Up", "Password Reset", "Forgotten your password", "Verify Your Email"):
        assert english not in content


@pytest.mark.django_db
def test_login_form_is_dsfr_and_labelled(client):
    content = client.get(reverse("account_login")).content.decode()

    assert '<label class="fr-label" for="id_login">' in content
    assert '<label class="fr-label" for="id_password">' in content
    assert re.search(r'<input type="email" name="login"[^>]*class="fr-input"', content)
    assert re.search(r'<button type="submit" class="fr-btn">\s*Connexion\s*</button>', content)
    # The "forgotten password" link is a hint tied to the password field.
    assert (
        'id="id_password_helptext"><a href="/accounts/password/reset/">Mot de passe oublié ?</a>' in content
    )
    assert 'aria-describedby="id_password_helptext"' in content
    # Without ProConnect configured there is no ProConnect button.
    assert "ProConnect" not in content


# --- Sign-up and email verification --------------------------------------------------------


@pytest.mark.django_db
def test_signup_sends_verification_mail_and_link_verifies_then_login_works(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "Nouveau@Structure-Exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
    )

    # Mandatory verification: not logged in yet, sent to the "check your mailbox" page.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert authenticated_user_id(client) is None
    user = User.objects.get()
    assert user.email == "nouveau@structure-exemple.fr"
    assert not user.habilitations.exists()
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouveau@structure-exemple.fr"]
    assert message.subject == "[Conum] Confirmez votre adresse électronique"
    assert message.body.startswith("Bonjour,")
    assert "example.com" not in message.body

    # Logging in before verifying does not open a session.
    client.logout()
    response = login(client, "nouveau@structure-exemple.fr", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert authenticated_user_id(client) is None

    # The link shows a confirmation page (no change on GET), the POST verifies.
    confirm_url = link_in(message.body)
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert "Confirmer l'adresse e-mail" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = login(client, "nouveau@structure-exemple.fr", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert authenticated_user_id(client) == str(user.pk)


@pytest.mark.django_db
def test_too_short_password_is_refused_in_french_and_email_kept(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "court@exemple.fr", "password1": "Court-123", "password2": "Court-123"},
    )

    assert response.status_code == 200
    assert not User.objects.exists()
    assert mail.outbox == []
    content = response.content.decode()
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in content
    # The form re-renders with the email kept and an error summary linked to the field.
    assert re.search(r'<input type="email" name="email" value="court@exemple.fr"', content)
    assert 'class="fr-alert fr-alert--error' in content
    assert '<a href="#id_password1">' in content
    assert 'class="fr-input-group fr-input-group--error"' in content
    assert re.search(
        r'name="password1"[^>]*aria-invalid="true"[^>]*aria-describedby="id_password1-desc-error"', content
    )
    assert '<div id="id_password1-desc-error"><p class="fr-error-text">' in content
    # Passwords are never sent back.
    assert "Court-123" not in content


# --- Login and logout ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_email_and_password(client, verified_user):
    response = login(client, "Marie@Mairie-Exemple.fr", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert authenticated_user_id(client) == str(verified_user.pk)


@pytest.mark.django_db
def test_wrong_password_shows_french_error_summary(client, verified_user):
    response = login(client, verified_user.email, "pas le bon mot de passe")

    assert response.status_code == 200
    assert authenticated_user_id(client) is None
    content = response.content.decode()
    assert "sont incorrects" in content
    assert 'class="fr-alert fr-alert--error' in content
    assert re.search(r'<input type="email" name="login" value="marie@mairie-exemple.fr"', content)


@pytest.mark.django_db
def test_logout_requires_post(client, verified_user):
    client.force_login(verified_user)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Êtes-vous sûr(e) de vouloir vous déconnecter ?" in page.content.decode()
    assert authenticated_user_id(client) == str(verified_user.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert authenticated_user_id(client) is None


@pytest.mark.django_db
def test_failed_logins_are_rate_limited_with_a_french_message(client, verified_user):
    # settings: "login_failed": "5/5m/key" — five failures for one address, then refusal.
    for _ in range(5):
        response = login(client, verified_user.email, "mauvais mot de passe")
        assert "Trop de tentatives" not in response.content.decode()

    response = login(client, verified_user.email, "mauvais mot de passe")
    assert response.status_code == 200
    assert (
        "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
        in response.content.decode()
    )

    # Even the right password is refused while the limit holds.
    response = login(client, verified_user.email, PASSWORD)
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert authenticated_user_id(client) is None


# --- Password reset ------------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_mail_sets_a_new_password(client, verified_user):
    response = client.post(reverse("account_reset_password"), {"email": verified_user.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [verified_user.email]
    assert message.subject == "[Conum] Réinitialisation de votre mot de passe"
    assert "réinitialisation du mot de passe de votre compte Conum" in message.body

    # The key link redirects to a key-less URL (the key moves to the session).
    page = client.get(link_in(message.body), follow=True)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()
    new_password = "un tout nouveau mot de passe"
    response = client.post(page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert response.status_code == 302

    verified_user.refresh_from_db()
    assert verified_user.check_password(new_password)
    assert login(client, verified_user.email, new_password)["Location"] == reverse("home")


@pytest.mark.django_db
def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


def test_an_address_longer_than_the_column_is_refused_in_french(client, verified_user):
    """Sign-up and "add an address" share the adapter's check: on PostgreSQL a 255-character
    address reached the database (a 500); SQLite stored it silently."""
    client.force_login(verified_user)
    trop_longue = "a" * 244 + "@exemple.fr"  # 254 + 1 characters
    assert len(trop_longue) == 255
    response = client.post(reverse("account_email"), {"action_add": "", "email": trop_longue})
    assert response.status_code == 200
    assert "ne peut pas dépasser 254 caractères" in response.content.decode()
    assert not EmailAddress.objects.filter(email=trop_longue).exists()

    client.logout()
    response = client.post(reverse("account_signup"), {
        "email": trop_longue, "password1": "mot-de-passe-solide-2026", "password2": "mot-de-passe-solide-2026",
    })  # fmt: skip
    assert response.status_code == 200
    assert "ne peut pas dépasser 254 caractères" in response.content.decode()
    assert trop_longue in response.content.decode()  # what was typed is kept
    assert not get_user_model().objects.filter(email=trop_longue).exists()
