"""Every custom back-office page that writes (``VIEWS``) leaves a trace attributed to the operator;
``READ_ONLY`` lists the pages that write nothing (exports, downloads). A new page without an entry
fails ``test_every_custom_admin_page_is_in_the_inventory``. The actions: test_admin_log.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from conventions import services as conventions_services
from conventions.models import Convention, Tranche
from formation.models import FormationInitiale
from structures.models import Structure
from tests.badinput import conftest as badinput
from tests.conseillers.factories import commune
from tests.conventions import factories as conventions_factories
from tests.formation.factories import conseiller_eligible
from tests.structures.factories import StructureFactory, valid_siret

from .admin_log_helpers import (
    HISTORIQUE,
    JOURNAL,
    TODAY,
    _convention_due,
    _errors,
    _nothing_logged,
    _traced,
)

pytestmark = pytest.mark.django_db
world = badinput.world  # the bad-input tests' world: one object waiting for each decision


# --- Custom admin pages that write ---------------------------------------------------------


def _convention_redigee(w):
    return conventions_services.convention_rediger(structure=StructureFactory(validee=True), by=w.operateur,
                                                   date_debut=None)  # fmt: skip


def _convention_envoyee(w):
    convention = _convention_redigee(w)
    conventions_services.convention_envoyer(convention=convention, by=w.operateur)
    return convention


def _convention_a_modifier(w):
    structure = conventions_factories.StructureFactory(postes=2)
    convention = conventions_factories.convention_signee(structure, signed_on=TODAY() - timedelta(days=10))
    structure.postes.create()
    return convention


def _convention_versee(w):
    convention = _convention_due()
    tranche = Tranche.objects.a_verser().get(convention=convention)
    conventions_services.tranche_verser(tranche=tranche, by=w.operateur, date_versement=TODAY())
    return convention


def _confirm_then_post(client, url, data, user):
    since = timezone.now()
    page = client.get(url)
    assert page.status_code == 200, f"{url} : pas de page de confirmation"
    assert _nothing_logged(user, since), f"{url} : journalisé à l'affichage"
    response = client.post(url, data)
    assert response.status_code == 302, f"{url} : refusée avec des données valides : {_form_errors(response)}"
    return response


def _form_errors(response):
    form = response.context.get("form") if response.context else None
    return [*(form.errors.values() if form is not None else []), *_errors(response)]


def _convention_view(name, build, data=lambda w: {}):
    def drive(client, w):
        convention = build(w)
        url = reverse(f"admin:conventions_convention_{name}", args=[convention.pk])
        _confirm_then_post(client, url, data(w), w.operateur)
        return [(JOURNAL, convention)]

    return drive


def _rediger(client, w):
    structure = StructureFactory(validee=True)
    _confirm_then_post(client, reverse("admin:conventions_convention_rediger"),
                       {"structure": structure.pk, "date_debut": ""}, w.operateur)  # fmt: skip
    # The view calls the service itself (no run_service): the history holds the author.
    return [(HISTORIQUE, Convention.objects.get(structure=structure))]


def _import_export(name, csv, created):
    def drive(client, w):
        since = timezone.now()
        page = client.post(
            reverse(f"admin:{name}_import"),
            {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("import.csv", csv().encode())},
        )
        assert page.status_code == 200, f"{name} : HTTP {page.status_code}"
        assert "confirm_form" in page.context, (
            f"{name} : pas de confirmation : {page.content.decode()[-3000:]}"
        )
        assert _nothing_logged(w.operateur, since), f"{name} : journalisé avant la confirmation"
        response = client.post(
            reverse(f"admin:{name}_process_import"), {**page.context["confirm_form"].initial, "resource": "0"}
        )
        assert response.status_code == 302, f"{name} : import refusé"
        return [(JOURNAL, obj) for obj in created()]

    return drive


def _structures_csv():
    return (
        "siret,nom,type,departement,adresse,code_postal,contact_prenom,contact_nom,contact_email,"
        "nombre_conseillers_souhaites\n"
        f"{valid_siret(7301)},Mairie importée,COMMUNE,69,1 rue Haute,69001,Léa,Martin,contact@mairie.fr,1\n"
    )


def _candidats_csv():
    commune("69123")
    return (
        "email,prenom,nom,code_postal,disponible,date_disponibilite,distance_max,situation\n"
        "importee@exemple.fr,Camille,Martin,69001,1,2030-01-01,20,demandeur_emploi\n"
    )


def _formation_import(client, w):
    conseiller = conseiller_eligible(entree=None, convoque=False)
    contenu = (
        "conseiller,parcours,organisme,date_positionnement,date_entree,date_sortie,ccp1,pix\n"
        f"{conseiller.user.email},280,La Fabrik,2021-01-10,2021-02-01,2021-05-01,reussi,echec\n"
    )
    url = reverse("admin:formation_formationinitiale_import")
    since = timezone.now()
    page = client.post(url, {"fichier": SimpleUploadedFile("resultats.csv", contenu.encode())})
    assert page.status_code == 200 and not FormationInitiale.objects.filter(conseiller=conseiller).exists()
    assert _nothing_logged(w.operateur, since)
    response = client.post(url, {"contenu": contenu, "confirmer": "1"})
    assert response.status_code == 200 and not _errors(response)
    return [(HISTORIQUE, FormationInitiale.objects.get(conseiller=conseiller))]


def _cra_import(client, w):
    from cra.models import ImportCra
    from tests.cra.factories import StructureFactory as CraStructureFactory
    from tests.cra.test_import import v1

    CraStructureFactory(legacy_id="5eb")
    upload = SimpleUploadedFile("cras.jsonl", v1("a1").encode(), content_type="application/json")
    assert client.get(reverse("admin:cra_importcra_importer")).status_code == 200
    response = client.post(reverse("admin:cra_importcra_importer"), {"format": "v1", "fichier": upload})
    assert response.status_code == 302
    # The import's own register: who imported which file, when, with the counts (admin page).
    run = ImportCra.objects.get()
    assert run.par == w.operateur and run.importees == 1 and not run.dry_run
    return []


def _password_change(client, w):
    url = reverse("admin:auth_user_password_change", args=[w.membre.pk])
    password = "un-autre-mot-de-passe-solide-2026"
    _confirm_then_post(client, url, {"password1": password, "password2": password}, w.operateur)
    return [(JOURNAL, w.membre)]


VIEWS: dict[str, Callable] = {
    "conventions_convention_rediger": _rediger,
    "conventions_convention_envoyer": _convention_view("envoyer", _convention_redigee),
    "conventions_convention_signer": _convention_view(
        "signer", _convention_envoyee, lambda w: {"date": TODAY().isoformat()}
    ),
    "conventions_convention_avenant": _convention_view(
        "avenant", _convention_a_modifier, lambda w: {"date": TODAY().isoformat()}
    ),
    "conventions_convention_avoir": _convention_view(
        "avoir", _convention_versee, lambda w: {"montant": "100.00", "motif": "Trop perçu"}
    ),
    "conventions_convention_terminer": _convention_view(
        "terminer",
        lambda w: w.convention,
        lambda w: {
            "date": (w.convention.date_fin - timedelta(days=30)).isoformat(),
            "motif": "Fin",
            "anticipee": "on",
        },
    ),
    "structures_structure_import": _import_export(
        "structures_structure", _structures_csv, lambda: [Structure.objects.get(siret=valid_siret(7301))]
    ),
    "conseillers_candidat_import": _import_export(
        "conseillers_candidat",
        _candidats_csv,
        lambda: [apps.get_model("conseillers", "Conseiller").objects.get(user__email="importee@exemple.fr")],
    ),  # fmt: skip
    "formation_formationinitiale_import": _formation_import,
    "cra_importcra_importer": _cra_import,
    "auth_user_password_change": _password_change,
}
# The second step of an import is driven with its first; downloads and exports write nothing.
READ_ONLY = {
    "structures_structure_process_import": "seconde étape de structures_structure_import",
    "conseillers_candidat_process_import": "seconde étape de conseillers_candidat_import",
    "cra_importcra_rapport": "téléchargement du rapport d'import",
    "structures_structure_export": "export",
    "conseillers_candidat_export": "export",
    "conseillers_conseiller_export": "export",
    "conseillers_miseenrelation_export": "export",
    "conseillers_ruptureatraiter_export": "export",
    "conventions_convention_export": "export",
    "conventions_tranche_export": "export",
    "formation_inscription_export": "export",
    "formation_suiviformation_export": "export",
}
# Django's own pages log themselves; django-simple-history's (a past version, restored on POST)
# writes the restored version with its author into the history.
STANDARD = ("changelist", "add", "history", "delete", "change", "simple_history")


def _custom_pages() -> set[str]:
    found = set()
    for model, model_admin in admin.site._registry.items():
        standard = {f"{model._meta.app_label}_{model._meta.model_name}_{page}" for page in STANDARD}
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in standard:
                found.add(pattern.name)
    return found


def test_every_custom_admin_page_is_in_the_inventory():
    found = _custom_pages()
    missing = found - set(VIEWS) - set(READ_ONLY)
    assert not missing, (
        f"Pages d'administration sans test de journalisation (VIEWS/READ_ONLY) : {sorted(missing)}"
    )
    stale = (set(VIEWS) | set(READ_ONLY)) - found
    assert not stale, f"Pages disparues, à retirer de l'inventaire : {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_custom_admin_page_is_logged(world, name):
    client = Client()
    client.force_login(world.operateur)
    since = timezone.now()
    traces = VIEWS[name](client, world)
    for kind, obj in traces:
        assert _traced(kind, world.operateur, obj, since), (
            f"{name} : aucune trace ({kind}) pour {obj!r} attribuée à l'opérateur"
        )
