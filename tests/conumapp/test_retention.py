"""Personal data retention (docs/rgpd.md): candidates never recruited and inactive for 24
months are anonymised (CV file deleted), expired invitations deleted, old outbox emails and
expired sessions purged. A frozen ``now`` is passed explicitly; a second run changes nothing."""

import re
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone

from conseillers import retention
from conseillers import tasks as conseillers_tasks
from conseillers.enums import MiseEnRelationStatut
from conseillers.models import Conseiller, MiseEnRelation
from conumapp import tasks as conumapp_tasks
from conumapp.models import OutboxEmail, User
from conumapp.periodic import declared_tasks
from structures import tasks as structures_tasks
from structures.models import Invitation
from tests.conseillers.factories import (
    ConseillerFactory,
    StructureFactory,
    UserFactory,
    en_poste,
    membre,
    mise_en_relation,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 6, 15, 3, 0))
LONG_AGO = NOW - timedelta(days=2 * 365 + 30)  # a little over 24 months
RECENTLY = NOW - timedelta(days=300)


def age(conseiller, when, last_login=None):
    """Date the profile (created, updated) and the account's last login, bypassing auto_now."""
    Conseiller.objects.filter(pk=conseiller.pk).update(created_at=when, updated_at=when)
    User.objects.filter(pk=conseiller.user_id).update(last_login=last_login, date_joined=when)
    conseiller.refresh_from_db()
    return conseiller


@pytest.fixture
def cv_candidate(settings):
    candidate = ConseillerFactory(prenom="Léonie", nom="Dubreuil", telephone="0612345678")
    candidate.user.email = "leonie.dubreuil@exemple.fr"
    candidate.user.save()
    EmailAddress.objects.create(user=candidate.user, email=candidate.user.email, verified=True, primary=True)
    candidate.cv.save("cv-leonie.pdf", ContentFile(b"%PDF-1.4 cv"), save=False)
    candidate.cv_nom = "CV Léonie Dubreuil.pdf"
    candidate.pix_niveau = 2
    candidate.save()
    return age(candidate, LONG_AGO, last_login=LONG_AGO)


def test_retention_limit_is_24_months():
    assert retention.retention_limit(NOW) == NOW.replace(year=2024)
    leap = timezone.make_aware(datetime(2028, 2, 29, 12, 0))
    assert retention.retention_limit(leap) == leap.replace(year=2026, day=28)


def test_inactive_candidate_is_anonymised_with_cv_file_history_and_emails(cv_candidate):
    structure = StructureFactory()
    mer = mise_en_relation(structure, cv_candidate, MiseEnRelationStatut.NON_INTERESSEE)
    cv_name, storage = cv_candidate.cv.name, cv_candidate.cv.storage
    assert storage.exists(cv_name)
    assert cv_candidate.history.exists()
    content_type = ContentType.objects.get_for_model(Conseiller)
    LogEntry.objects.create(
        user=UserFactory(is_staff=True),
        content_type=content_type,
        object_id=str(cv_candidate.pk),
        object_repr=str(cv_candidate),
        action_flag=CHANGE,
    )
    to_candidate = OutboxEmail.objects.create(
        to=["Leonie.Dubreuil@exemple.fr"], subject="Votre candidature", body="Bonjour Léonie"
    )
    to_someone_else = OutboxEmail.objects.create(to=["autre@exemple.fr"], subject="s", body="b")

    with_commit = conseillers_tasks.anonymiser_candidats_inactifs.delay(NOW.isoformat()).get()
    assert with_commit == 1

    cv_candidate.refresh_from_db()
    assert (cv_candidate.prenom, cv_candidate.nom) == ("", retention.ANONYMISED_NAME)
    assert cv_candidate.telephone == "" and cv_candidate.code_postal == ""
    assert cv_candidate.latitude is None and cv_candidate.commune_id is None
    assert cv_candidate.cv.name == "" and cv_candidate.cv_nom == ""
    assert cv_candidate.pix_niveau is None and not cv_candidate.disponible
    assert cv_candidate.departement_id  # kept for the statistics
    assert not cv_candidate.history.exists()
    assert LogEntry.objects.get().object_repr == f"Candidat anonymisé n° {cv_candidate.pk}"
    assert not OutboxEmail.objects.filter(pk=to_candidate.pk).exists()
    assert OutboxEmail.objects.filter(pk=to_someone_else.pk).exists()
    # The structure keeps its (now anonymous) candidature row.
    assert MiseEnRelation.objects.filter(pk=mer.pk).exists()

    user = User.objects.get(pk=cv_candidate.user_id)
    assert user.email == f"anonyme-{user.pk}@{retention.ANONYMISED_EMAIL_DOMAIN}"
    assert (user.first_name, user.last_name, user.is_active) == ("", "", False)
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()


def test_cv_file_is_deleted_after_commit(cv_candidate, django_capture_on_commit_callbacks):
    cv_name, storage = cv_candidate.cv.name, cv_candidate.cv.storage
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.anonymiser_candidats_inactifs(now=NOW) == 1
    assert not storage.exists(cv_name)


def test_second_run_is_a_no_op(cv_candidate):
    assert retention.anonymiser_candidats_inactifs(now=NOW) == 1
    snapshot = list(Conseiller.objects.values())
    users = list(User.objects.values())
    assert retention.anonymiser_candidats_inactifs(now=NOW) == 0
    assert retention.anonymiser_candidats_inactifs(now=NOW + timedelta(days=400)) == 0
    assert list(Conseiller.objects.values()) == snapshot
    assert list(User.objects.values()) == users


@pytest.mark.parametrize(
    ("created", "last_login", "kept"),
    [
        (LONG_AGO, LONG_AGO, False),
        (LONG_AGO, None, False),  # never logged in
        (LONG_AGO, RECENTLY, True),  # logged in recently
        (RECENTLY, None, True),  # profile recent
    ],
)
def test_activity_keeps_the_profile(created, last_login, kept):
    candidate = age(ConseillerFactory(prenom="Jules"), created, last_login=last_login)
    retention.anonymiser_candidats_inactifs(now=NOW)
    candidate.refresh_from_db()
    assert (candidate.prenom == "Jules") is kept


@pytest.mark.parametrize(
    "statut",
    [MiseEnRelationStatut.RECRUTEE, MiseEnRelationStatut.FINALISEE, MiseEnRelationStatut.TERMINEE],
)
def test_a_recruited_person_is_never_anonymised(statut):
    structure = StructureFactory()
    candidate = ConseillerFactory(prenom="Nadia")
    mise_en_relation(structure, candidate, statut)
    age(candidate, LONG_AGO, last_login=LONG_AGO)
    advisor = en_poste(StructureFactory()).conseiller
    age(advisor, LONG_AGO, last_login=LONG_AGO)

    assert retention.anonymiser_candidats_inactifs(now=NOW) == 0
    candidate.refresh_from_db()
    assert candidate.prenom == "Nadia"


def test_account_with_another_role_is_kept_open(cv_candidate):
    membre(StructureFactory(), user=cv_candidate.user)
    assert retention.anonymiser_candidats_inactifs(now=NOW) == 1
    user = User.objects.get(pk=cv_candidate.user_id)
    assert user.email == "leonie.dubreuil@exemple.fr" and user.is_active
    cv_candidate.refresh_from_db()
    assert cv_candidate.nom == retention.ANONYMISED_NAME


def test_expired_invitations_are_deleted_idempotently():
    structure = StructureFactory()
    expired = Invitation.objects.create(
        structure=structure, email="invitee@exemple.fr", expires_at=NOW - timedelta(days=1)
    )
    accepted_long_ago = Invitation.objects.create(
        structure=structure,
        email="membre@exemple.fr",
        expires_at=NOW - timedelta(days=30),
        accepted_at=NOW - timedelta(days=35),
    )
    valid = Invitation.objects.create(
        structure=structure, email="bientot@exemple.fr", expires_at=NOW + timedelta(days=3)
    )

    assert structures_tasks.supprimer_invitations_expirees.delay(NOW.isoformat()).get() == 2
    assert list(Invitation.objects.values_list("pk", flat=True)) == [valid.pk]
    assert not Invitation.objects.filter(pk__in=[expired.pk, accepted_long_ago.pk]).exists()
    assert structures_tasks.supprimer_invitations_expirees.delay(NOW.isoformat()).get() == 0


def test_old_outbox_emails_and_expired_sessions_are_purged():
    old_sent = OutboxEmail.objects.create(
        to=["a@exemple.fr"],
        subject="s",
        body="b",
        status=OutboxEmail.Status.SENT,
        created_at=NOW - timedelta(days=400),
    )
    old_pending = OutboxEmail.objects.create(
        to=["b@exemple.fr"], subject="s", body="b", created_at=NOW - timedelta(days=400)
    )
    recent_sent = OutboxEmail.objects.create(
        to=["c@exemple.fr"],
        subject="s",
        body="b",
        status=OutboxEmail.Status.SENT,
        created_at=NOW - timedelta(days=10),
    )
    session = SessionStore()
    session["x"] = 1
    session.create()
    Session.objects.filter(pk=session.session_key).update(expire_date=NOW - timedelta(days=1))
    live = SessionStore()
    live.create()
    Session.objects.filter(pk=live.session_key).update(expire_date=NOW + timedelta(days=1))

    old_attempt = AccessAttempt.objects.create(
        ip_address="203.0.113.7",
        username="h:x",
        user_agent="",
        failures_since_start=3,
        get_data="",
        post_data="",
    )
    AccessAttempt.objects.filter(pk=old_attempt.pk).update(attempt_time=NOW - timedelta(minutes=16))
    current = AccessAttempt.objects.create(
        ip_address="203.0.113.8",
        username="h:y",
        user_agent="",
        failures_since_start=3,
        get_data="",
        post_data="",
    )
    AccessAttempt.objects.filter(pk=current.pk).update(attempt_time=NOW - timedelta(minutes=5))

    result = conumapp_tasks.purge_personal_data.delay(NOW.isoformat()).get()
    assert result == {"emails": 1, "sessions": 1, "login_attempts": 1}
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [current.pk]
    assert set(OutboxEmail.objects.values_list("pk", flat=True)) == {old_pending.pk, recent_sent.pk}
    assert not OutboxEmail.objects.filter(pk=old_sent.pk).exists()
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]
    assert conumapp_tasks.purge_personal_data.delay(NOW.isoformat()).get() == {
        "emails": 0,
        "sessions": 0,
        "login_attempts": 0,
    }


def test_retention_tasks_are_scheduled_daily():
    tasks = {spec["task"]: spec["crontab"] for spec in declared_tasks().values()}
    for name in (
        "conseillers.tasks.anonymiser_candidats_inactifs",
        "structures.tasks.supprimer_invitations_expirees",
        "conumapp.tasks.purge_personal_data",
    ):
        assert name in tasks
        assert tasks[name].get("hour") not in (None, "*")  # once a day


def test_rgpd_document_names_real_scheduled_tasks():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "rgpd.md").read_text()
    named = set(re.findall(r"`(\w+\.tasks\.\w+)`", text))
    declared = {spec["task"] for spec in declared_tasks().values()}
    assert {
        "conseillers.tasks.anonymiser_candidats_inactifs",
        "structures.tasks.supprimer_invitations_expirees",
        "conumapp.tasks.purge_personal_data",
    } <= named
    assert named <= declared, sorted(named - declared)
    assert f"{retention.RETENTION_MONTHS} mois" in text
