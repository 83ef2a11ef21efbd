"""What the benchmarks share: their own database, created on first use."""

from __future__ import annotations


def ensure_database(url: str, *, fresh: bool) -> None:
    """Create the benchmark's database when it is missing (drop it first when `fresh`)."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    raw = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    raw.autocommit = True
    try:
        with raw.cursor() as cursor:
            if fresh:
                print(f"dropping database {config['NAME']}")
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(config["NAME"])))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                print(f"creating database {config['NAME']}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    finally:
        raw.close()


def setup_django(*, fresh: bool, owner_alias: str | None = None) -> None:
    """The benchmark's database made (`ensure_database`), Django set up and migrated; with
    `owner_alias`, a second connection of that name as the tables' owner (one that row-level
    security does not filter, for filling and `ANALYZE`). Prints how long it took."""
    import os
    import time

    import django

    started = time.perf_counter()
    ensure_database(os.environ["DATABASE_URL"], fresh=fresh)
    django.setup()
    if owner_alias is not None:
        from django.conf import settings

        settings.DATABASES[owner_alias] = {**settings.DATABASES["default"], "CONN_MAX_AGE": None}
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.1f}s", flush=True)
