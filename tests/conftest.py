"""Project-wide fixtures and strict settings for tests."""

import os
import shutil
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

# Variables some third-party templates (django-dsfr, allauth) read without defining them.
# Anything else undefined in a template fails the test.
THIRD_PARTY_OPTIONAL_VARIABLES = {
    "request.csp_nonce",
    "skiplinks",
    "title",
    "SITE_CONFIG",
    # allauth's mfa/index.html reads these on a recovery-codes authenticator object that only
    # has them once wrapped (depends on which authenticators exist).
    "authenticators.recovery_codes.generate_codes",
    "authenticators.recovery_codes.get_unused_codes",
}


class InvalidTemplateVariable(str):
    """``string_if_invalid`` that fails the test on an undefined template variable."""

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, variable):
        name = str(variable)
        if name in THIRD_PARTY_OPTIONAL_VARIABLES or name.split(".")[0] in {"SITE_CONFIG"}:
            return ""
        raise AssertionError(f"Variable de gabarit indéfinie : {name!r}")


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    for engine in settings.TEMPLATES:
        engine.setdefault("OPTIONS", {})["string_if_invalid"] = InvalidTemplateVariable("%s")


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _database_sessions(settings):
    """Sessions in the database in every environment, so that the tested query counts do not
    depend on REDIS_URL (production reads them from Redis: ``cached_db``, one query less)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def service_unavailable(reason: str):
    """Skip locally; fail in CI (REQUIRE_SERVICES=1) so a missing service is never silent."""
    if require_services():
        pytest.fail(f"Service requis absent (REQUIRE_SERVICES=1) : {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        service_unavailable("ce test a besoin de PostgreSQL (DATABASE_URL)")


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_unavailable("ce test a besoin de Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError as error:
        service_unavailable(f"Redis injoignable : {error}")
    return url


@pytest.fixture(scope="session", autouse=True)
def _private_cache_per_xdist_worker():
    """Each pytest-xdist worker gets its own Redis database for the Django cache.

    ``cache.clear()`` flushes the whole Redis database: without this, a test in one worker
    would wipe another worker's rate-limit counters mid-test.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = settings.CACHES["default"].get("LOCATION", "")
    if not worker.startswith("gw") or not str(location).startswith("redis"):
        yield
        return
    from urllib.parse import urlsplit, urlunsplit

    from django.test.utils import override_settings

    database = 1 + int(worker[2:]) % 15  # 0 stays the broker's; Redis has 16 databases by default
    parts = urlsplit(location)
    caches = {
        "default": {**settings.CACHES["default"], "LOCATION": urlunsplit(parts._replace(path=f"/{database}"))}
    }
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not shutil.which(path) and not os.path.exists(path):
        service_unavailable("ce test a besoin de Chromium (/usr/bin/chromium)")
    return path


# --- Database: a file, so that a real Celery worker subprocess can share it ------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite test database in a per-session file instead of memory (PostgreSQL: unchanged).

    The real-worker tests (tests/celery_helpers.py) hand this file to the worker process.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


# --- Celery and the email outbox -------------------------------------------------------------


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in the test process (no broker): ``notify`` → commit → email in ``mailoutbox``.

    Tests that need a real worker use the ``celery_worker`` fixture (tests/celery_helpers.py).
    """
    from conumapp.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def drain_outbox(mailoutbox):
    """Send every pending outbox row now, synchronously, into Django's locmem ``mailoutbox``.

    For rows written outside ``django_capture_on_commit_callbacks(execute=True)``. Returns the
    messages sent by this call.
    """
    from conumapp.models import OutboxEmail
    from conumapp.notifications import deliver

    def drain():
        before = len(mailoutbox)
        for email_id in (
            OutboxEmail.objects.pending().order_by("created_at", "pk").values_list("pk", flat=True)
        ):
            deliver(email_id)
        return mailoutbox[before:]

    return drain


from tests.celery_helpers import celery_worker  # noqa: E402, F401 - fixture starting a real worker

# --- Tests that run after the parallel part, in one process ------------------------------------


def pytest_collection_modifyitems(config, items):
    """Real Celery workers, Redis restarts and worker kills (tests/faults, ``celery_worker``)
    share Redis and time-sensitive redeliveries: ``make test`` runs them serially after the
    parallel run (marker ``serial``)."""
    for item in items:
        if "celery_worker" in getattr(item, "fixturenames", ()) or "/tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.serial)

    # The fault tests first, worker kills before anything else has published from this process.
    def order(item):
        path = str(item.fspath)
        return 0 if path.endswith("test_worker_crash.py") else 1 if "/tests/faults/" in path else 2

    items.sort(key=order)


# --- Reference data after a transactional test's flush ---------------------------------------

# Apps whose migrations load reference rows (territories, barèmes, training catalogue...).
DATA_MIGRATION_APPS = ["conumapp", "structures", "conventions", "conseillers", "formation", "cra"]


def _data_migrations():
    """``RunPython`` functions of the Conum apps' migrations, in migration order."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan.extend(key for key in loader.graph.forwards_plan(leaf) if key not in plan)
    for key in plan:
        if key[0] not in DATA_MIGRATION_APPS:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                yield key, operation.code


@pytest.fixture
def reference_data():
    """Rows created by data migrations, back in the database if a transactional test flushed them.

    Runs every ``RunPython`` of the Conum apps' migrations (all idempotent) when the territory
    tables are empty, which only happens after such a flush.
    """
    from conumapp.models import Region

    if Region.objects.exists():
        return
    schema_editor = SimpleNamespace(connection=connections["default"])
    for _key, code in _data_migrations():
        code(apps, schema_editor)
