"""The daily task through a real Celery worker on Redis (subprocess), against the test database."""

import importlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from conumapp.models import OutboxEmail
from conventions import tasks
from conventions.calculs import add_months
from conventions.enums import TrancheStatut

from .factories import StructureFactory, conseiller_recrute, contrat_accepte, convention_signee

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(postgres_only, redis_url):
    from django.apps import apps

    importlib.import_module("conventions.migrations.0002_baremes_par_defaut").forwards(apps, None)
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": "consolemail://",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "conumapp", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stderr.close()


def test_daily_task_runs_in_a_real_worker_and_twice_changes_nothing(worker):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.fail("le courtier Celery devrait être Redis quand REDIS_URL est défini")
    structure = StructureFactory()
    poste = structure.postes.get()
    contrat_accepte(structure, poste)
    conseiller_recrute(structure, poste, debut=timezone.localdate() - timedelta(days=900))
    convention = convention_signee(
        structure, signed_on=add_months(timezone.localdate(), -6) + timedelta(days=2)
    )
    day = convention.tranches.get(numero=2).date_prevue.isoformat()
    first = tasks.tranches_dues_quotidien.apply_async(kwargs={"today": day}).get(timeout=90)
    second = tasks.tranches_dues_quotidien.apply_async(kwargs={"today": day}).get(timeout=90)
    assert (first, second) == (1, 0)
    assert convention.tranches.get(numero=2).statut == TrancheStatut.DUE
    assert OutboxEmail.objects.filter(template="conventions/emails/digest_tranches_dues").count() == 1
