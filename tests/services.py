"""Which real services this machine offers the suite: PostgreSQL, Redis and Debian's Chromium.

`make test` uses PostgreSQL and Redis from DATABASE_URL / REDIS_URL (default 127.0.0.1) when they
answer. Where one does not, the tests that need it are skipped with one loud summary line, unless
O2O_REQUIRE_SERVICES=1 (CI), which makes them fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
from functools import cache
from typing import Any
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/o2o"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
CHROMIUM = os.environ.get("O2O_CHROMIUM", "/usr/bin/chromium")


def required() -> bool:
    return os.environ.get("O2O_REQUIRE_SERVICES", "") not in {"", "0", "false", "no"}


def _answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1.0):
            return True
    except OSError:
        return False


# Read once, before tests/settings.py replaces DATABASE_URL with SQLite where PostgreSQL is missing.
_GIVEN_DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def database_url() -> str:
    return _GIVEN_DATABASE_URL


def redis_url() -> str:
    # tests/settings.py keeps REDIS_URL as O2O_TEST_REDIS_URL, then drops it (eager tasks)
    return os.environ.get("O2O_TEST_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


@cache
def postgres_available() -> bool:
    url = database_url()
    return url.startswith("postgres") and _answers(url, 5432)


@cache
def redis_available() -> bool:
    return _answers(redis_url(), 6379)


@cache
def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def missing() -> dict[str, str]:
    """The services a marker needs that are not here, by marker name."""
    gone = {}
    if not postgres_available():
        gone["postgres"] = f"PostgreSQL at {database_url()}"
    if not redis_available():
        gone["redis"] = f"Redis at {redis_url()}"
    if not chromium_available():
        gone["browser"] = f"Chromium at {CHROMIUM}"
    return gone


def login_session(*, autocommit: bool = False) -> Any:
    """A PostgreSQL connection of its own to the test database, as DATABASE_URL's login user (not
    the application's restricted role, so row-level security does not scope it when that user is
    a superuser, as on development and CI machines). The caller closes it."""
    import psycopg2
    from django.db import connection

    params = connection.settings_dict
    session = psycopg2.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )
    session.autocommit = autocommit
    return session
