"""Redis stops while an advisor files a CRA and a structure asks for posts. As in production
(settings.py with REDIS_URL), one Redis holds the Celery broker, the cache and the sessions'
cached copies (``cached_db``): both requests succeed (the data and the outbox rows are committed
together, sessions are read from the database), and the notification leaves once Redis is back,
through the worker's sweep, exactly once.

The cache backend itself (conumapp/cache.py) against a port where nothing listens: an empty
cache, answered in milliseconds, one warning; signed-in pages, logins and the public
candidature form (rate limits in the cache) keep working."""

import logging
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.urls import reverse

from conumapp import cache as resilient
from conumapp.cache import ResilientRedisCache
from conumapp.models import OutboxEmail
from cra.models import Cra
from structures.enums import MotifAjout
from structures.models import DemandePoste
from tests.cra.factories import commune, conseiller_en_poste, form_data
from tests.fake_smtp import FakeSMTPServer
from tests.structures.factories import PASSWORD, StructureFactory, UserFactory, membre, prefecture

from .conftest import PrivateRedis, free_port, wait_until

BACKEND = "conumapp.cache.ResilientRedisCache"  # what settings.py sets when REDIS_URL is set
CACHED_DB = "django.contrib.sessions.backends.cached_db"


@contextmanager
def web_broker(url: str, queue: str):
    """Publish from this process (the web side) to ``url`` instead of running tasks eagerly."""
    from conumapp.celery import app

    keys = ("task_always_eager", "broker_url", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}

    def reset_connections():
        # Drop (without closing: kombu's process-wide registry may share them) this app's pools,
        # so that the next publication connects to the broker now configured.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(task_always_eager=False, broker_url=url, task_default_queue=queue)
    reset_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        reset_connections()


def use_redis(settings, url: str) -> None:
    """Cache and sessions on ``url``, as settings.py configures them from REDIS_URL."""
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": url}}
    settings.SESSION_ENGINE = CACHED_DB


def session_in_redis(url: str, session_key: str) -> bool:
    server = redis.Redis.from_url(url)
    try:
        return bool(server.exists(f":1:{KEY_PREFIX}{session_key}"))
    finally:
        server.close()


def cache_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "conumapp.cache" and r.levelno >= logging.WARNING]


@pytest.mark.django_db(transaction=True)
@pytest.mark.redis
def test_requests_succeed_while_redis_is_down_and_emails_leave_once_it_is_back(
    client, settings, private_redis, celery_worker, caplog
):
    use_redis(settings, private_redis.url)
    commune()
    structure = StructureFactory(validee=True)
    prefecture(structure.departement_id)
    conseiller = conseiller_en_poste(structure)
    queue = f"faults-{uuid.uuid4().hex[:8]}"

    with web_broker(private_redis.url, queue):
        client.force_login(conseiller.user)  # Redis up: the session is in the database and in Redis
        assert session_in_redis(private_redis.url, client.session.session_key)
        private_redis.stop()

        with caplog.at_level(logging.INFO, logger="conumapp.cache"):
            # The advisor's session, read from the database: a page, then the filing form.
            assert client.get(reverse("home")).status_code == 200
            response = client.post(reverse("cra:saisir"), form_data(note="Pendant la panne de Redis"))
            assert response.status_code == 302, response.content.decode()[:500]
            assert Cra.objects.filter(conseiller=conseiller, note="Pendant la panne de Redis").count() == 1

            # A session opened during the outage (written to the database only).
            client.force_login(membre(structure))
            response = client.post(
                reverse("structures:demande_ajout", args=[structure.pk]),
                {"nombre": "1", "motif": MotifAjout.RENFORCER},
            )
            assert response.status_code == 302, response.content.decode()[:500]
            demande = DemandePoste.objects.get(structure=structure)
        assert len(cache_warnings(caplog)) == 1  # one warning for the outage, not one per call

    pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    assert pending.filter(key=f"structure-demande-creee:{demande.pk}").count() == 1
    waiting = pending.count()

    private_redis.start()  # Redis is back, same address
    with FakeSMTPServer() as smtp:
        worker = celery_worker(
            broker="redis", redis_url=private_redis.url, env={"EMAIL_URL": smtp.url}, queue=queue
        )
        assert worker.send("conumapp.tasks.send_pending_outbox").get(timeout=90) == waiting, worker.log()
        wait_until(lambda: len(smtp.messages) == waiting, message=f"courriels non envoyés :\n{worker.log()}")
        wait_until(lambda: not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists())
        # A second sweep finds nothing: each email left exactly once.
        assert worker.send("conumapp.tasks.send_pending_outbox").get(timeout=90) == 0
        assert len(smtp.messages) == waiting
        subjects = [message["Subject"] for message in smtp.messages]
        assert any("poste" in subject.lower() for subject in subjects), subjects

    # The cache is used again: the session opened during the outage is copied back into Redis.
    def session_cached_again():
        assert client.get(reverse("home")).status_code == 200
        return session_in_redis(private_redis.url, client.session.session_key)

    wait_until(session_cached_again, timeout=3 * resilient.RETRY_AFTER_SECONDS)


# --- The cache backend against a Redis that does not answer ----------------------------------


def test_cache_answers_as_an_empty_cache_quickly_while_redis_is_unreachable(caplog):
    cache = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})  # nothing listens there
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="conumapp.cache"):
        assert cache.get("cle") is None
        assert cache.get("cle", "défaut") == "défaut"
        assert cache.add("cle", 1) is True  # as for an absent key (rate limits: not limited)
        assert cache.set("cle", 1) is None
        assert cache.get_or_set("cle", lambda: 42) == 42
        assert cache.has_key("cle") is False and "cle" not in cache
        assert cache.touch("cle") is False
        assert cache.delete("cle") is False
        assert cache.get_many(["cle", "autre"]) == {}
        assert cache.set_many({"cle": 1}) == []
        assert cache.delete_many(["cle"]) is None
        with pytest.raises(ValueError):
            cache.incr("cle")
        with pytest.raises(ValueError):
            cache.decr("cle")
        assert cache.clear() is False
    assert time.monotonic() - started < 1
    (warning,) = cache_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert "cle" not in warning.getMessage()  # keys may hold an IP address: never logged


def test_cache_tries_redis_again_and_comes_back_with_it(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 0.2)
    server = PrivateRedis(tmp_path)  # its port, not started yet
    cache = ResilientRedisCache(server.url, {})
    with caplog.at_level(logging.INFO, logger="conumapp.cache"):
        assert cache.get("cle") is None
        assert not cache.available  # Redis is not called for RETRY_AFTER_SECONDS
        wait_until(lambda: cache.available, timeout=5)
        assert cache.set("cle", "valeur") is None  # tried again, still down: no second warning
        assert not cache.available
        assert len(cache_warnings(caplog)) == 1
        server.start()
        try:
            wait_until(lambda: cache.available, timeout=5)
            cache.set("cle", "valeur")
            assert cache.get("cle") == "valeur"
            assert cache.add("compteur", 0) is True
            assert cache.incr("compteur") == 1 and cache.get("compteur") == 1
        finally:
            server.stop()
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
        "cache: Redis reachable again"
    ]


@pytest.fixture
def dead_redis(settings):
    """Cache and sessions on a Redis address where nothing listens."""
    use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")


@pytest.mark.django_db
def test_signed_in_pages_work_without_redis(client, dead_redis):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"] == user


@pytest.mark.django_db
def test_login_works_without_redis(client, dead_redis):
    """allauth's rate limits lock and count in the cache: while it is down, nothing is limited."""
    user = UserFactory()
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert time.monotonic() - started < 1  # allauth's lock is not waited for


@pytest.mark.django_db
def test_public_candidature_form_works_without_redis(client, dead_redis):
    """Its limit per address counts in the cache: the form answers (with its errors)."""
    response = client.post(reverse("structures:candidature"), {"nom": "Mairie"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.redis
def test_a_session_closed_during_the_outage_stays_closed_when_redis_comes_back_with_its_data(
    client, settings, private_redis, monkeypatch
):
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 0.2)
    use_redis(settings, private_redis.url)
    client.force_login(UserFactory())
    session_key = client.session.session_key
    assert client.get(reverse("home")).context["user"].is_authenticated
    raw_key = f":1:{KEY_PREFIX}{session_key}"
    server = redis.Redis.from_url(private_redis.url)
    stale = server.get(raw_key)
    assert stale  # the session's cached copy
    server.close()

    private_redis.stop()
    assert client.get(reverse("home")).status_code == 200  # the cache notices the outage
    client.post(reverse("account_logout"))  # the session row is deleted; the copy cannot be

    private_redis.start()
    server = redis.Redis.from_url(private_redis.url)
    try:
        server.set(raw_key, stale)  # Redis came back with its data (a network cut, not a restart)
        time.sleep(0.3)  # past RETRY_AFTER_SECONDS: the next call reaches Redis again
        client.cookies["sessionid"] = session_key  # whoever kept the old cookie
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert not response.context["user"].is_authenticated
        assert not server.exists(raw_key)
    finally:
        server.close()
