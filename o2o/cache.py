"""Django's Redis cache, failing open when Redis is down, with one redis-py client per connection pool.

The cache only ever holds what can be lost (DRF's throttle counts): when Redis does not answer,
a read answers a miss (the default), a write or an increment is skipped, and the request goes on
being served from PostgreSQL. The failure is logged as one WARNING line at most once a minute
per process (`Outage`), and Redis is left alone for a few seconds after a failure, so a dead or
black-holed Redis costs a request at most one short socket timeout (`socket_connect_timeout`,
`socket_timeout` in the cache's OPTIONS) in each of those windows, not one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for
every cache operation, and redis-py builds its table of ~165 response callbacks in every
`Redis.__init__` (redis/redis-py#3624). DRF's throttle reads and writes the cache on every API
request, so that was two clients built per request, about a tenth of the CPU of the cheapest
authenticated request (`bench/place_orders.py` measures that floor). A `redis.Redis` is safe to
share between threads: it takes a connection from its pool for each command.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

T = TypeVar("T")

FAILING_OPEN = "cache reads answer a miss and writes are skipped"

# What "Redis is unavailable" looks like to redis-py: refused, reset or timed-out connections
# (AuthenticationError and BusyLoadingError are ConnectionErrors), a replica that became
# read-only in a failover, a server out of memory. Anything else (a wrong type) is a bug: it raises.
UNAVAILABLE: tuple[type[Exception], ...] = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.OutOfMemoryError,
)


def redacted(url: str) -> str:
    """`url` without its credentials, for the log."""
    parts = urlsplit(url)
    if parts.hostname is None or "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


class Outage:
    """What this process knows of one Redis (as cache or broker): a circuit breaker and its log.

    After a failure, `is_down()` says so for `skip_seconds`, in which callers skip Redis instead
    of paying a timeout each. The first failure is logged as a WARNING (one line, no traceback),
    then at most once every `log_every_seconds` with how many operations failed or were skipped
    meanwhile; the first success after that is logged as back. Shared by the threads of the
    process: a lost update to a counter or a time only changes what the log says.
    """

    def __init__(
        self, what: str, *, log: logging.Logger = logger, skip_seconds: float = 5.0, log_every_seconds: float = 60.0
    ) -> None:
        self.what = what
        self.log = log
        self.skip_seconds = skip_seconds
        self.log_every_seconds = log_every_seconds
        self._down_until = 0.0
        self._logged_at: float | None = None
        self._missed = 0

    def is_down(self) -> bool:
        if time.monotonic() < self._down_until:
            self._missed += 1
            return True
        return False

    def failed(self, error: BaseException, consequence: str) -> None:
        """Record a failure (`consequence`: what the caller does instead, for the log)."""
        now = time.monotonic()
        self._down_until = now + self.skip_seconds
        self._missed += 1
        if self._logged_at is None or now - self._logged_at >= self.log_every_seconds:
            self.log.warning(
                "%s is unavailable (%s: %s): %s; %d operation(s) failed or skipped since the last report, "
                "Redis is tried again in %.0f s",
                self.what,
                type(error).__name__,
                error,
                consequence,
                self._missed,
                self.skip_seconds,
            )
            self._logged_at = now
            self._missed = 0

    def succeeded(self) -> None:
        if self._logged_at is not None:
            self._logged_at = None
            self._missed = 0
            self.log.info("%s answers again", self.what)


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_of(what: str, log: logging.Logger = logger) -> Outage:
    """The one `Outage` of the process for `what` (a cache's or a broker's redacted location)."""
    outage = _outages.get(what)
    if outage is None:
        with _outages_lock:
            outage = _outages.setdefault(what, Outage(what, log=log))
    return outage


class SharedClientRedisCacheClient(RedisCacheClient):
    # what this relies on of Django's RedisCacheClient (private, so not in its type stubs)
    _client: Callable[..., Any]
    _get_connection_pool_index: Callable[[bool], int]
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:  # two threads may both build one: either will do
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    """`CACHES` backend `o2o.cache.RedisCache`: Django's, sharing its redis-py clients, failing open.

    While Redis is unavailable: `get` answers the default, `get_many` nothing, `has_key`, `add`,
    `touch` and `delete` False, `set`/`set_many`/`delete_many`/`clear` do nothing (`set_many`
    answers every key as not set), and `incr`/`decr` answer `delta` as if the count started at
    zero. Nothing of it raises.
    """

    _servers: list[str]  # Django's, private

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._outage = outage_of(f"the Redis cache at {', '.join(redacted(url) for url in self._servers)}")

    def _guarded(self, call: Callable[[], T], fallback: T) -> T:
        if self._outage.is_down():
            return fallback
        try:
            value = call()
        except UNAVAILABLE as error:
            self._outage.failed(error, FAILING_OPEN)
            return fallback
        self._outage.succeeded()
        return value

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(lambda: DjangoRedisCache.get(self, key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._guarded(lambda: DjangoRedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(lambda: DjangoRedisCache.has_key(self, key, version), False)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: DjangoRedisCache.add(self, key, value, timeout, version), False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded(lambda: DjangoRedisCache.set(self, key, value, timeout, version), None)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._guarded(lambda: DjangoRedisCache.set_many(self, data, timeout, version), list(data))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(lambda: DjangoRedisCache.touch(self, key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(lambda: DjangoRedisCache.delete(self, key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guarded(lambda: DjangoRedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._guarded(lambda: DjangoRedisCache.clear(self), None)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._guarded(lambda: DjangoRedisCache.incr(self, key, delta, version), delta)
