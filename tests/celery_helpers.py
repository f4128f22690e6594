"""Start a real Celery worker subprocess for a test, on Redis or on kombu's filesystem transport.

Usage (the fixture is imported by tests/conftest.py)::

    @pytest.mark.django_db(transaction=True)
    def test_something(celery_worker):
        worker = celery_worker(broker="filesystem")          # or broker="redis"
        assert worker.send("conumapp.tasks.ping", "x").get(timeout=60)["value"] == "x"

The worker runs ``celery -A conumapp worker --pool=solo`` with the project's settings, on the
TEST database (PostgreSQL: the test database name; SQLite: the per-session file set up by
``django_db_modify_db_settings`` in tests/conftest.py), on a queue of its own, so that several
engineers' test runs can share one Redis. Rows must be committed to be seen: use
``django_db(transaction=True)``. ``env`` passes extra settings (``EMAIL_URL``,
``OUTBOX_RETRY_BASE_SECONDS``...). ``worker.log()`` returns its output for assertion messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

STOP_TIMEOUT = 20


def filesystem_broker_options(broker_dir: Path) -> dict:
    """The same layout as settings.py builds from CELERY_BROKER_DIR."""
    for sub in ("queue", "processed", "results"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(broker_dir / "queue"),
            "data_folder_out": str(broker_dir / "queue"),
            "processed_folder": str(broker_dir / "processed"),
            "store_processed": False,
        },
        "result_backend": "file://" + str(broker_dir / "results"),
    }


def database_env() -> dict[str, str]:
    """Environment variables pointing the worker's settings at the current TEST database."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        return {"DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}"}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail("La base SQLite de test est en mémoire : un worker Celery ne peut pas la voir.")
        return {"DATABASE_URL": "", "SQLITE_PATH": name}
    pytest.fail(f"Moteur de base non pris en charge par les tests de worker : {db['ENGINE']}")


@dataclass
class Worker:
    client: Celery
    queue: str
    process: subprocess.Popen
    log_path: Path
    redis_url: str = ""
    sent: list = field(default_factory=list)

    def send(self, task_name: str, *args, task_id: str | None = None, **kwargs):
        """Publish a task by name to this worker's queue; returns its AsyncResult."""
        result = self.client.send_task(task_name, args=args, kwargs=kwargs, queue=self.queue, task_id=task_id)
        self.sent.append(result)
        return result

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        if self.redis_url:  # leave the shared Redis as found: bindings and results of this run
            import redis

            server = redis.Redis.from_url(self.redis_url)
            keys = [f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}", self.queue]
            keys += [f"celery-task-meta-{result.id}" for result in self.sent]
            server.delete(*keys)
            server.close()
        self.client.close()


def start_worker(
    *, broker: str, workdir: Path, redis_url: str = "", env: dict | None = None, queue: str = ""
) -> Worker:
    """Start a worker on its own queue, or on ``queue`` (a second worker taking over a killed one's
    unacknowledged tasks)."""
    queue = queue or f"test-{uuid.uuid4().hex[:12]}"
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "conumapp.settings",
        "DJANGO_ENV": "test",
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONUNBUFFERED": "1",
        **database_env(),
    }
    # Not the current app: the project's shared tasks (``task.delay`` in the code under test) must
    # keep resolving to conumapp.celery.app, eager in tests, not to this client's broker.
    client = Celery(f"conum-test-client-{queue}", set_as_current=False)
    client_conf = {
        "task_default_queue": queue,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "broker_connection_retry_on_startup": True,
    }
    if broker == "redis":
        worker_env["REDIS_URL"] = redis_url
        client_conf.update(broker_url=redis_url, result_backend=redis_url)
    elif broker == "filesystem":
        broker_dir = workdir / "broker"
        worker_env["REDIS_URL"] = ""
        worker_env["CELERY_BROKER_DIR"] = str(broker_dir)
        client_conf.update(filesystem_broker_options(broker_dir))
    else:
        raise ValueError(f"broker inconnu : {broker}")
    worker_env.update(env or {})
    client.conf.update(client_conf)

    log_path = workdir / f"worker-{queue}.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "conumapp",
        "worker",
        "--pool=solo",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
            command, cwd=settings.BASE_DIR, env=worker_env, stdout=log, stderr=subprocess.STDOUT
        )
    return Worker(client=client, queue=queue, process=process, log_path=log_path, redis_url=redis_url)


@pytest.fixture
def celery_worker(request, transactional_db, tmp_path):
    """Factory fixture: ``celery_worker(broker="filesystem"|"redis", env={...})`` → running Worker.

    Needs a transactional test (the worker reads committed rows); stopped at teardown, before
    the database is flushed.
    """
    workers: list[Worker] = []

    def start(
        *, broker: str = "filesystem", env: dict | None = None, queue: str = "", redis_url: str = ""
    ) -> Worker:
        if broker == "redis" and not redis_url:
            redis_url = request.getfixturevalue("redis_url")
        workdir = tmp_path / f"celery-{len(workers)}"
        workdir.mkdir()
        worker = start_worker(broker=broker, workdir=workdir, redis_url=redis_url, env=env, queue=queue)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
