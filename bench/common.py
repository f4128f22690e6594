"""Helpers shared by the benchmark scripts: Django set-up, percentiles, memory, machine,
gunicorn on the loopback and ready-made sessions for the bench accounts."""

from __future__ import annotations

import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conumapp.settings")
    import logging

    import django

    django.setup()
    for name in ("httpx", "axes"):  # one line per request / login otherwise
        logging.getLogger(name).setLevel(logging.WARNING)


def percentile(values, p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(func, *, runs: int = 30, warmup: int = 3, budget: float = 20.0, min_runs: int = 5):
    """Run ``func`` ``warmup`` times, then up to ``runs`` times (stopping after ``budget``
    seconds once ``min_runs`` are done). Returns (timings in ms, last result)."""
    result = None
    for _ in range(warmup):
        result = func()
    timings = []
    started = time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func()
        timings.append((time.perf_counter() - t0) * 1000)
        if len(timings) >= min_runs and time.perf_counter() - started > budget:
            break
    return timings, result


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def load_average() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> dict:
    """nproc, RAM, CPU model, PostgreSQL version, Python, load average."""
    from django.db import connection

    info = {"nproc": os.cpu_count(), "python": platform.python_version(), "os": platform.platform(terse=True)}
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["ram_gb"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 / 1024, 1)
    except (OSError, AttributeError):
        info["ram_gb"] = None
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", cpuinfo).group(1).strip()
    except (OSError, AttributeError):
        info["cpu"] = platform.processor()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        info["postgresql"] = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        info["shared_buffers"] = cursor.fetchone()[0]
    info["load"] = load_average()
    return info


def require_postgresql() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit(
            "make bench / make load mesurent PostgreSQL uniquement : définissez DATABASE_URL "
            "(par exemple DATABASE_URL=postgres://conum:conum@127.0.0.1:5432/conum_bench). "
            "SQLite n'est pas mesuré."
        )


# --- sessions and gunicorn ---------------------------------------------------------------------


def session_for(user) -> str:
    """A logged-in session for ``user`` created directly in the session store (no login form:
    the login rate limits would refuse 100 logins a minute from one address). Returns its key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 3, threads: int = 1, port: int | None = None, env: dict | None = None):
    """gunicorn (sync workers) on a free loopback port with the current DATABASE_URL. Yields the
    base URL; stops the server (by its PID) at the end."""
    import httpx

    port = port or free_port()
    environment = {**os.environ, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "conumapp.settings", **(env or {})}
    environment.setdefault("CONN_MAX_AGE", "600")
    args = [
        str(Path(sys.executable).parent / "gunicorn"), "conumapp.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread" if threads > 1 else "sync", "--timeout", "120",
        "--log-level", "warning", "--backlog", "2048",
    ]  # fmt: skip
    log = open(Path(tempfile.gettempdir()) / f"conum-bench-gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (code {process.returncode}) : voir {log.name}")
            try:
                httpx.get(f"{base}/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn ne répond pas après 60 s") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    return match.group(1) if match else ""
