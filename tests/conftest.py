"""Fixtures shared by the whole suite, and the handling of missing services."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.services import grant_role
from o2o.tenancy import tenant_scope
from o2o.tokens import issue_token
from tests import services

if TYPE_CHECKING:
    from tests.integration.processes import Process, RedisServer, Web

_skipped_for: dict[str, int] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    gone = services.missing()
    for item in items:
        # Pinned query counts are PostgreSQL's (row-level security adds a statement per transaction).
        if {"django_assert_num_queries", "django_assert_max_num_queries"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
        for marker, what in gone.items():
            if item.get_closest_marker(marker):
                if services.required():
                    item.add_marker(pytest.mark.usefixtures("_require_services"))
                else:
                    _skipped_for[what] = _skipped_for.get(what, 0) + 1
                    item.add_marker(pytest.mark.skip(reason=f"{what} is not available"))


@pytest.fixture
def _require_services(request: pytest.FixtureRequest) -> None:
    gone = services.missing()
    needed = [what for marker, what in gone.items() if request.node.get_closest_marker(marker)]
    pytest.fail(f"O2O_REQUIRE_SERVICES=1 but {', '.join(needed)} is not available")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Counted from the skip reports too: under pytest-xdist the collection (and `_skipped_for`)
    # happens in the workers, and only the reports reach this process.
    skipped_for = dict(_skipped_for)
    if not skipped_for:
        for report in terminalreporter.stats.get("skipped", []):
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple | list) else ""
            if reason.endswith(" is not available"):
                what = reason.removeprefix("Skipped: ").removesuffix(" is not available")
                skipped_for[what] = skipped_for.get(what, 0) + 1
    if skipped_for:
        parts = ", ".join(f"{count} tests need {what}" for what, count in skipped_for.items())
        terminalreporter.write_line(
            f"!!! SERVICES MISSING: {parts}; those tests were SKIPPED (O2O_REQUIRE_SERVICES=1 fails them) !!!",
            red=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language: a request in Chinese leaves Chinese active in its
    thread (the locale middleware activates a request's language and nothing puts it back)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- tenants, users, clients ------------------------------------------------------------------


@pytest.fixture
def make_tenant(db: None) -> Callable[..., Tenant]:
    def make(slug: str, **fields: Any) -> Tenant:
        return Tenant.objects.create(slug=slug, name=fields.pop("name", slug.title()), **fields)

    return make


@pytest.fixture
def tenant(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("alpha", name="Alpha Eyewear")


@pytest.fixture
def other_tenant(make_tenant: Callable[..., Tenant]) -> Tenant:
    return make_tenant("beta", name="Beta Lighting")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        tenant: Tenant | None = None, *roles: str, username: str | None = None, password: str = "pw-secret-42"
    ) -> User:
        user = User.objects.create_user(
            username=username or f"user{next(counter)}", password=password, name="Test User"
        )
        if tenant is not None:
            with tenant_scope(tenant):
                for role in roles:
                    grant_role(tenant=tenant, user=user, role=role)
        return user

    return make


@pytest.fixture
def hq_admin(tenant: Tenant, make_user: Callable[..., User]) -> User:
    return make_user(tenant, Role.HQ_ADMIN, username="alpha-admin")


@pytest.fixture
def make_staff(tenant: Tenant) -> Callable[[Any, str], User]:
    """`make_staff(store, role)`: a store manager or guide of `store` in `tenant`, made by the service."""
    from stores.services import create_staff

    numbers = iter(range(1, 1000))

    def make(store: Any, role: str) -> User:
        with tenant_scope(tenant):
            post = create_staff(
                tenant=tenant,
                store=store,
                username=f"{store.code.lower()}-{role}-{next(numbers)}",
                password="pw-secret-42",
                name=f"{role} of {store.code}",
                phone="",
                role=role,
            )
        return post.user

    return make


@pytest.fixture
def api() -> Callable[..., APIClient]:
    """An API client signed in with a real token (or anonymous), naming the tenant in X-Tenant.

    The token is issued by the login's service, once per user and test (its key is known only then).
    """
    keys: dict[int, str] = {}
    issuing = threading.Lock()  # clients made in concurrent threads share their user's one token

    def key_of(user: User) -> str:
        with issuing:
            if user.pk not in keys:
                keys[user.pk] = issue_token(user=user)
            return keys[user.pk]

    def make(user: User | None = None, tenant: Tenant | str | None = None) -> APIClient:
        client = APIClient()
        headers: dict[str, str] = {}
        if user is not None:
            headers["HTTP_AUTHORIZATION"] = f"Token {key_of(user)}"
        if tenant is not None:
            headers["HTTP_X_TENANT"] = tenant if isinstance(tenant, str) else tenant.slug
        client.credentials(**headers)
        return client

    return make


@pytest.fixture
def throttle_rates(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`throttle_rates(login="2/min")`: these scoped throttle rates, with the throttle's clock stopped
    (the wait it answers then does not depend on how long the requests took) and an empty cache.

    DRF copies the rates into the class when it is imported, so override_settings would not reach
    them: this patches the class attribute the throttle reads.
    """

    def set_rates(**rates: str) -> None:
        monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, **rates})
        stopped = time.time()
        monkeypatch.setattr(ScopedRateThrottle, "timer", staticmethod(lambda: stopped))
        cache.clear()

    yield set_rates
    cache.clear()


@pytest.fixture
def in_tenant() -> Callable[[Tenant], Any]:
    """`with in_tenant(t):` reads and writes as tenant `t` (row-level security bound to it)."""
    return tenant_scope


# --- real concurrency -------------------------------------------------------------------------


@pytest.fixture
def run_concurrently(transactional_db: None) -> Callable[[int, Callable[[], Any]], list[Any]]:
    """Run `fn` in `n` threads released at the same moment, each with its own DB connection."""

    def run(n: int, fn: Callable[[], Any]) -> list[Any]:
        barrier = threading.Barrier(n)

        def one() -> Any:
            try:
                barrier.wait(timeout=30)
                return fn()
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=n) as pool:
            return [future.result() for future in [pool.submit(one) for _ in range(n)]]

    return run


@pytest.fixture
def pg(db: None) -> BaseDatabaseWrapper:
    """The default connection, asserting it is PostgreSQL (for tests marked `postgres`)."""
    assert connection.vendor == "postgresql"
    return connection


# --- processes of a test's own (tests/integration/processes.py) ------------------------------


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of the test's own, on a free port, stopped at its end."""
    from tests.integration.processes import redis_server

    with redis_server() as server:
        yield server


@pytest.fixture
def web(own_redis: RedisServer) -> Iterator[Web]:
    """gunicorn serving the application with `own_redis` as its cache and broker."""
    from tests.integration.processes import start_web

    server = start_web(own_redis.url())
    try:
        yield server
    finally:
        server.process.stop()


@pytest.fixture
def workers() -> Iterator[list[Process]]:
    """The workers a test starts, stopped at its end (before the database is flushed)."""
    started: list[Process] = []
    yield started
    for worker in started:
        worker.stop()
