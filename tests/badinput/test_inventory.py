"""No form can escape the bad-input tests: every URL of the project's apps is either covered
here or listed below as taking no form, and so is every admin import or custom admin page.

Also: the views without a form (buttons, GET filters) get junk parameters and must not break.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .hostile import (
    HOSTILE_CHOICES,
    HOSTILE_DATES,
    HOSTILE_NUMBERS,
    HOSTILE_TEXT,
    SCRIPT,
    assert_french,
    assert_no_payload,
)
from .test_allauth import COVERED as ACCOUNT_FORMS
from .test_forms import COVERED as FORM_URLS

pytestmark = pytest.mark.django_db

PROJECT_NAMESPACES = {
    "core", "structures", "conventions", "conseillers", "formation", "cra", "statistiques", "donnees_ouvertes",
}  # fmt: skip

# Views with no form: a button posting nothing but the CSRF token, a download, a page, or GET
# filters (their filter forms are fed junk in test_get_views_with_junk_parameters).
NO_FORM = {
    "core:communes",
    "core:favicon",
    "core:accessibilite",
    "structures:candidature_merci",
    "structures:ma_structure",
    "structures:detail",
    "structures:retirer_membre",
    "structures:invitation",
    "structures:prefecture_liste",
    "conventions:liste",
    "conventions:detail",
    "conventions:pdf",
    "conventions:piece",
    "conseillers:profil_disponibilite",
    "conseillers:profil_supprimer",
    "conseillers:mon_espace",
    "conseillers:cv",
    "conseillers:conge_justificatif",
    "structures:lieux",
    "structures:lieu_supprimer",
    "conseillers:candidats",
    "conseillers:candidat",
    "conseillers:preselectionner",
    "conseillers:ecarter",
    "conseillers:recrutements",
    "conseillers:recrutement",
    "conseillers:annuler",
    "formation:accueil",
    "formation:conseiller",
    "formation:sessions",
    "formation:inscrire",
    "cra:confirmation",
    "cra:supprimer",
    "cra:restaurer",
    "cra:historique",
    "cra:structure",
    "cra:coordination",
    "cra:export",
    # statistiques: GET filter forms (fed junk below), downloads, export requests (format only)
    "statistiques:tableau",
    "statistiques:publiques",
    "statistiques:export",
    "statistiques:pilotage",
    "statistiques:export_cras",
    "statistiques:export_cras_statut",
    "statistiques:export_cras_telecharger",
    "statistiques:donnees_ouvertes",
    "donnees_ouvertes:index",
    "donnees_ouvertes:statistiques_national",
    "donnees_ouvertes:statistiques_departements",
    "donnees_ouvertes:lieux",
}

# Account pages (django-allauth, two-factor, ProConnect): test_allauth feeds ACCOUNT_FORMS hostile
# values; the others take no form of their own, and why.
ACCOUNT_PREFIXES = ("account_", "mfa_", "socialaccount_", "proconnect_")
ACCOUNT_OTHER = {
    "account_logout": "un bouton (jeton CSRF seul)",
    "account_confirm_email": "un bouton, la clé est dans l'adresse",
    "account_confirm_login_code": "connexion par code non activée (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "account_request_reauthentication_code": "réauthentification par code non activée (allauth ≥ 65.22)",
    "account_confirm_reauthentication_code": "réauthentification par code non activée (allauth ≥ 65.22)",
    "account_email_verification_sent": "page sans formulaire",
    "account_inactive": "page sans formulaire",
    "account_reset_password_done": "page sans formulaire",
    "account_reset_password_from_key_done": "page sans formulaire",
    "account_reset_password_from_key": "les champs de account_set_password, derrière la clé du courriel",
    "mfa_index": "page sans formulaire",
    "mfa_view_recovery_codes": "page sans formulaire",
    "mfa_download_recovery_codes": "un téléchargement",
    "mfa_deactivate_totp": "un bouton (jeton CSRF seul)",
    "mfa_generate_recovery_codes": "un bouton (jeton CSRF seul)",
    "mfa_reauthenticate": "le champ code de mfa_authenticate",
    "socialaccount_connections": "liste des comptes ProConnect liés (boutons)",
    "socialaccount_login_cancelled": "page sans formulaire",
    "socialaccount_login_error": "page sans formulaire",
    "socialaccount_signup": "étape d'une connexion ProConnect (tests/conumapp/test_proconnect.py)",
    "proconnect_login": "redirection OIDC",
    "proconnect_callback": "retour OIDC (tests/conumapp/test_security_proconnect.py)",
}

# Admin pages beyond Django's own (imports, confirmations): covered by test_imports / test_admin.
ADMIN_CUSTOM_COVERED = {
    "structures_structure_import",
    "structures_structure_process_import",
    "conseillers_candidat_import",
    "conseillers_candidat_process_import",
    "formation_formationinitiale_import",
    "cra_importcra_importer",
    "cra_importcra_rapport",  # a CSV download
    # test_admin.test_admin_confirmation_pages_with_hostile_values / ..._password_change_...
    "conventions_convention_rediger",
    "conventions_convention_signer",
    "conventions_convention_avenant",
    "conventions_convention_avoir",
    "conventions_convention_terminer",
    "conventions_convention_envoyer",
    "auth_user_password_change",
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            )
            yield from _names(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_project_url_is_covered_or_listed_as_formless():
    names = {name for name in _names(get_resolver().url_patterns) if name.split(":")[0] in PROJECT_NAMESPACES}
    missing = names - FORM_URLS - NO_FORM
    assert not missing, f"Formulaires sans test de saisie hostile (tests/badinput) : {sorted(missing)}"
    stale = (FORM_URLS | NO_FORM) - names
    assert not stale, f"URL disparues, à retirer de l'inventaire : {sorted(stale)}"


def test_every_account_page_is_covered_or_listed():
    names = {name for name in _names(get_resolver().url_patterns) if name.startswith(ACCOUNT_PREFIXES)}
    missing = names - ACCOUNT_FORMS - set(ACCOUNT_OTHER)
    assert not missing, f"Pages de compte sans test de saisie hostile (tests/badinput) : {sorted(missing)}"
    stale = (ACCOUNT_FORMS | set(ACCOUNT_OTHER)) - names
    assert not stale, f"URL disparues, à retirer de l'inventaire : {sorted(stale)}"


def test_every_custom_admin_page_is_covered():
    custom = set()
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_NAMESPACES - {"core"} | {"conumapp"}:
            continue
        base = {
            f"{model._meta.app_label}_{model._meta.model_name}_{suffix}"
            for suffix in ("changelist", "add", "history", "delete", "change", "export", "import",
                           "process_import", "simple_history")
        }  # fmt: skip
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in base:
                custom.add(pattern.name)
        if "import" in {
            p.name.rsplit("_", 1)[-1] for p in model_admin.get_urls() if getattr(p, "name", None)
        }:
            custom.add(f"{model._meta.app_label}_{model._meta.model_name}_import")
    missing = custom - ADMIN_CUSTOM_COVERED
    assert not missing, f"Pages d'administration sans test de saisie hostile : {sorted(missing)}"


# --- Formless views: junk parameters ---------------------------------------------------------

JUNK = {
    "q": HOSTILE_TEXT[2],
    "page": HOSTILE_NUMBERS[3],
    "statut": HOSTILE_CHOICES[4],
    "type": "\x00",
    "avis": "x" * 500,
    "du": HOSTILE_DATES[0],
    "au": HOSTILE_DATES[4],
    "thematique": "INCONNU",
    "type_lieu": "<b>",
    "pix_niveau": "1e309",
    "disponible_le": "0000-00-00",
    "avec_cv": "peut-être",
    "cursor": "-1e309",
    "page_size": "NaN",
    "disponible": "\x00",
    "dupliquer": "9" * 30,
    "reprise": "1",
    "next": "https://evil.example/",
    # statistiques filters
    "debut": "2024-02-30",
    "fin": "9999-12-31",
    "region": SCRIPT,
    "departement": "\x00",
    "structure": "1e309",
    "conseiller": "-1",
    "tag": "x" * 500,
    "perimetre": "",
    "territoire": "../../etc",
    "format": "exe",
}
STATS_JUNK = [
    {"debut": "0001-01-01", "fin": "0001-01-01"},
    {"debut": "9999-12-31", "fin": "0001-01-01"},
    {"region": "INCONNU", "departement": "99999"},
    {"structure": str(10**30), "conseiller": "NaN"},
    {"perimetre": SCRIPT},
    {"territoire": "\x00"},
]


def _formless_urls(w):
    cra = w.extra_cra()
    return [
        (w.operateur, reverse("core:communes")),
        (w.prefecture, reverse("structures:prefecture_liste")),
        (
            w.membre,
            reverse("structures:retirer_membre", args=[w.structure.pk, w.structure.membres.first().pk]),
        ),
        (w.membre, reverse("conventions:liste")),
        (w.membre, reverse("conseillers:candidats", args=[w.structure.pk])),
        (w.membre, reverse("conseillers:recrutements")),
        (w.membre, reverse("conseillers:annuler", args=[w.mer_interessee.pk])),
        (w.membre, reverse("conseillers:preselectionner", args=[w.structure.pk, w.candidat.pk])),
        (w.candidat.user, reverse("conseillers:profil_disponibilite")),
        (w.conseiller_formation.user, reverse("formation:accueil")),
        (w.conseiller_formation.user, reverse("formation:sessions", args=[w.conseiller_formation.pk])),
        (w.conseiller_en_poste.user, reverse("cra:saisir")),
        (w.conseiller_en_poste.user, reverse("cra:historique")),
        (w.conseiller_en_poste.user, reverse("cra:supprimer", args=[cra.pk])),
        (w.conseiller_en_poste.user, reverse("cra:restaurer", args=[cra.pk])),
        (w.membre, reverse("cra:structure", args=[w.structure.pk])),
        (w.conseiller_en_poste.user, reverse("cra:export")),
        (w.operateur, reverse("cra:export")),
        (w.operateur, reverse("statistiques:tableau")),
        (w.membre, reverse("statistiques:tableau")),
        (w.operateur, reverse("statistiques:pilotage")),
        (w.operateur, reverse("statistiques:export_cras")),
        (w.prefecture, reverse("statistiques:tableau")),
        (w.operateur, reverse("donnees_ouvertes:index")),
        (w.operateur, reverse("donnees_ouvertes:statistiques_departements")),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_formless_views_with_junk_parameters(world, method):
    from .test_forms import _prepare

    w = _prepare(world)
    for user, url in _formless_urls(w):
        client = Client()
        client.force_login(user)
        response = getattr(client, method)(url, JUNK)
        assert response.status_code < 500, f"{method} {url}: HTTP {response.status_code}"
        content = response.content.decode("utf-8", errors="replace")
        assert_no_payload(content, url)
        assert_french(content, [], url)


@pytest.mark.parametrize("params", STATS_JUNK, ids=range(len(STATS_JUNK)))
def test_statistics_filters_with_junk(world, params):
    for user in (world.operateur, world.membre, world.prefecture):
        client = Client()
        client.force_login(user)
        for name in ("statistiques:tableau", "statistiques:pilotage", "statistiques:export_cras",
                     "statistiques:publiques", "donnees_ouvertes:index"):  # fmt: skip
            url = reverse(name)
            response = client.get(url, params)
            assert response.status_code < 500, f"{name} {params}: HTTP {response.status_code}"
            content = response.content.decode("utf-8", errors="replace")
            assert_no_payload(content, url)
            assert_french(content, [], url)


def test_anonymous_cra_draft_with_junk_is_kept_safely(client):
    response = client.post(reverse("cra:saisir"), {**JUNK, "note": HOSTILE_TEXT[2]})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
