"""Project-wide fixtures and strict settings for tests."""

import os
import shutil

import pytest
from django.conf import settings

# Variables some third-party templates (django-dsfr, allauth) read without defining them.
# Anything else undefined in a template fails the test.
THIRD_PARTY_OPTIONAL_VARIABLES = {
    "request.csp_nonce",
    "skiplinks",
    "title",
    "SITE_CONFIG",
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


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not shutil.which(path) and not os.path.exists(path):
        service_unavailable("ce test a besoin de Chromium (/usr/bin/chromium)")
    return path
