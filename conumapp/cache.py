"""Django's Redis cache, degraded to "no cache" while Redis is unreachable.

One Redis holds the cache, the sessions' cached copies (``cached_db``) and the Celery broker
(settings.py). With Django's ``RedisCache`` a Redis outage raised from every cache call, so
every signed-in request failed: ``cached_db`` writes the session back to the cache, allauth's
rate limits and the structures' sign-up limit count in it. :class:`ResilientRedisCache`
catches the connection errors and answers as Django's ``DummyCache`` would (a cache that
keeps nothing) until Redis answers again:

* ``get`` returns the default, ``get_many`` ``{}``, ``has_key`` / ``in`` ``False``: a miss;
  ``cached_db`` sessions are then read from and written to the database only;
* ``add`` returns ``True`` (the key was absent), ``set``, ``delete``, ``touch``,
  ``set_many``, ``delete_many``, ``clear`` do nothing; ``incr`` / ``decr`` raise
  ``ValueError`` (key not found), as for a missing key;
* rate limits counted in the cache (allauth, structures' candidature) therefore do not limit,
  and allauth's "TOTP code already used" guard forgets codes, until Redis is back.

After a failure the cache stops calling Redis for ``RETRY_AFTER_SECONDS`` (then tries again),
and the connection and read timeouts are short (``DEFAULT_OPTIONS``): an unreachable Redis
costs milliseconds per request, not seconds. One WARNING is logged per outage and process
(the error's class and the operation, never a key: keys may hold an IP address), one INFO
when Redis answers again. On that first answer the sessions' cached copies are deleted before
anything is read (``_forget_sessions``), so that a Redis that comes back with its data does not
revive a session closed (or undo a session edited) during the outage. The outage is known per
process: a process that made no cache call during it does not flush (docs/environment.md says
to flush by hand after an outage).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5.0
# redis-py's connection pool options (CACHES["default"]["OPTIONS"] may override them).
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

_MISSING = object()


@dataclass
class _Health:
    down: bool = False
    retry_at: float = 0.0


# Shared by the threads of a process (Django keeps one cache object per thread), per location.
_HEALTH: dict[tuple[str, ...], _Health] = {}
_HEALTH_LOCK = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        with _HEALTH_LOCK:
            self._health = _HEALTH.setdefault(tuple(self._servers), _Health())

    @property
    def available(self) -> bool:
        """False while the cache answers without calling Redis (after a failure)."""
        return not (self._health.down and time.monotonic() < self._health.retry_at)

    def _call(self, operation: str, fallback, method, *args):
        health = self._health
        if not self.available:
            return fallback
        try:
            if health.down:
                self._forget_sessions()  # first call since the outage (and a connectivity test)
            result = method(*args)
        except UNREACHABLE as error:
            health.retry_at = time.monotonic() + RETRY_AFTER_SECONDS
            if not health.down:
                health.down = True
                logger.warning(
                    "cache: Redis unreachable (%s during %s); running without cache (sessions from "
                    "the database, rate limits not applied), next try in %ss",
                    type(error).__name__,
                    operation,
                    RETRY_AFTER_SECONDS,
                )
            return fallback
        if health.down:
            health.down = False
            logger.info("cache: Redis reachable again")
        return result

    def _forget_sessions(self) -> None:
        """Delete the sessions' cached copies: during the outage sessions changed in the database
        only (a logout deleted its row, a login rotated its key), and a Redis that comes back
        with its data would otherwise serve the old copies (a logged-out session valid again)."""
        from django.contrib.sessions.backends.cached_db import KEY_PREFIX

        client = self._cache.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=f"*{KEY_PREFIX}*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", _MISSING, super().incr, key, delta, version)
        if result is _MISSING:
            raise ValueError("Key not found (cache unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._call("clear", False, super().clear)
