"""Shared by the admin-log tests (tests/conumapp/test_admin_log*.py): objects in the state each
back-office action or page expects, and the traces an operator's action must leave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from conseillers.enums import MiseEnRelationStatut, MotifRupture
from conseillers.models import MiseEnRelation
from conventions import services as conventions_services
from conventions.models import Tranche
from formation import services as formation_services
from formation.enums import StatutAbsence
from formation.models import Dispense, Inscription, Session
from structures import services as structures_services
from structures.enums import AvisPrefecture, DemandePosteStatut, DemandePosteType, MotifAjout
from structures.models import DemandePoste, LieuActivite
from tests.badinput.conftest import World
from tests.conseillers.factories import ConseillerFactory, en_poste, mise_en_relation, prefecture
from tests.conventions import factories as conventions_factories
from tests.formation.factories import SessionFactory, conseiller_eligible, pdf
from tests.structures.factories import StructureFactory, membre

JOURNAL = "journal"  # django.contrib.admin LogEntry by the operator, naming the action
HISTORIQUE = "historique"  # django-simple-history row by the operator
TODAY = timezone.localdate


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
