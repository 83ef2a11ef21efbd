"""Row-level security on PostgreSQL: the migration operations, and the restricted runtime role
with what it is granted.

Every tenant-owned table gets a policy comparing its `tenant_id` with the transaction's
`o2o.tenant_id` setting, with FORCE ROW LEVEL SECURITY so that even the tables' owner is bound.
The tenant table itself is readable by all and writable only for the brand of the scope. The
application runs as a role that is neither superuser, nor BYPASSRLS, nor the owner
(`settings.O2O_DB_APP_ROLE`): when `DATABASE_URL` logs in as someone else (a superuser on a
development machine), each new connection switches to it with SET ROLE. Migrations and flushes
run as the login user (or `DATABASE_OWNER_URL`). The runtime role gets DML on every table except
UPDATE and DELETE on the audit trails (`insert_only_tables`) and DELETE on the tenant table.

This module is the one place that writes policies and grants.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.operations.base import Operation
from psycopg2 import sql

from o2o.tenancy import TENANT_SETTING, USER_SETTING

POLICY_NAME = "tenant_isolation"
# The roles table's second policy: a user reads (only reads) their own roles in every brand.
USER_READ_POLICY = "user_reads_own_rows"
# The tenant table's: everyone reads and creates brands; only POLICY_NAME (the scope's brand) updates.
TENANT_READ_POLICY = "tenant_read"
TENANT_CREATE_POLICY = "tenant_create"

# The audit trails the application may only append to (UPDATE and DELETE are revoked from the
# runtime role), by model label. Every django-simple-history `Historical*` model is one without
# being named here; a new ledger or journal joins with one line.
INSERT_ONLY_MODELS: frozenset[str] = frozenset(
    {"orders.OrderEvent", "o2o.Event", "settlements.JournalEntry", "settlements.Posting"}
)

# A scalar sub-SELECT, so that PostgreSQL evaluates the setting once per query (an InitPlan) rather
# than once per row it filters: bare `current_setting()` in a row filter costs a function call on
# every row a scan visits (bench/rls_overhead.py measured 1.66x on a filtered page; 1.03x with this).
# The InitPlan's value still serves as an index condition on tenant_id.
_TENANT_EXPR = f"(SELECT NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint)"
_USER_EXPR = f"(SELECT NULLIF(current_setting('{USER_SETTING}', true), '')::bigint)"

_owner_mode: contextvars.ContextVar[bool] = contextvars.ContextVar("o2o_db_owner_mode", default=False)


def policy_sql(table: str, *, readable_by_user_column: str | None = None) -> list[str]:
    """The statements that put `table` under tenant isolation (idempotent).

    With `readable_by_user_column`, a second, SELECT-only policy lets the user named by the
    `o2o.user_id` setting read their own rows in every tenant; writes stay bound to the tenant
    (permissive policies are OR-ed per command, so a FOR ALL clause would open UPDATE and DELETE).
    """
    tenant_only = f"tenant_id = {_TENANT_EXPR}"
    statements = [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'DROP POLICY IF EXISTS {USER_READ_POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({tenant_only}) WITH CHECK ({tenant_only})',
    ]
    if readable_by_user_column:
        statements.append(
            f'CREATE POLICY {USER_READ_POLICY} ON "{table}" FOR SELECT USING ({readable_by_user_column} = {_USER_EXPR})'
        )
    return statements


def tenant_table_sql(table: str) -> list[str]:
    """The statements that let the runtime role read and create tenants but update only the tenant
    of its scope, and delete none (idempotent).

    The middleware reads brands by slug before any scope and `create_tenant` inserts one, so SELECT
    and INSERT stay open. Not FORCEd: the owner (migrations, operators) manages every brand; the
    runtime role is not the owner, so the policies bind it.
    """
    own = f"id = {_TENANT_EXPR}"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {TENANT_READ_POLICY} ON "{table}"',
        f'DROP POLICY IF EXISTS {TENANT_CREATE_POLICY} ON "{table}"',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {TENANT_READ_POLICY} ON "{table}" FOR SELECT USING (true)',
        f'CREATE POLICY {TENANT_CREATE_POLICY} ON "{table}" FOR INSERT WITH CHECK (true)',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" FOR UPDATE USING ({own}) WITH CHECK ({own})',
    ]


class EnableRowLevelSecurity(Operation):
    """Migration operation: put a tenant-owned model's table under row-level security.

    `readable_by_user_column` additionally lets a user read their own rows across tenants while the
    `o2o.user_id` setting names them (used by the roles table only).
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, readable_by_user_column: str | None = None) -> None:
        self.model_name = model_name
        self.readable_by_user_column = readable_by_user_column

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.readable_by_user_column:
            kwargs["readable_by_user_column"] = self.readable_by_user_column
        return self.__class__.__name__, [], kwargs

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _table(self, app_label: str, state: Any) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in policy_sql(
            self._table(app_label, to_state), readable_by_user_column=self.readable_by_user_column
        ):
            schema_editor.execute(statement)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, from_state)
        schema_editor.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"')
        schema_editor.execute(f'DROP POLICY IF EXISTS {USER_READ_POLICY} ON "{table}"')
        schema_editor.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        schema_editor.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"


class RewriteRowLevelSecurity(EnableRowLevelSecurity):
    """Migration operation: rewrite the policies of a table already under row-level security with
    the current `policy_sql` (a fix of the policies themselves).

    Unapplying it keeps the current policies: the table stays isolated, and the old, faulty ones
    are not worth restoring.
    """

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self.database_forwards(app_label, schema_editor, to_state, from_state)

    def describe(self) -> str:
        return f"Rewrite the row-level security policies of {self.model_name}"


class RestrictTenantTable(Operation):
    """Migration operation: the tenant table's policies (`tenant_table_sql`)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__name__, [], {"model_name": self.model_name}

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in tenant_table_sql(to_state.apps.get_model(app_label, self.model_name)._meta.db_table):
            schema_editor.execute(statement)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        for policy in (TENANT_READ_POLICY, TENANT_CREATE_POLICY, POLICY_NAME):
            schema_editor.execute(f'DROP POLICY IF EXISTS {policy} ON "{table}"')
        schema_editor.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')

    def describe(self) -> str:
        return f"Let the application update only the scope's row of {self.model_name}, and delete none"


class CreateAppRole(Operation):
    """Migration operation: create the restricted runtime role (cluster-wide, once)."""

    reduces_to_sql = False
    reversible = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            ensure_app_role(schema_editor.connection)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        pass

    def describe(self) -> str:
        return "Create the restricted application database role"


def app_role() -> str:
    return settings.O2O_DB_APP_ROLE


def switches_role(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection logs in as someone other than the runtime role."""
    role = app_role()
    return bool(role) and connection.vendor == "postgresql" and connection.settings_dict.get("USER") != role


def ensure_app_role(connection: BaseDatabaseWrapper) -> None:
    """Create the runtime role if missing: NOLOGIN, NOSUPERUSER, NOBYPASSRLS (needs CREATEROLE).

    Roles belong to the cluster, not to a database: two databases migrating at once (parallel
    test workers) may both try, and the loser's error is swallowed.
    """
    role = app_role()
    if not role:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(
                sql.SQL(
                    "DO $$ BEGIN CREATE ROLE {} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; "
                    "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
                ).format(sql.Identifier(role))
            )


def grant_app_role(connection: BaseDatabaseWrapper) -> None:
    """Give the runtime role what the application needs on every table and sequence (DML only),
    less `withheld_privileges()`; in one transaction, so that it never holds them in between."""
    role = app_role()
    if not role or connection.vendor != "postgresql":
        return
    ident = sql.Identifier(role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = %s AND u.rolname = current_user",
            [role],
        )
        is_member = cursor.fetchone() is not None
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        is_super = cursor.fetchone()[0]
        if not is_member and not is_super and connection.settings_dict.get("USER") != role:
            # the owner must be able to SET ROLE to the runtime role (development setups)
            cursor.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(ident))
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
        cursor.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(ident)
        )
        cursor.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident))
        existing = set(connection.introspection.table_names(cursor))
        for table, privileges in withheld_privileges().items():
            if table in existing:
                cursor.execute(
                    sql.SQL("REVOKE {} ON {} FROM {}").format(
                        sql.SQL(", ").join(sql.SQL(privilege) for privilege in privileges), sql.Identifier(table), ident
                    )
                )


def insert_only_tables() -> list[str]:
    """The tables of the audit trails: every django-simple-history model's and INSERT_ONLY_MODELS'.

    A label in INSERT_ONLY_MODELS naming no model is a LookupError, not a ledger left writable.
    """
    from simple_history.models import HistoricalChanges

    models = {apps.get_model(label) for label in INSERT_ONLY_MODELS}
    models |= {model for model in apps.get_models() if issubclass(model, HistoricalChanges)}
    return sorted(model._meta.db_table for model in models)


def withheld_privileges() -> dict[str, tuple[str, ...]]:
    """What the runtime role does not get, by table: the audit trails are insert-only, and brands
    are never deleted by the application (deactivated instead)."""
    withheld: dict[str, tuple[str, ...]] = dict.fromkeys(insert_only_tables(), ("UPDATE", "DELETE"))
    withheld[apps.get_model("o2o", "Tenant")._meta.db_table] = ("DELETE",)
    return withheld


@contextmanager
def owner_connection(using: str = "default") -> Iterator[BaseDatabaseWrapper]:
    """Run the block connected as the tables' owner (DATABASE_OWNER_URL, else the login user).

    For schema work only: migrations, flushes and the catalog checks of the test suite.
    """
    connection = connections[using]
    token = _owner_mode.set(True)
    saved = dict(connection.settings_dict)
    owner_url = getattr(settings, "DATABASE_OWNER_URL", "")
    try:
        if connection.vendor == "postgresql":
            connection.close()
            if owner_url:
                import environ

                owner = environ.Env.db_url_config(owner_url)
                for key in ("USER", "PASSWORD", "HOST", "PORT"):
                    connection.settings_dict[key] = owner.get(key, "")
        yield connection
    finally:
        _owner_mode.reset(token)
        if connection.vendor == "postgresql":
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@contextmanager
def as_login_user(using: str = "default") -> Iterator[None]:
    """Run the block, inside the current transaction, as the connection's login user instead of
    the runtime role it switched to (development and test setups, where the login user owns the
    tables); where the application logs in as the runtime role itself (production), as that role.

    For work the runtime role is refused on purpose and a setup step needs: a migration's data
    step under test, the demo backdating its orders' audit trail. An error inside rolls the switch
    back with the savepoint.
    """
    connection = connections[using]
    if not switches_role(connection):
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
        yield
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(app_role())))


def in_owner_mode() -> bool:
    return _owner_mode.get()


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Switch each new application connection to the restricted runtime role."""
    if connection.alias.startswith("__") or in_owner_mode() or not switches_role(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(app_role())))
