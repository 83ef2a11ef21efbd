"""The Redis cache of the deployment (`o2o.cache.RedisCache`, used when REDIS_URL is set; the
suite itself runs on the local-memory cache), on the real Redis: DRF's throttles count on it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache.backends.base import BaseCache

from o2o.cache import RedisCache
from tests.services import redis_url

pytestmark = pytest.mark.redis

THREADS = 8
INCREMENTS = 250


@pytest.fixture
def cache() -> Iterator[BaseCache]:
    backend = RedisCache(redis_url(), {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["hits", "name", "gone"])
    backend.close()


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
