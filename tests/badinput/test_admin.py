"""Back office: the add form of every project model, fed hostile values as an operator.

The fields come from the ModelAdmin's own form (``adminform``); each example must give a page
(never a 500), French errors, nothing written on a refusal, and no raw payload anywhere.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from .hostile import FORM_SETTINGS, SCRIPT, assert_french, assert_no_payload, form_errors, mutations

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"conumapp", "structures", "conventions", "conseillers", "formation", "cra", "statistiques"}


def _admins():
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            found.append((f"{model._meta.app_label}.{model._meta.model_name}", model, model_admin))
    return sorted(found, key=lambda item: item[0])


ADMINS = _admins()


def _can_add(model_admin, user) -> bool:
    request = RequestFactory().get("/")
    request.user = user
    return model_admin.has_add_permission(request)


@pytest.mark.parametrize("label", [label for label, *_ in ADMINS])
@settings(FORM_SETTINGS, max_examples=5)
@given(data=st.data())
def test_admin_add_forms_with_hostile_values(world, label, data):
    model, model_admin = next((m, a) for lbl, m, a in ADMINS if lbl == label)
    if not _can_add(model_admin, world.operateur):
        return
    client = Client()
    client.force_login(world.operateur)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["adminform"].form
    initial = {
        form.add_prefix(name): value
        for name, value in form.initial.items()
        if isinstance(value, str | int) and not isinstance(value, bool)
    }
    values = data.draw(mutations(form, initial), label="POST")
    count = model._default_manager.count()
    response = client.post(url, values)
    assert response.status_code < 500, f"{url}: HTTP {response.status_code}"
    content = response.content.decode("utf-8", errors="replace")
    assert_no_payload(content, url)
    assert_french(content, form_errors(response), url)
    if response.status_code == 302:
        listing = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        assert listing.status_code == 200
        assert_no_payload(listing.content.decode(), url)
    else:
        assert model._default_manager.count() == count, f"{url}: écriture malgré le refus"


def test_admin_search_and_filters_with_hostile_parameters(world):
    client = Client()
    client.force_login(world.operateur)
    for label, model, _model_admin in ADMINS:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for params in (
            {"q": SCRIPT},
            {"q": "\x00"},
            {"q": "x" * 5000},
            {"p": "-1"},
            {"o": "99.-1"},
            {"id__in": "a,b"},
        ):
            response = client.get(url, params)
            assert response.status_code < 500, f"{label} {params}: HTTP {response.status_code}"
            assert_no_payload(response.content.decode("utf-8", errors="replace"), url)


# --- Custom back-office pages with a form ----------------------------------------------------


def _convention_envoyee(world):
    from conventions import services
    from tests.conseillers.factories import StructureFactory

    convention = services.convention_rediger(
        structure=StructureFactory(), by=world.operateur, date_debut=None
    )
    return services.convention_envoyer(convention=convention, by=world.operateur) or convention


def _convention_state(convention):
    from conventions.models import Avenant, Avoir, Convention, Tranche

    return (
        list(Convention.objects.filter(pk=convention.pk).values()),
        Tranche.objects.filter(convention=convention).count(),
        Avenant.objects.filter(convention=convention).count(),
        Avoir.objects.filter(convention=convention).count(),
    )


def _admin_pages():
    from conventions import admin as conventions_admin
    from conventions.forms import RedigerForm

    return {
        "conventions_convention_rediger": (lambda w, c: [], RedigerForm),
        "conventions_convention_signer": (lambda w, c: [c.pk], conventions_admin._DateForm),
        "conventions_convention_avenant": (lambda w, c: [w.convention.pk], conventions_admin._DateForm),
        "conventions_convention_avoir": (lambda w, c: [w.convention.pk], conventions_admin._AvoirForm),
        "conventions_convention_terminer": (lambda w, c: [w.convention.pk], conventions_admin._FinForm),
        "conventions_convention_envoyer": (lambda w, c: [c.pk], None),
    }


ADMIN_PAGES = sorted(_admin_pages())


@pytest.mark.parametrize("name", ADMIN_PAGES)
@settings(FORM_SETTINGS, max_examples=10)
@given(data=st.data())
def test_admin_confirmation_pages_with_hostile_values(world, name, data):
    args_of, form_class = _admin_pages()[name]
    convention = _convention_envoyee(world)
    client = Client()
    client.force_login(world.operateur)
    url = reverse(f"admin:{name}", args=args_of(world, convention))
    values = data.draw(mutations(form_class(), {}) if form_class else st.just({"x": SCRIPT}), label="POST")
    values["confirm"] = "1"
    before = [_convention_state(convention), _convention_state(world.convention)]
    response = client.post(url, values)
    assert response.status_code < 500, f"{url}: HTTP {response.status_code}"
    content = response.content.decode("utf-8", errors="replace")
    assert_no_payload(content, url)
    assert_french(content, form_errors(response), url)
    if response.status_code != 302:
        assert [_convention_state(convention), _convention_state(world.convention)] == before
    else:
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert_no_payload(page.content.decode(), url)


@pytest.mark.parametrize("password", ["", "\x00" * 20, "a", "x" * 10_000, SCRIPT * 3, "🙂" * 20])
def test_admin_user_password_change_with_hostile_values(world, password):
    client = Client()
    client.force_login(world.operateur)
    url = reverse("admin:auth_user_password_change", args=[world.membre.pk])
    response = client.post(url, {"password1": password, "password2": password + "x"})
    assert response.status_code < 500
    content = response.content.decode("utf-8", errors="replace")
    assert_no_payload(content, url)
    assert_french(content, form_errors(response), url)


# --- Admin actions and their confirmation forms ----------------------------------------------

ACTION_JUNK = [
    {"motif": "\x00", "commentaire": "\x00" * 3, "avis": SCRIPT, "numero": "1e309", "nombre_postes": "-1",
     "type": "INCONNU", "date": "9999-12-31", "montant": "NaN", "vers": "INCONNU", "statut_si_zero": "x",
     "pieces": ["INCONNU"], "date_fin": "0001-01-01", "anticipee": "peut-être"},
    {"motif": "x" * 10_000, "commentaire": SCRIPT, "avis": "x" * 5000, "numero": str(10**30),
     "nombre_postes": str(10**30), "type": "validation", "date": "0001-01-01", "montant": "-1",
     "vers": "-1", "hors_departement": "on", "date_fin": "2024-02-30"},
]  # fmt: skip


def _action_cases():
    cases = []
    for label, _model, model_admin in ADMINS:
        for name in model_admin.actions or []:
            action_name = name if isinstance(name, str) else getattr(name, "__name__", str(name))
            cases.append((label, action_name))
    return cases


@pytest.mark.parametrize(("label", "action"), _action_cases())
def test_admin_actions_with_hostile_confirmation_values(world, label, action):
    model = next(m for lbl, m, _a in ADMINS if lbl == label)
    pks = list(model._default_manager.order_by("-pk").values_list("pk", flat=True)[:2])
    assert pks, f"aucun objet {label} dans le monde de test : ajoutez-en un (conftest.world)"
    client = Client()
    client.force_login(world.operateur)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    for junk in ACTION_JUNK:
        for confirm in ({}, {"confirm": "1"}):
            data = {"action": action, "_selected_action": [str(pk) for pk in pks], **confirm, **junk}
            response = client.post(url, data)
            assert response.status_code < 500, f"{label} {action}: HTTP {response.status_code}"
            content = response.content.decode("utf-8", errors="replace")
            assert_no_payload(content, f"{label} {action}")
            assert_french(content, form_errors(response), f"{label} {action}")
            if response.status_code == 302:
                page = client.get(response["Location"])
                assert page.status_code < 500
                assert_no_payload(page.content.decode("utf-8", errors="replace"), f"{label} {action}")
