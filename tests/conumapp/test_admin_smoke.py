"""Every admin page loads for a superuser (generic over the registry: later apps are covered
automatically); nobody without staff status gets into the back office."""

from io import StringIO

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from conumapp.admin_base import ConumModelAdmin
from conumapp.models import User
from conumapp.periodic import CONUM_APPS

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser("superadmin@anct.gouv.fr", "mot-de-passe-solide-2026")
    client.force_login(user)
    return client


def test_back_office_titles_and_periodic_tasks_are_visible(superuser_client):
    page = superuser_client.get(reverse("admin:index"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Conum — back office ANCT / Banque des Territoires" in content
    assert reverse("admin:django_celery_beat_periodictask_changelist") in content
    assert reverse("admin:conumapp_outboxemail_changelist") in content


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=[m._meta.label for m, _ in REGISTRY])
def test_changelist_and_add_load(superuser_client, rf, model, model_admin):
    changelist = superuser_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200, changelist.content[:2000]
    search = superuser_client.get(admin_url(model, "changelist"), {"q": "zz"})
    assert search.status_code == 200

    request = rf.get("/")
    request.user = User.objects.get(email="superadmin@anct.gouv.fr")
    add = superuser_client.get(admin_url(model, "add"))
    expected = 200 if model_admin.has_add_permission(request) else 403
    assert add.status_code == expected, add.content[:2000]


def test_change_and_history_views_load_for_one_object_of_every_model(superuser_client):
    """Objects come from the demo data of every app; models without any are listed, not failed."""
    call_command("seed_demo", "--force", stdout=StringIO())
    failures, without_object = [], []
    for model, model_admin in REGISTRY:
        obj = model_admin.get_queryset(superuser_client.get(reverse("admin:index")).wsgi_request).first()
        if obj is None:
            without_object.append(model._meta.label)
            continue
        for view in ("change", "history"):
            try:
                url = admin_url(model, view, obj.pk)
            except NoReverseMatch:
                continue
            response = superuser_client.get(url)
            if response.status_code != 200:
                failures.append(f"{model._meta.label} {view}: {response.status_code}")
    assert failures == []
    # The core models always have an object after seeding.
    assert "conumapp.User" not in without_object
    assert "conumapp.Habilitation" not in without_object


def test_conum_admins_use_the_base_class():
    ours = [ma for m, ma in REGISTRY if m._meta.app_label in set(CONUM_APPS)]
    assert ours and all(isinstance(ma, ConumModelAdmin) for ma in ours)


def test_user_admin_never_shows_the_password_hash(superuser_client):
    user = User.objects.create_user("agent@example.org", "mot-de-passe-solide-2026")
    page = superuser_client.get(admin_url(User, "change", user.pk)).content.decode()
    assert user.password not in page
    assert "md5$" not in page and "pbkdf2" not in page
    assert "Définir un nouveau mot de passe" in page


def test_user_admin_creates_a_user_by_email(superuser_client):
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "email": "Nouvel.Agent@Example.org",
            "usable_password": "true",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(email="nouvel.agent@example.org")
    assert user.check_password("un-mot-de-passe-solide") and not user.is_staff


@pytest.mark.parametrize("staff", [False, None])
def test_non_staff_user_gets_no_admin(client, staff):
    if staff is not None:
        client.force_login(User.objects.create_user("structure@example.org", "mot-de-passe-solide-2026"))
    for url in (reverse("admin:index"), admin_url(User, "changelist"), admin_url(User, "add")):
        response = client.get(url)
        assert response.status_code == 302
        # Logged in without staff status: the admin login; anonymous: either login page.
        logins = (
            (reverse("admin:login"),)
            if staff is not None
            else (reverse("admin:login"), reverse(settings.LOGIN_URL))
        )
        assert response["Location"].startswith(logins)
    if staff is not None:
        refused = client.get(reverse("admin:login")).content.decode()
        assert "n’êtes pas autorisé" in refused or "not authorized" in refused


def test_staff_without_permissions_sees_no_model(client):
    client.force_login(
        User.objects.create_user("stagiaire@anct.gouv.fr", "mot-de-passe-solide-2026", is_staff=True)
    )
    assert client.get(admin_url(User, "changelist")).status_code == 403
    assert client.get(reverse("admin:conumapp_outboxemail_changelist")).status_code == 403
