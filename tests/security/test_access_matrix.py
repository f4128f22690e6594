"""Access matrix: every URL of the URL conf × every role × GET/POST, against the access_table package.

A URL without an entry in the table fails (« URL sans entrée dans la table d'accès »). For
each (URL, case, method) every role is tried; a failure lists every role whose outcome
differs, with the expected and actual outcome, a refused POST that wrote to the database or
left a file, and any response carrying the other side's marker.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from . import access_table as T
from .matrix import leaked_markers, request_as, walk

pytestmark = pytest.mark.django_db

PATTERNS = list(walk())
ALLAUTH_ROUTES = ("accounts/",)


def is_admin(pattern) -> bool:
    return pattern.key.startswith("admin:") or pattern.route.startswith("admin/")


def is_allauth(pattern) -> bool:
    return pattern.route.startswith(ALLAUTH_ROUTES)


def entry_for(pattern):
    if pattern.key in T.TABLE:
        return T.TABLE[pattern.key]
    if pattern.key in T.ADMIN_CUSTOM:
        return T.ADMIN_CUSTOM[pattern.key]
    if pattern.key in T.ALLAUTH:
        return T.ALLAUTH[pattern.key]
    if is_admin(pattern):
        return "admin-rule"
    return None


def missing_entries(patterns) -> list[str]:
    return [f"{p.key} ({p.route})" for p in patterns if entry_for(p) is None]


def missing_message(missing) -> str:
    return (
        "URL sans entrée dans la table d'accès : "
        + ", ".join(missing)
        + ". Ajoutez une ligne dans tests/security/access_table/<application>.py (format dans __init__.py)."
    )


def test_every_url_has_an_entry():
    missing = missing_entries(PATTERNS)
    assert not missing, missing_message(missing)


def test_a_new_url_without_entry_is_reported():
    """The walk sees a URL added anywhere (even nested in a namespace) and names it."""
    from django.urls import include, path

    from conumapp import urls as project_urls

    new = [
        path("nouveau/", include(([path("<int:pk>/secret/", lambda r, pk: None, name="secret")], "nouveau")))
    ]
    patterns = list(walk([*project_urls.urlpatterns, *new]))
    assert missing_entries(patterns) == [
        *missing_entries(PATTERNS),
        "nouveau:secret (nouveau/<int:pk>/secret/)",
    ]
    assert "URL sans entrée dans la table d'accès : nouveau:secret" in missing_message(
        missing_entries(patterns)[-1:]
    )


def test_table_has_no_stale_entry():
    keys = {p.key for p in PATTERNS}
    stale = [k for k in [*T.TABLE, *T.ADMIN_CUSTOM, *T.ALLAUTH] if k not in keys]
    assert not stale, f"Entrées de la table d'accès sans URL : {stale}"


def _cases():
    for key, url in [*T.TABLE.items(), *T.ADMIN_CUSTOM.items(), *T.ALLAUTH.items()]:
        for case in url.cases:
            if case.get is not None:
                yield pytest.param(key, case, "GET", id=f"{key}[{case.label}]-GET")
            if case.post is not None:
                yield pytest.param(key, case, "POST", id=f"{key}[{case.label}]-POST")


def _check(world, files_dir, key, case, method):
    kwargs = case.kwargs(world) if case.kwargs else {}
    url = reverse(key, kwargs=kwargs) if not key.endswith("/") else "/" + key
    expected = case.get if method == "GET" else case.post
    problems = []
    for role in T.ROLES:
        want = expected[role]
        if want is None:
            continue
        data = case.data(world) if (method == "POST" and case.data) else None
        query = case.query(world) if case.query else None
        result = request_as(
            world.users[role],
            method,
            url,
            data=data,
            query=query,
            files_dir=files_dir,
            session=world.sessions.get(role),
        )
        where = f"{method} {key}[{case.label}] ({url}) en tant que {role}"
        if result.outcome != want:
            problems.append(f"{where} : attendu {want}, obtenu {result.outcome}")
        if method == "POST":
            if role in case.writers and not result.writes:
                problems.append(f"{where} : cet envoi devait écrire en base (données valides ?), rien écrit")
            if role not in case.writers and (result.writes or result.new_files):
                problems.append(
                    f"{where} : envoi refusé qui a écrit {sorted(set(result.writes))} "
                    f"et laissé {result.new_files} fichier(s)"
                )
        if (
            result.status == 200
            and not case.shows_to_token_holder
            and (leaks := leaked_markers(role, result.content))
        ):
            problems.append(f"{where} : fuite de données de l'autre périmètre ({', '.join(leaks)})")
    return problems


@pytest.mark.parametrize(("key", "case", "method"), list(_cases()))
def test_access(world, security_private_dir, key, case, method):
    problems = _check(world, security_private_dir, key, case, method)
    assert not problems, "\n".join(problems)


# --- The Django admin: one rule for every pattern --------------------------------------------


def _model_from(pattern):
    parts = pattern.route.split("/")
    if len(parts) >= 3 and parts[0] == "admin":
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def admin_url(pattern, world) -> str | None:
    """A concrete URL for an admin pattern (an existing object where one is needed)."""
    route = pattern.route
    model = _model_from(pattern)
    obj_pk = None
    if model is not None:
        obj = model._default_manager.order_by("pk").first()
        obj_pk = obj.pk if obj is not None else 999999
    replacements = {
        "<path:object_id>": str(obj_pk),
        "<path:content_type_id>": str(ContentType.objects.get_for_model(world.structure_a.__class__).pk),
        "<int:pk>": str(obj_pk),
        "<id>": str(obj_pk),
    }
    if pattern.key == "admin:view_on_site":
        replacements["<path:object_id>"] = str(world.structure_a.pk)
    for placeholder, value in replacements.items():
        route = route.replace(placeholder, value)
    if route.endswith("(?P<url>.*)$"):
        return "/admin/nexiste-pas/"
    if "^(?P<app_label>" in route:
        return reverse("admin:app_list", kwargs={"app_label": "structures"})
    if "<" in route or "(?P" in route:
        return None
    return "/" + route


ADMIN_PATTERNS = [p for p in PATTERNS if is_admin(p) and p.key not in T.ADMIN_CUSTOM]


def test_admin_rule_covers_every_admin_pattern(world):
    unbuildable = [p.key for p in ADMIN_PATTERNS if admin_url(p, world) is None]
    assert not unbuildable, f"URL d'admin sans règle (ajoutez-la à ADMIN_CUSTOM) : {unbuildable}"


def _admin_problems(world, files_dir, role, patterns, methods):
    problems = []
    user = world.users[role]
    for pattern in patterns:
        url = admin_url(pattern, world)
        want = T.ADMIN_EXCEPTIONS.get(pattern.key, T.ADMIN_DEFAULT)[role]
        for method in methods:
            result = request_as(
                user, method, url, data={"_save": "1"}, files_dir=files_dir, session=world.sessions.get(role)
            )
            where = f"{method} {pattern.key} ({url}) en tant que {role}"
            if result.outcome != want:
                problems.append(f"{where} : attendu {want}, obtenu {result.outcome}")
            if method == "POST" and (result.writes or result.new_files):
                problems.append(
                    f"{where} : écriture {sorted(set(result.writes))}, {result.new_files} fichier(s)"
                )
    return problems


@pytest.mark.parametrize("role", ["anonyme", "membre"])
def test_admin_refuses_every_url_to_non_operators(world, security_private_dir, role):
    """Every admin URL (custom views, import/export, history, delete…), GET and POST, as an
    anonymous visitor and as a logged-in user without staff status (the admin's gate is the
    staff flag, whatever the roles): sent to a login page or refused, nothing written."""
    problems = _admin_problems(world, security_private_dir, role, ADMIN_PATTERNS, ("GET", "POST"))
    custom = [p for p in PATTERNS if p.key in T.ADMIN_CUSTOM]
    problems += _admin_problems(world, security_private_dir, role, custom, ("GET", "POST"))
    assert not problems, "\n".join(problems)


MODEL_PAGES = [p for p in ADMIN_PATTERNS if p.key.endswith(("_changelist", "_add", "_change"))]


@pytest.mark.parametrize("role", [r for r in T.ROLES if r not in ("anonyme", "membre", "operateur")])
def test_admin_model_pages_refused_to_every_other_role(world, security_private_dir, role):
    """Every changelist, add and change page of the admin, as each other non-operator role."""
    problems = _admin_problems(world, security_private_dir, role, MODEL_PAGES, ("GET",))
    assert MODEL_PAGES and not problems, "\n".join(problems)


def test_admin_lets_the_operator_in(world):
    """The operator reaches the index, every changelist and the project's own admin views."""
    problems = []
    user = world.users["operateur"]
    keys = ["admin:index"] + [
        f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry
    ]
    for key in keys:
        result = request_as(user, "GET", reverse(key), session=world.sessions["operateur"])
        if result.outcome != 200:
            problems.append(f"GET {key} en tant qu'opérateur : attendu 200, obtenu {result.outcome}")
    assert not problems, "\n".join(problems)
