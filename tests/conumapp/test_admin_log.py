"""Every back-office action is logged (issue #9, item 2): an inventory of the admin's actions and
workflow views, each driven with valid data through its confirmation page, leaves a trace
attributed to the operator.

* ``ACTIONS``: every ``ModelAdmin.actions`` entry of every registered admin (the project's, and
  allauth's, axes' and django-celery-beat's), and the site-wide ``delete_selected``. Each is
  posted once without ``confirm`` (the confirmation page, nothing logged yet), then confirmed;
  each selected object then has a trace written by the operator during the action:
  ``JOURNAL``, Django's admin log (LogEntry) naming the action ("Action : <description>"),
  or ``HISTORIQUE``, a django-simple-history row of the object with the operator as author.
* ``VIEWS``: every custom admin page (``get_urls``) that writes, driven the same way;
  ``READ_ONLY`` lists the pages that write nothing (exports, downloads).

A new action or page without an entry here fails ``test_every_admin_action_is_in_the_inventory``
or ``test_every_custom_admin_page_is_in_the_inventory``.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conseillers.models import Prolongation
from conventions.models import PieceJustificative, Reconventionnement
from formation.models import Dispense
from tests.badinput import conftest as badinput
from tests.structures.factories import StructureFactory

from .admin_log_helpers import (
    HISTORIQUE,
    JOURNAL,
    TODAY,
    Action,
    _absence_justifiee,
    _access_attempt,
    _demande,
    _dispense_justifiee,
    _email_address,
    _errors,
    _history_rows,
    _inscription,
    _lieu,
    _log_entries,
    _nothing_logged,
    _outbox,
    _periodic_task,
    _poste,
    _recrutement,
    _rupture,
    _session,
    _structure_creee,
    _traced,
    _tranche_due,
    _tranche_suspendue,
)

pytestmark = pytest.mark.django_db
world = badinput.world  # the bad-input tests' world: one object waiting for each decision


DECISION = {"numero": "42", "type": "VALIDATION_COSELEC", "nombre_postes": "2", "statut_si_zero": "ABANDON",
            "avis": "Favorable"}  # fmt: skip
ACTIONS: dict[tuple[str, str], Action] = {
    ("conumapp.outboxemail", "resend"): Action(_outbox, confirmation=False),
    ("structures.structure", "decider"): Action(_structure_creee, lambda w: DECISION),
    ("structures.structure", "marquer_doublon"): Action(_structure_creee),
    ("structures.poste", "transferer"): Action(
        _poste, lambda w: {"vers": StructureFactory(validee=True).pk, "motif": ""}
    ),
    # DemandePosteAdmin calls its service without run_service: the object's history holds the trace.
    ("structures.demandeposte", "accepter"): Action(
        _demande, lambda w: {"numero": "12", "commentaire": "Accordé"}, trace=HISTORIQUE
    ),
    ("structures.demandeposte", "refuser"): Action(
        _demande, lambda w: {"numero": "12", "commentaire": "Besoin non justifié"}, trace=HISTORIQUE
    ),
    ("conseillers.recrutementavalider", "valider"): Action(_recrutement),
    ("conseillers.recrutementavalider", "annuler"): Action(_recrutement),
    ("conseillers.ruptureatraiter", "valider"): Action(_rupture),
    ("conseillers.ruptureatraiter", "pieces_manquantes"): Action(
        _rupture, lambda w: {"pieces_manquantes": "Courrier de démission"}
    ),
    ("conseillers.prolongationavalider", "valider"): Action(
        lambda w: list(Prolongation.objects.filter(statut="initiee"))
    ),
    ("conventions.piecejustificative", "accepter"): Action(
        lambda w: list(PieceJustificative.objects.filter(convention=w.convention)), confirmation=False
    ),
    ("conventions.piecejustificative", "refuser"): Action(
        lambda w: list(PieceJustificative.objects.filter(convention=w.convention)),
        lambda w: {"motif": "Illisible"},
    ),
    ("conventions.reconventionnement", "valider"): Action(
        lambda w: list(Reconventionnement.objects.filter(statut="initie"))
    ),
    ("conventions.tranche", "enregistrer_versement"): Action(
        _tranche_due, lambda w: {"date": TODAY().isoformat()}
    ),
    ("conventions.tranche", "suspendre"): Action(_tranche_due, lambda w: {"motif": "Contrat à vérifier"}),
    ("conventions.tranche", "reprendre"): Action(_tranche_suspendue, confirmation=False),
    ("formation.dispense", "valider"): Action(_dispense_justifiee),
    ("formation.dispense", "refuser"): Action(
        lambda w: list(Dispense.objects.all()), lambda w: {"motif": "Titre"}
    ),
    ("formation.inscription", "valider_eligibilite"): Action(_inscription),
    ("formation.inscription", "refuser_eligibilite"): Action(_inscription, lambda w: {"motif": "Hors délai"}),
    ("formation.inscription", "confirmer"): Action(lambda w: _inscription(w, eligible=True)),
    ("formation.inscription", "noter_presents"): Action(
        lambda w: _inscription(w, eligible=True, confirmee=True, passee=True)
    ),
    ("formation.inscription", "noter_absents"): Action(
        lambda w: _inscription(w, eligible=True, confirmee=True, passee=True)
    ),
    ("formation.inscription", "absence_justifiee"): Action(_absence_justifiee),
    ("formation.inscription", "absence_manquement"): Action(lambda w: [w.inscription]),
    ("formation.session", "confirmer_sessions"): Action(_session),
    ("formation.session", "annuler_sessions"): Action(_session, lambda w: {"motif": "Formateur absent"}),
    # Other apps' admins: logged by conumapp.admin_base.ActionLogMixin.
    ("account.emailaddress", "make_verified"): Action(_email_address, confirmation=False),
    ("axes.accessattempt", "cleanup_expired_attempts"): Action(_access_attempt, confirmation=False),
    ("django_celery_beat.periodictask", "enable_tasks"): Action(_periodic_task, confirmation=False),
    ("django_celery_beat.periodictask", "disable_tasks"): Action(_periodic_task, confirmation=False),
    ("django_celery_beat.periodictask", "toggle_tasks"): Action(_periodic_task, confirmation=False),
    ("django_celery_beat.periodictask", "run_tasks"): Action(_periodic_task, confirmation=False),
    # Django's own, on every admin allowed to delete: it logs each deletion (LogEntry DELETION).
    ("*", "delete_selected"): Action(_lieu, model="structures.lieuactivite", confirm={"post": "yes"}),
}


def _found_actions() -> set[tuple[str, str]]:
    found = {("*", name) for name, _func in admin.site.actions}
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            found.add((model._meta.label_lower, name))
    return found


def test_every_admin_action_is_in_the_inventory():
    found = _found_actions()
    missing = found - set(ACTIONS)
    assert not missing, f"Actions d'administration sans test de journalisation (ACTIONS) : {sorted(missing)}"
    stale = set(ACTIONS) - found
    assert not stale, f"Actions disparues, à retirer de l'inventaire : {sorted(stale)}"


@pytest.mark.parametrize("key", sorted(ACTIONS), ids=[f"{label}:{name}" for label, name in sorted(ACTIONS)])
def test_every_admin_action_is_logged(world, key):
    label, name = key
    case = ACTIONS[key]
    model = apps.get_model(case.model or label)
    selected = case.selected(world)
    assert selected, f"{label} {name} : aucun objet à traiter"
    description = str(admin.site._registry[model].get_action(name)[2])
    client = Client()
    client.force_login(world.operateur)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    post = {"action": name, "_selected_action": [str(obj.pk) for obj in selected]}
    since = timezone.now()

    if case.confirmation:
        page = client.post(url, post)
        assert page.status_code == 200, f"{name} : pas de page de confirmation ({page.status_code})"
        assert _nothing_logged(world.operateur, since), f"{name} : journalisé avant la confirmation"
        assert not any(_traced(HISTORIQUE, world.operateur, obj, since) for obj in selected
                       if _history_rows(world.operateur, obj, since) is not None)  # fmt: skip
        post.update(case.confirm)
    response = client.post(url, {**post, **case.data(world)}, follow=True)

    assert response.status_code == 200 and response.redirect_chain, (
        f"{name} : pas de redirection après l'action"
    )
    assert not _errors(response), f"{name} : refusée avec des données valides : {_errors(response)}"
    for obj in selected:
        if name == "delete_selected":
            assert not model._default_manager.filter(pk=obj.pk).exists()
            entry = LogEntry.objects.filter(
                user=world.operateur, object_id=str(obj.pk), action_time__gte=since
            )
            assert entry.filter(action_flag=3).exists(), f"suppression de {obj} non journalisée"
            continue
        message = f"Action : {description}" if case.trace == JOURNAL else None
        assert _traced(case.trace, world.operateur, obj, since, message=message, model=model), (
            f"{label} {name} : aucune trace ({case.trace}) pour {obj!r} attribuée à l'opérateur"
        )


# --- The fix for the other apps' actions -----------------------------------------------------


def test_other_apps_admins_get_the_action_log_and_deletions_are_logged_once(world):
    """allauth's, axes' and django-celery-beat's admins write no log of their own actions:
    conumapp.admin_base gives them ActionLogMixin. Django's delete_selected, which logs each
    deletion itself, is left alone (one DELETION line, no "Action" line)."""
    from axes.models import AccessAttempt

    from conumapp.admin_base import ActionLogMixin, ConumModelAdmin

    reverse("admin:index")  # the site's URLs are built: the mixin is in place
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ConumModelAdmin | ActionLogMixin), model._meta.label
    attempt = _access_attempt(world)[0]
    client = Client()
    client.force_login(world.operateur)
    since = timezone.now()
    url = reverse("admin:axes_accessattempt_changelist")
    data = {"action": "delete_selected", "_selected_action": [attempt.pk]}
    assert client.post(url, data).status_code == 200  # Django's confirmation page
    assert _nothing_logged(world.operateur, since)
    assert client.post(url, {**data, "post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert list(_log_entries(world.operateur, attempt, since).values_list("action_flag", flat=True)) == [3]
