"""`migrate`, run as the tables' owner, then granting the restricted runtime role its rights."""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from o2o.tenancy.rls import ensure_app_role, grant_app_role, owner_connection


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        database = options.get("database") or "default"
        with owner_connection(database):
            connection = connections[database]
            if connection.vendor == "postgresql":
                ensure_app_role(connection)
            super().handle(*args, **options)
            grant_app_role(connection)
