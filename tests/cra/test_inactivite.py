"""Daily inactivity task: 30 and 45 days, not during leave, once per threshold, emails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conseillers.enums import TypeConge
from conseillers.models import Conge
from conumapp.periodic import declared_tasks
from cra import services
from cra.models import AlerteInactivite
from cra.tasks import detecter_inactivite

from .factories import CraFactory, StructureFactory, conseiller_en_poste, membre

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def structure():
    return StructureFactory(nom="Mairie de Vénissieux")


def test_thresholds_once_each_with_emails_to_advisor_and_structure(structure, drain_outbox):
    member = membre(structure)
    silent = conseiller_en_poste(structure, debut=TODAY - timedelta(days=400))
    CraFactory(conseiller=silent, date=TODAY - timedelta(days=31))
    active = conseiller_en_poste(structure, debut=TODAY - timedelta(days=400))
    CraFactory(conseiller=active, date=TODAY - timedelta(days=3))

    assert detecter_inactivite.delay().get() == 1
    alerte = AlerteInactivite.objects.get()
    assert (alerte.conseiller, alerte.seuil, alerte.depuis) == (silent, 30, TODAY - timedelta(days=31))
    sent = drain_outbox()
    by_to = {tuple(m.to): m for m in sent}
    assert set(by_to) == {(silent.user.email,), (member.email,)}
    assert by_to[(silent.user.email,)].subject == "[Conum] Aucun CRA depuis 30 jours"
    assert f"depuis le {alerte.depuis:%d/%m/%Y}" in by_to[(silent.user.email,)].body
    assert by_to[(member.email,)].subject == f"[Conum] Karim {silent.nom} : aucun CRA depuis 30 jours"
    assert "Mairie de Vénissieux" in by_to[(member.email,)].body

    # Run twice the same day: nothing new.
    assert services.detecter_inactivite(today=TODAY) == []
    assert drain_outbox() == []
    # 15 days later: the 45-day threshold, once.
    created = services.detecter_inactivite(today=TODAY + timedelta(days=14))
    assert [a.seuil for a in created] == [45]
    assert services.detecter_inactivite(today=TODAY + timedelta(days=20)) == []


def test_not_during_declared_leave(structure):
    conseiller = conseiller_en_poste(structure, debut=TODAY - timedelta(days=400))
    Conge.objects.create(conseiller=conseiller, structure=structure, type=TypeConge.MALADIE,
                         date_debut=TODAY - timedelta(days=50), date_fin=TODAY + timedelta(days=10),
                         declare_par=membre(structure))  # fmt: skip
    assert services.detecter_inactivite(today=TODAY) == []
    assert len(services.detecter_inactivite(today=TODAY + timedelta(days=11))) == 2


def test_counts_from_contract_start_for_new_advisors(structure):
    conseiller_en_poste(structure, debut=TODAY - timedelta(days=20))
    assert services.detecter_inactivite(today=TODAY) == []
    assert [a.seuil for a in services.detecter_inactivite(today=TODAY + timedelta(days=10))] == [30]


def test_new_episode_after_a_new_cra(structure):
    conseiller = conseiller_en_poste(structure, debut=TODAY - timedelta(days=400))
    CraFactory(conseiller=conseiller, date=TODAY - timedelta(days=100))
    assert len(services.detecter_inactivite(today=TODAY)) == 2
    CraFactory(conseiller=conseiller, date=TODAY)
    assert services.detecter_inactivite(today=TODAY + timedelta(days=29)) == []
    assert len(services.detecter_inactivite(today=TODAY + timedelta(days=30))) == 1


def test_task_is_scheduled_daily():
    assert (
        declared_tasks()["cra: conseillers sans CRA (30 et 45 jours)"]["task"]
        == "cra.tasks.detecter_inactivite"
    )
