"""docker-compose.yml, Dockerfile and docker/: checked without Docker (not on these machines).

`docker compose config` runs too where the Compose plugin exists.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("web", "worker", "beat")
SETTINGS_VARIABLES = set(
    re.findall(
        r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""",
        (BASE_DIR / "conumapp" / "settings.py").read_text(),
    )
)


def _command(service):
    command = SERVICES[service]["command"]
    return command if isinstance(command, list) else command.split()


def test_five_services_with_their_images():
    assert set(SERVICES) == {"web", "worker", "beat", "postgres", "redis"}
    assert SERVICES["postgres"]["image"] == "postgres:15"
    assert SERVICES["redis"]["image"] == "redis:7"
    for name in APP_SERVICES:
        assert SERVICES[name]["image"] == "conum:latest"
        assert SERVICES[name]["build"] == "."


def test_commands():
    assert _command("web")[:2] == ["gunicorn", "conumapp.wsgi:application"]
    assert "0.0.0.0:8000" in _command("web")
    assert _command("worker")[:4] == ["celery", "-A", "conumapp", "worker"]
    assert _command("beat")[:4] == ["celery", "-A", "conumapp", "beat"]


def test_every_service_has_a_health_check():
    for name, service in SERVICES.items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{name} n'a pas de contrôle de santé"
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    assert "ping" in SERVICES["redis"]["healthcheck"]["test"]
    assert SERVICES["web"]["healthcheck"]["test"] == ["CMD", "python", "docker/healthcheck.py"]
    assert "inspect ping" in SERVICES["worker"]["healthcheck"]["test"][1]
    assert "/tmp/celerybeat.pid" in SERVICES["beat"]["healthcheck"]["test"][1]
    assert "--pidfile=/tmp/celerybeat.pid" in _command("beat")


def test_start_order_waits_for_healthy_dependencies():
    assert SERVICES["web"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    # worker and beat start once web has migrated the database (docker/entrypoint.sh).
    for name in ("worker", "beat"):
        assert SERVICES[name]["depends_on"] == {"web": {"condition": "service_healthy"}}


def test_database_has_a_volume():
    assert "postgres_data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "postgres_data" in COMPOSE["volumes"]
    for name in APP_SERVICES:
        assert "private_media:/app/var/private" in SERVICES[name]["volumes"]


def test_environment_is_production_on_postgresql_and_redis():
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["DJANGO_ENV"] == "production"
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")  # required, no default
        assert environment["DATABASE_URL"].startswith("postgres://conum:")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/conum")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["PRIVATE_MEDIA_ROOT"] == "/app/var/private"
        unknown = set(environment) - SETTINGS_VARIABLES
        assert not unknown, f"variables inconnues de conumapp/settings.py : {sorted(unknown)}"
    postgres = SERVICES["postgres"]["environment"]
    assert (postgres["POSTGRES_DB"], postgres["POSTGRES_USER"]) == ("conum", "conum")


def test_dockerfile():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "\nFROM python:3.11-slim\n" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile
    assert "RUN pip install .\n" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    assert 'ENTRYPOINT ["docker/entrypoint.sh"]' in dockerfile
    assert 'CMD ["gunicorn", "conumapp.wsgi:application"' in dockerfile
    assert "\nUSER conum\n" in dockerfile
    # Everything the image copies before `pip install .` exists.
    assert (BASE_DIR / "README.md").exists()


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    for entry in (".git", ".venv", ".env", "var"):
        assert entry in ignored


def test_entrypoint_migrates_for_the_web_server_only(tmp_path):
    """Run the real script with a fake `python` that records what it was asked to do."""
    entrypoint = BASE_DIR / "docker" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    journal = tmp_path / "journal"
    for tool in ("python", "gunicorn", "celery"):
        fake = bin_dir / tool
        fake.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{journal}"\n')
        fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}

    subprocess.run([str(entrypoint), "gunicorn", "conumapp.wsgi:application"], env=env, check=True)
    assert journal.read_text().splitlines() == [
        "python manage.py migrate --noinput",
        "python manage.py setup_periodic_tasks",
        "gunicorn conumapp.wsgi:application",
    ]

    journal.unlink()
    subprocess.run([str(entrypoint), "celery", "-A", "conumapp", "beat"], env=env, check=True)
    assert journal.read_text().splitlines() == ["celery -A conumapp beat"]


def test_entrypoint_stops_when_migrations_fail(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").write_text("#!/bin/sh\nexit 3\n")
    (bin_dir / "python").chmod(0o755)
    (bin_dir / "gunicorn").write_text(f"#!/bin/sh\ntouch {tmp_path}/started\n")
    (bin_dir / "gunicorn").chmod(0o755)
    result = subprocess.run(
        [str(BASE_DIR / "docker" / "entrypoint.sh"), "gunicorn"], env={"PATH": f"{bin_dir}:/usr/bin:/bin"}
    )
    assert result.returncode == 3
    assert not (tmp_path / "started").exists()


@pytest.mark.django_db
def test_web_health_check_script(live_server):
    script = str(BASE_DIR / "docker" / "healthcheck.py")
    env = {**os.environ, "HEALTHCHECK_URL": live_server.url + "/", "ALLOWED_HOSTS": "localhost,127.0.0.1"}
    healthy = subprocess.run([sys.executable, script], env=env, capture_output=True, text=True, timeout=30)
    assert healthy.returncode == 0, healthy.stdout
    assert healthy.stdout.strip() == "HTTP 200"

    env["HEALTHCHECK_URL"] = "http://127.0.0.1:1/"  # nothing listens there
    down = subprocess.run([sys.executable, script], env=env, capture_output=True, text=True, timeout=30)
    assert down.returncode == 1
    assert down.stdout.startswith("injoignable")


def test_docker_compose_config(tmp_path):
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("Docker Compose absent : le fichier est vérifié par les tests ci-dessus")
    env = {**os.environ, "SECRET_KEY": "x" * 60}
    result = subprocess.run(
        [docker, "compose", "-f", str(BASE_DIR / "docker-compose.yml"), "config", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
