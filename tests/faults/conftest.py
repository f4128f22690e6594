"""Helpers for the fault tests: a second database connection that holds row locks (to stop a
worker at a known point of its task), and private Redis servers that can be stopped and started.

Most tests here are transactional: each one ends with a flush of every table. A test whose
service is missing is skipped (failed with REQUIRE_SERVICES=1) *before* its fixtures run, so it
flushes nothing; after a module whose tests ran, the reference data (territories, barèmes...) is
loaded back, so that tests running later in the same process find it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.conftest import _data_migrations, service_unavailable

# --- Missing services: skip before any fixture (no flush) -------------------------------------


def _redis_url_unreachable() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "ce test a besoin de Redis (REDIS_URL)"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
        return f"Redis injoignable : {error}"
    return ""


def pytest_runtest_setup(item):
    """Runs before the item's fixtures: ``transactional_db`` (set up first, by pytest-django's
    marker) would otherwise flush the database on its way out of a skipped test. The checks are
    those of tests/conftest.py's ``postgres_only`` and ``redis_url`` and of ``private_redis``:
    marker ``postgres``: PostgreSQL; marker ``redis``: a ``redis-server`` to start for tests
    using ``private_redis``, the REDIS_URL server for the others (``celery_worker`` asks for it
    while the test runs)."""
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        service_unavailable("ce test a besoin de PostgreSQL (DATABASE_URL)")
    fixtures = getattr(item, "fixturenames", ())
    if item.get_closest_marker("redis") and "private_redis" in fixtures:
        if not shutil.which("redis-server"):
            service_unavailable("ce test a besoin de redis-server")
    elif item.get_closest_marker("redis") or "redis_url" in fixtures:
        if reason := _redis_url_unreachable():
            service_unavailable(reason)


# --- Reference data back after the flushes ---------------------------------------------------


def restore_reference_data() -> None:
    """Rows created by the Conum apps' data migrations (all idempotent), if a flush removed them
    (the same as tests/conftest.py's ``reference_data`` fixture)."""
    from django.apps import apps

    from conumapp.models import Region

    if Region.objects.exists():
        return
    schema_editor = SimpleNamespace(connection=connections["default"])
    for _key, code in _data_migrations():
        code(apps, schema_editor)


@pytest.fixture(scope="module", autouse=True)
def _reference_data_after_module(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        restore_reference_data()


@contextmanager
def row_lock(table: str, pk: int):
    """Hold ``SELECT … FOR UPDATE`` on one row from another connection until the block ends."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"], dbname=db["NAME"],
    ) as locker:  # fmt: skip
        locker.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608 - our table
        yield locker
        locker.rollback()


def wait_for_lock_waiter(timeout: float = 60) -> int:
    """PID of a backend of the test database waiting on a row lock (the worker's task)."""
    import psycopg

    db = connection.settings_dict
    deadline = time.monotonic() + timeout
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db["PASSWORD"], dbname=db["NAME"], autocommit=True,
    ) as probe:  # fmt: skip
        while time.monotonic() < deadline:
            row = probe.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                [db["NAME"]],
            ).fetchone()
            if row:
                return row[0]
            time.sleep(0.2)
    pytest.fail("le worker n'a jamais atteint le verrou posé par le test")


def wait_until(predicate, timeout: float = 90, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    pytest.fail(message or "condition jamais remplie")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own on a free loopback port, that a test can stop and restart."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            service_unavailable("ce test a besoin de redis-server")
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        pytest.fail("redis-server privé n'a pas démarré")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()
