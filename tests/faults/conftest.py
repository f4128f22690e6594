"""Helpers for the fault tests: a second database connection that holds row locks (to stop a
worker at a known point of its task), and private Redis servers that can be stopped and started."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.conftest import service_unavailable


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
