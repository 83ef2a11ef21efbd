"""The Redis cache of the deployment (`o2o.cache.RedisCache`, used when REDIS_URL is set; the
suite itself runs on the local-memory cache): on the real Redis, DRF's throttles count on it; on a
Redis that is down or does not answer, it fails open and the API keeps answering."""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.test import override_settings

from o2o.cache import RedisCache
from o2o.choices import Role
from tests.integration.processes import free_port
from tests.services import redis_url

THREADS = 8
INCREMENTS = 250
# the timeouts of the deployment's cache (o2o/settings.py)
TIMEOUTS = {"socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT, "socket_timeout": settings.REDIS_CACHE_TIMEOUT}


@pytest.fixture
def cache() -> Iterator[BaseCache]:
    backend = RedisCache(redis_url(), {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["hits", "name", "gone"])
    backend.close()


@pytest.mark.redis
def test_values_round_trip_and_expire_like_djangos_redis_cache(cache):
    # when values are written, read, added and deleted
    cache.set("name", {"brand": "光明灯饰", "stores": 30}, timeout=60)
    assert cache.add("name", "other") is False
    cache.set("gone", 1, timeout=60)
    cache.delete("gone")
    # then they read back exactly, and a deleted one is gone
    assert cache.get("name") == {"brand": "光明灯饰", "stores": 30}
    assert cache.get_many(["name", "gone"]) == {"name": {"brand": "光明灯饰", "stores": 30}}
    assert cache.get("gone", "missing") == "missing"


@pytest.mark.redis
def test_threads_sharing_one_client_lose_no_update(cache):
    # given one counter and eight threads of a gunicorn worker incrementing it through the cache
    cache.set("hits", 0, timeout=60)
    start = threading.Barrier(THREADS)

    def hit() -> None:
        start.wait()
        for _ in range(INCREMENTS):
            cache.incr("hits")

    threads = [threading.Thread(target=hit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every increment counted, through the one redis-py client the cache built
    assert cache.get("hits") == THREADS * INCREMENTS
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def warning(location: str, error: str) -> str:
    """The one line logged when the cache at `location` fails with `error`."""
    return (
        f"the Redis cache at {location} is unavailable ({error}): cache reads answer a miss and writes are "
        "skipped; 1 operation(s) failed or skipped since the last report, Redis is tried again in 5 s"
    )


def refused(port: int) -> str:
    return f"ConnectionError: Error 111 connecting to 127.0.0.1:{port}. Connection refused."


class BlackHole:
    """A port that accepts connections and never answers (a Redis hung, or behind a dropped route)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:  # closed
                return

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


def test_a_cache_whose_redis_is_down_answers_misses_skips_writes_and_logs_one_warning(caplog):
    # given the cache on a Redis that is down (nothing listens on its port)
    port = free_port()
    cache = RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": TIMEOUTS})
    # when it is read, written and counted on
    with caplog.at_level(logging.INFO, logger="o2o.cache"):
        cache.set("name", "光明灯饰")
        cache.delete_many(["name"])
        cache.clear()
        answers = [
            cache.get("name", "missing"),
            cache.get_many(["name", "gone"]),
            cache.has_key("name"),
            cache.add("name", "光明灯饰"),
            cache.set_many({"name": "光明灯饰", "stores": 30}),
            cache.incr("hits", 3),
            cache.decr("hits"),
            cache.touch("name"),
            cache.delete("name"),
            cache.get_or_set("name", "光明灯饰"),
        ]
    # then reads are misses, writes are skipped, nothing raises, and one warning line says why
    assert answers == ["missing", {}, False, False, ["name", "stores"], 3, -1, False, False, "光明灯饰"]
    assert [(record.levelname, record.getMessage(), record.exc_info) for record in caplog.records] == [
        (
            "WARNING",
            warning(f"redis://127.0.0.1:{port}/0", refused(port)),
            None,
        )
    ]


def test_a_redis_that_does_not_answer_holds_one_call_for_the_socket_timeout_and_is_then_left_alone(caplog):
    # given the cache on a Redis (with a password) that accepts connections and never answers
    hole = BlackHole()
    cache = RedisCache(f"redis://:secret@127.0.0.1:{hole.port}/0", {"OPTIONS": TIMEOUTS})
    try:
        # when a request reads it, then fifty more do
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="o2o.cache"):
            first = cache.get("hits", 0)
            first_took = time.monotonic() - started
            rest = [cache.get("hits", 0) for _ in range(50)]
    finally:
        hole.close()
    # then the first waited for the socket timeout, not longer; the others did not try Redis at all;
    # the warning does not show the password
    assert (first, rest) == (0, [0] * 50)
    assert settings.REDIS_CACHE_TIMEOUT <= first_took < settings.REDIS_CACHE_TIMEOUT + 2
    assert len(hole.accepted) == 1
    assert [record.getMessage() for record in caplog.records] == [
        warning(f"redis://***@127.0.0.1:{hole.port}/0", "TimeoutError: Timeout reading from socket")
    ]


def test_the_throttled_api_answers_with_its_cache_down_and_logs_a_warning(api, tenant, make_user, caplog):
    # given the API's throttles counting in a Redis cache that is down
    user = make_user(tenant, Role.HQ_ADMIN, username="boss")
    port = free_port()
    down = {"BACKEND": "o2o.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0", "OPTIONS": TIMEOUTS}
    # when an admin signs in and asks who they are
    with override_settings(CACHES={"default": down}), caplog.at_level(logging.WARNING, logger="o2o.cache"):
        signed_in = api().post("/api/v1/auth/token/", {"username": "boss", "password": "pw-secret-42"})
        me = api(user, tenant).get("/api/v1/me/")
    # then both are answered as usual, and the outage is logged once
    assert (signed_in.status_code, sorted(signed_in.json())) == (200, ["tenants", "token"])
    assert (me.status_code, me.json()) == (
        200,
        {"id": user.pk, "username": "boss", "name": "Test User", "tenant": "alpha", "roles": [Role.HQ_ADMIN]},
    )
    assert [record.getMessage() for record in caplog.records] == [warning(f"redis://127.0.0.1:{port}/0", refused(port))]
