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

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut, MotifRupture
from conseillers.models import MiseEnRelation, Prolongation
from conventions import services as conventions_services
from conventions.models import Convention, PieceJustificative, Reconventionnement, Tranche
from formation import services as formation_services
from formation.enums import StatutAbsence
from formation.models import Dispense, FormationInitiale, Inscription, Session
from structures import services as structures_services
from structures.enums import AvisPrefecture, DemandePosteStatut, DemandePosteType, MotifAjout
from structures.models import DemandePoste, LieuActivite, Structure
from tests.badinput import conftest as badinput
from tests.badinput.conftest import World
from tests.conseillers.factories import ConseillerFactory, commune, en_poste, mise_en_relation, prefecture
from tests.conventions import factories as conventions_factories
from tests.formation.factories import SessionFactory, conseiller_eligible, pdf
from tests.structures.factories import StructureFactory, membre, valid_siret

pytestmark = pytest.mark.django_db

JOURNAL = "journal"  # django.contrib.admin LogEntry by the operator, naming the action
HISTORIQUE = "historique"  # django-simple-history row by the operator
TODAY = timezone.localdate
world = badinput.world  # the bad-input tests' world: one object waiting for each decision


@dataclass
class Action:
    selected: Callable[[World], list]  # the objects in the right state for the action
    data: Callable[[World], dict] = lambda w: {}  # the confirmation form, valid
    confirmation: bool = True  # a confirmation page comes first
    trace: str = JOURNAL
    model: str = ""  # for the site-wide actions: the model they are tried on
    confirm: dict = field(default_factory=lambda: {"confirm": "1"})


# --- Objects in the state each action expects -------------------------------------------------


def _structure_creee(w):
    return [StructureFactory()]


def _poste(w):
    return [StructureFactory(validee=True).postes.first()]


def _demande(w):
    structure = StructureFactory(validee=True)
    demande = DemandePoste.objects.create(
        structure=structure, type=DemandePosteType.AJOUT, nombre=1, motif=MotifAjout.RENFORCER,
        created_by=membre(structure),
    )  # fmt: skip
    structures_services.demande_avis_prefet(
        demande=demande, by=prefecture("69"), avis=AvisPrefecture.POSITIF, commentaire="Besoin confirmé"
    )
    assert demande.statut == DemandePosteStatut.EN_COURS
    return [demande]


def _recrutement(w):
    return [
        mise_en_relation(StructureFactory(validee=True), ConseillerFactory(), MiseEnRelationStatut.RECRUTEE)
    ]


def _rupture(w):
    mer = en_poste(StructureFactory(validee=True))
    MiseEnRelation.objects.filter(pk=mer.pk).update(
        statut=MiseEnRelationStatut.NOUVELLE_RUPTURE, date_rupture=date(2025, 6, 30),
        motif_rupture=MotifRupture.DEMISSION,
    )  # fmt: skip
    return [mer]


def _convention_due():
    structure = conventions_factories.StructureFactory()
    poste = structure.postes.get()
    conventions_factories.contrat_accepte(structure, poste)
    conventions_factories.conseiller_recrute(structure, poste, debut=TODAY() - timedelta(days=900))
    return conventions_factories.convention_signee(structure, signed_on=TODAY() - timedelta(days=40))


def _tranche_due(w):
    return [Tranche.objects.a_verser().get(convention=_convention_due())]


def _tranche_suspendue(w):
    tranche = _tranche_due(w)[0]
    conventions_services.tranche_suspendre(tranche=tranche, by=w.operateur, motif="Contrat à vérifier")
    return [tranche]


def _inscription(w, *, eligible=False, confirmee=False, passee=False):
    session = SessionFactory(date_debut=TODAY() + timedelta(days=40))
    conseiller = conseiller_eligible()
    inscription = formation_services.inscrire(session=session, conseiller=conseiller, acteur=conseiller.user)
    if eligible:
        formation_services.valider_eligibilite(inscription=inscription, acteur=w.operateur)
    if confirmee:
        formation_services.confirmer_inscription(inscription=inscription, acteur=w.operateur)
    if passee:
        Session.objects.filter(pk=session.pk).update(date_debut=TODAY() - timedelta(days=2))
    return [Inscription.objects.get(pk=inscription.pk)]


def _absence_justifiee(w):
    Inscription.objects.filter(pk=w.inscription.pk).update(absence_statut=StatutAbsence.JUSTIFICATIF_ENVOYE)
    return [w.inscription]


def _dispense_justifiee(w):
    return [
        Dispense.objects.create(conseiller=conseiller_eligible(), motif="titre_catic", justificatif=pdf())
    ]


def _session(w):
    session = SessionFactory(date_debut=TODAY() + timedelta(days=40), minimum_inscrits=0)
    return [session]


def _outbox(w):
    from conumapp.models import OutboxEmail

    return [OutboxEmail.objects.create(to=["x@exemple.fr"], subject="Objet", body="Corps",
                                       status=OutboxEmail.Status.FAILED)]  # fmt: skip


def _email_address(w):
    from allauth.account.models import EmailAddress

    return [EmailAddress.objects.create(user=w.candidat.user, email="autre@exemple.fr", verified=False)]


def _access_attempt(w):
    from axes.models import AccessAttempt

    return [AccessAttempt.objects.create(username="empreinte", ip_address="192.0.2.1", user_agent="test",
                                         http_accept="*/*", path_info="/comptes/connexion/", get_data="",
                                         post_data="", failures_since_start=1)]  # fmt: skip


def _periodic_task(w):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    return [PeriodicTask.objects.create(name="Courriels en attente", task="conumapp.tasks.send_pending_outbox",
                                        interval=every)]  # fmt: skip


def _lieu(w):
    return [LieuActivite.objects.create(structure=w.structure, nom="Médiathèque", adresse="1 rue",
                                        code_postal="69001", commune_id="69123", services=[])]  # fmt: skip


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


# --- The traces ------------------------------------------------------------------------------


def _log_entries(user, obj, since, model=None):
    content_types = {
        ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
        ContentType.objects.get_for_model(obj).pk,
        ContentType.objects.get_for_model(model or obj, for_concrete_model=False).pk,  # a queue (proxy)
    }
    return LogEntry.objects.filter(
        user=user, object_id=str(obj.pk), content_type_id__in=content_types, action_time__gte=since
    )


def _history_rows(user, obj, since):
    model = obj._meta.concrete_model
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager is None:
        return None
    rows = getattr(model, manager).filter(**{model._meta.pk.attname: obj.pk})
    return rows.filter(history_user=user, history_date__gte=since)


def _traced(kind, user, obj, since, *, message=None, model=None) -> bool:
    if kind == JOURNAL:
        entries = _log_entries(user, obj, since, model)
        if message is not None:
            entries = entries.filter(change_message=message)
        return entries.exists()
    if kind == HISTORIQUE:
        rows = _history_rows(user, obj, since)
        assert rows is not None, f"{obj._meta.label} n'a pas d'historique (django-simple-history)"
        return rows.exists()
    raise AssertionError(kind)


def _nothing_logged(user, since) -> bool:
    return not LogEntry.objects.filter(user=user, action_time__gte=since).exists()


def _errors(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level >= messages.WARNING]


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
