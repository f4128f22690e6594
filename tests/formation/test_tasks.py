"""Periodic tasks: each run twice in a row sends nothing new."""

from datetime import date

import pytest

from conumapp.models import OutboxEmail
from formation import services, tasks
from formation.enums import StatutInscription, StatutSession
from formation.models import FormationInitiale, Inscription

from .factories import SessionFactory, StructureFactory, conseiller_eligible, module

pytestmark = pytest.mark.django_db


def test_monthly_module_reminder_from_september_with_copy_to_structure(drain_outbox):
    structure = StructureFactory()
    sans_module = conseiller_eligible(structure)
    avec_module = conseiller_eligible()
    services.inscrire(
        session=SessionFactory(date_debut=date(2026, 12, 1)),
        conseiller=avec_module,
        acteur=avec_module.user,
        today=date(2026, 9, 1),
    )
    drain_outbox()
    assert tasks.rappels_module_annuel(today_iso="2026-08-01") == 0
    assert tasks.rappels_module_annuel(today_iso="2026-09-01") == 1
    assert tasks.rappels_module_annuel(today_iso="2026-09-01") == 0  # idempotent
    sent = drain_outbox()
    assert len(sent) == 1
    assert sent[0].to == sorted([sans_module.user.email, structure.contact_email])
    assert sent[0].subject == "Rappel : module de formation continue à suivre en 2026"
    assert "un module par année civile" in sent[0].body
    assert tasks.rappels_module_annuel(today_iso="2026-10-01") == 1  # monthly


def test_certification_deadline_reminder(settings, drain_outbox):
    settings.CERTIFICATION_DEADLINE_MONTHS = 2
    conseiller = conseiller_eligible(convoque=False)
    convoque = conseiller_eligible()
    FormationInitiale.objects.filter(conseiller__in=[conseiller, convoque]).update(
        date_sortie=date(2026, 9, 10)
    )
    assert tasks.rappels_certification(today_iso="2026-10-20") == 0  # deadline 10/11 still far
    assert tasks.rappels_certification(today_iso="2026-10-28") == 1
    assert tasks.rappels_certification(today_iso="2026-10-29") == 0
    [sent] = drain_outbox()
    assert sent.to[0] == conseiller.user.email or conseiller.user.email in sent.to
    assert "10/11/2026" in sent.subject
    assert "CCP1" in sent.body


def test_sessions_without_enough_registrants_are_cancelled_three_weeks_before(drain_outbox):
    trop_peu = SessionFactory(date_debut=date(2026, 12, 15), minimum_inscrits=2)
    assez = SessionFactory(date_debut=date(2026, 12, 15), minimum_inscrits=1, module=module("B"))
    plus_tard = SessionFactory(date_debut=date(2027, 1, 30), minimum_inscrits=2, module=module("C"))
    conseiller = conseiller_eligible()
    for session in (trop_peu, assez, plus_tard):
        services.inscrire(
            session=session, conseiller=conseiller, acteur=conseiller.user, today=date(2026, 11, 1)
        )
    drain_outbox()
    assert tasks.annuler_sessions_sous_effectif(today_iso="2026-11-23") == 0  # more than 3 weeks before
    assert tasks.annuler_sessions_sous_effectif(today_iso="2026-11-24") == 1
    assert tasks.annuler_sessions_sous_effectif(today_iso="2026-11-24") == 0
    statuts = dict(
        (s.pk, s.statut) for s in type(trop_peu).objects.filter(pk__in=[trop_peu.pk, assez.pk, plus_tard.pk])
    )
    assert statuts == {
        trop_peu.pk: StatutSession.ANNULEE,
        assez.pk: StatutSession.PLANIFIEE,
        plus_tard.pk: StatutSession.PLANIFIEE,
    }
    assert Inscription.objects.get(session=trop_peu).statut == StatutInscription.ANNULEE
    [sent] = drain_outbox()
    assert sent.subject.startswith("Session annulée")
    assert "minimum d'inscrits" in sent.body
    assert OutboxEmail.objects.filter(template="formation/emails/session_annulee").count() == 1
