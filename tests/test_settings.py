"""Settings: production deploy checks, documented environment, database choice, REQUIRE_SERVICES.

Most tests start a fresh Python process: settings are read once per process, from the environment.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_CALL = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# Variables a subprocess must not inherit from the developer's or CI's shell.
SETTINGS_VARIABLES = set(ENV_CALL.findall((BASE_DIR / "conumapp" / "settings.py").read_text()))


def _clean_env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests (tests/e2e/conftest.py)
    env.update(extra)
    return env


def _run(args, env, cwd=BASE_DIR):
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )


def _production_env(tmp_path, **extra):
    return _clean_env(
        DJANGO_ENV="production",
        SECRET_KEY="k7#Qz!v2Lr9@pX4&wN8^tB1*eF6$hJ3%mS0(yC5)dG2+uA9-oI7=",
        ALLOWED_HOSTS="conum.anct.gouv.fr",
        # Keep the subprocess from writing into the project's var/ folder.
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_DIR=str(tmp_path / "celery"),
        **extra,
    )


def test_check_deploy_is_clean_with_production_values(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNINGS" not in output


def test_check_deploy_flags_a_development_configuration(tmp_path):
    """The same check does complain without production values: the test above is meaningful."""
    env = _clean_env(
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_DIR=str(tmp_path / "celery"),
    )
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output  # no HSTS
    assert "security.W008" in output  # no HTTPS redirect


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_secrets(tmp_path, missing):
    env = _production_env(tmp_path)
    del env[missing]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def _engine(env):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = _run(["-c", code], {**env, "DJANGO_SETTINGS_MODULE": "conumapp.settings"})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_database_is_sqlite_by_default_and_postgresql_with_database_url(tmp_path):
    base = {
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "CELERY_BROKER_DIR": str(tmp_path / "celery"),
    }
    assert _engine(_clean_env(**base)) == "django.db.backends.sqlite3"
    assert (
        _engine(_clean_env(DATABASE_URL="postgres://conum:conum@127.0.0.1:5432/conum", **base))
        == "django.db.backends.postgresql"
    )


def test_with_redis_url_the_cache_survives_redis_being_down(tmp_path):
    """REDIS_URL puts the cache and the sessions' copies in Redis, through the backend that
    answers as an empty cache when Redis does not (conumapp/cache.py; tests/faults/)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.cache import caches; cache = caches['default']; "
        "print(json.dumps([type(cache).__module__ + '.' + type(cache).__name__, settings.SESSION_ENGINE, "
        "cache.get('cle', 'absente'), cache.add('cle', 1)]))"
    )
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="conumapp.settings",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_DIR=str(tmp_path / "celery"),
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1
    )
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    import json

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "conumapp.cache.ResilientRedisCache",
        "django.contrib.sessions.backends.cached_db",
        "absente",
        True,
    ]
    assert "cache: Redis unreachable (ConnectionError during get)" in result.stderr


# --- Documentation of the environment never drifts --------------------------------------------


def test_settings_variables_are_found():
    # Guard the regex itself: a few variables we know are read, including a multi-line call.
    assert {"DJANGO_ENV", "DATABASE_URL", "REDIS_URL", "PROCONNECT_SERVER_URL"} <= SETTINGS_VARIABLES


def test_every_settings_variable_is_documented():
    documented = set(
        re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", (BASE_DIR / "docs" / "environment.md").read_text(), re.M)
    )
    missing = sorted(SETTINGS_VARIABLES - documented)
    assert not missing, f"Variables lues par conumapp/settings.py absentes de docs/environment.md : {missing}"


def test_env_example_only_names_real_variables():
    example = (BASE_DIR / ".env.example").read_text()
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    known = SETTINGS_VARIABLES | {"CHROMIUM_PATH"}  # read by tests/conftest.py
    assert named, "aucune variable trouvée dans .env.example"
    assert not sorted(named - known), f"Variables inconnues dans .env.example : {sorted(named - known)}"
    assert not sorted(SETTINGS_VARIABLES - named - {"TEMPLATE_STRING_IF_INVALID"}), (
        f"Variables absentes de .env.example : {sorted(SETTINGS_VARIABLES - named)}"
    )


# --- REQUIRE_SERVICES: a missing service fails in CI instead of skipping ----------------------

SERVICE_TESTS = textwrap.dedent(
    """
    from tests.conftest import chromium_path, redis_url, service_unavailable  # noqa: F401


    def test_helper():
        service_unavailable("service de test")


    def test_chromium(chromium_path):
        pass


    def test_redis(redis_url):
        pass
    """
)


def _run_service_tests(tmp_path, require):
    (tmp_path / "test_services.py").write_text(SERVICE_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="conumapp.settings",
        PYTHONPATH=str(BASE_DIR),
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_DIR=str(tmp_path / "celery"),
        CHROMIUM_PATH=str(tmp_path / "pas-de-chromium"),
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1
    )
    if require:
        env["REQUIRE_SERVICES"] = "1"
    return _run(["-m", "pytest", "-q", "-rA", str(tmp_path / "test_services.py")], env, cwd=tmp_path)


def test_missing_services_skip_locally(tmp_path):
    result = _run_service_tests(tmp_path, require=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 skipped" in result.stdout


def test_missing_services_fail_with_require_services(tmp_path):
    result = _run_service_tests(tmp_path, require=True)
    assert result.returncode == 1, result.stdout + result.stderr
    # The helper fails its test; the fixtures fail at set-up (reported as errors).
    # (Warnings, if any, are counted between the two: "1 failed, 2 warnings, 2 errors".)
    assert re.search(r"\b1 failed, (?:\d+ warnings?, )?2 errors\b", result.stdout), result.stdout
    assert "skipped" not in result.stdout
    assert result.stdout.count("Service requis absent (REQUIRE_SERVICES=1)") >= 3


# --- README stays true ------------------------------------------------------------------------


def test_readme_lists_the_demo_accounts_and_password():
    from conumapp.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Comptes de démonstration", 1)[1].split("\n## ", 1)[0]
    assert f"`{DEMO_PASSWORD}`" in section
    for email, (_first, _last, role, _scope) in DEMO_ACCOUNTS.items():
        assert f"| {role.label} | `{email}` |" in section


def test_readme_make_targets_exist():
    readme = (BASE_DIR / "README.md").read_text()
    makefile = (BASE_DIR / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z]+):", makefile, re.M))
    used = set(re.findall(r"\bmake ([a-z]+)\b", readme))
    assert {"run", "test", "quality"} <= used
    assert not sorted(used - targets), f"cibles absentes du Makefile : {sorted(used - targets)}"


# --- Production hardening values -------------------------------------------------------------

PRODUCTION_SETTINGS_CODE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hsts": [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD],
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "proxy_header": list(s.SECURE_PROXY_SSL_HEADER or []),
    "session": [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE],
    "csrf": [s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE],
    "frame": s.X_FRAME_OPTIONS,
    "referrer": s.SECURE_REFERRER_POLICY,
    "nosniff": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "mfa": s.OPERATOR_MFA_REQUIRED,
    "axes_first": s.AUTHENTICATION_BACKENDS[0],
    "csp_script": [str(v) for v in s.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]],
    "csp_middleware": "csp.middleware.CSPMiddleware" in s.MIDDLEWARE,
    "trusted_proxies": s.TRUSTED_PROXY_COUNT,
}))
"""


def _production_values(tmp_path, **extra):
    env = {**_production_env(tmp_path, **extra), "DJANGO_SETTINGS_MODULE": "conumapp.settings"}
    result = _run(["-c", PRODUCTION_SETTINGS_CODE], env)
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_hardening_values(tmp_path):
    values = _production_values(tmp_path)
    assert values["hsts"] == [31536000, True, True]
    assert values["ssl_redirect"] is True
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["session"] == [True, True, "Lax"]
    assert values["csrf"] == [True, "Lax"]
    assert values["frame"] == "DENY"
    assert values["referrer"] == "same-origin"
    assert values["nosniff"] is True
    assert values["mfa"] is True  # two-factor authentication required for operators
    assert values["axes_first"] == "axes.backends.AxesStandaloneBackend"
    assert values["csp_middleware"] is True
    assert "'unsafe-inline'" not in values["csp_script"] and "csp.constants.NONCE" in values["csp_script"]
    assert values["trusted_proxies"] == 1


def test_operator_mfa_can_be_switched_off_explicitly(tmp_path):
    assert _production_values(tmp_path, OPERATOR_MFA_REQUIRED="false")["mfa"] is False


def test_development_does_not_require_mfa(tmp_path):
    env = _clean_env(
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        CELERY_BROKER_DIR=str(tmp_path / "celery"),
        DJANGO_SETTINGS_MODULE="conumapp.settings",
    )
    result = _run(["-c", PRODUCTION_SETTINGS_CODE.replace("s.SECURE_PROXY_SSL_HEADER", "None")], env)
    assert result.returncode == 0, result.stderr
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["mfa"] is False
