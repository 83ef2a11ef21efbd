"""`flush`, run as the tables' owner: TRUNCATE is kept from the runtime role (it ignores RLS).

When nothing asks for the sequences to restart (the test suite's flush after every transactional
test) and the owner connection is not bound by row-level security (a superuser, or BYPASSRLS),
the tables are emptied with DELETE in one transaction with the foreign keys deferred: on the small
tables of a test, about fifty times faster than TRUNCATE, whose cost is per table, not per row.
Otherwise, or if the DELETEs fail, Django's TRUNCATE.
"""

from contextlib import suppress
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.commands.flush import Command as DjangoFlush
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from o2o.tenancy.rls import owner_connection


def _bypasses_rls(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _delete_all(connection: BaseDatabaseWrapper, database: str) -> bool:
    """Empty every Django table with DELETE; False (nothing changed) when that is refused."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - names from the catalog
    except DatabaseError:  # a foreign key that cannot be deferred, a table from outside Django
        return False
    return True


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        database = options.get("database") or "default"
        with owner_connection(database) as connection:
            fast = (
                connection.vendor == "postgresql"
                and not options.get("reset_sequences", True)
                and not options.get("interactive", True)
                and _bypasses_rls(connection)
            )
            if fast and _delete_all(connection, database):
                if not options.get("inhibit_post_migrate", False):
                    for app_config in apps.get_app_configs():  # as Django's flush: their receivers
                        with suppress(ImportError):
                            import_module(".management", app_config.name)
                    emit_post_migrate_signal(options.get("verbosity", 1), False, database)
                return
            super().handle(**options)
