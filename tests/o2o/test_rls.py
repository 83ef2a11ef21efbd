"""Row-level security, the second wall between brands: proven on the catalog and by behaviour.

The catalog tests discover the tenant-owned tables from PostgreSQL itself (every table with a
`tenant_id` column), so a tenant-owned model whose migration lacks `EnableRowLevelSecurity` fails
here. The behaviour tests run as the application does: on the restricted runtime role, with the
tenant set per transaction by `tenant_scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import ProgrammingError, connection

from o2o.choices import Role
from o2o.models import IdempotencyRecord, TenantOwned, TenantRole, User
from o2o.tenancy import current_tenant_id, tenant_scope, user_scope
from o2o.tenancy.rls import POLICY_NAME, USER_READ_POLICY
from tests.services import login_session

pytestmark = pytest.mark.postgres

RLS_VIOLATION = "new row violates row-level security policy"
# pg_policies' rendering of the policy expressions that o2o.tenancy.rls.policy_sql creates
TENANT_QUAL = (
    "(tenant_id = ( SELECT (NULLIF(current_setting('o2o.tenant_id'::text, true), ''::text))::bigint AS \"nullif\"))"
)
# (name, command, USING, WITH CHECK) of a row of pg_policies
Policy = tuple[str, str, str, str | None]
USER_QUAL = "(user_id = ( SELECT (NULLIF(current_setting('o2o.user_id'::text, true), ''::text))::bigint AS \"nullif\"))"


@contextmanager
def superuser_cursor() -> Iterator[Any]:
    """A cursor on a separate connection as the login user of DATABASE_URL, a superuser.

    A superuser is never bound by row-level security (not even FORCE), so it sees every brand's
    rows: the ground truth the application's view is compared with.
    """
    raw = login_session(autocommit=True)
    try:
        with raw.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (True,), "the RLS tests need DATABASE_URL to log in as a superuser"
            yield cursor
    finally:
        raw.close()


def tenant_tables() -> set[str]:
    """The tables of the public schema that have a `tenant_id` column, from the catalog."""
    with superuser_cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'"
        )
        return {name for (name,) in cursor.fetchall()}


def scalar(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def role_rows() -> list[tuple[int, str, str]]:
    """Every TenantRole row this connection may see, with no filter of ours: RLS decides."""
    return list(
        TenantRole.objects.order_by("tenant_id", "user__username", "role").values_list(
            "tenant_id", "user__username", "role"
        )
    )


# --- catalog ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_table_with_a_tenant_id_is_forced_under_a_tenant_policy():
    # given the tables the catalog says carry a tenant_id (a walk that finds nothing proves nothing)
    tables = tenant_tables()
    assert {"o2o_tenantrole", "o2o_idempotencyrecord"} <= tables
    # when their row-level security flags and policies are read
    with superuser_cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relname = ANY(%s)",
            [sorted(tables)],
        )
        flags = {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}
        cursor.execute(
            "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies "
            "WHERE schemaname = 'public' AND tablename = ANY(%s)",
            [sorted(tables)],
        )
        policies: dict[str, set[Policy]] = {name: set() for name in tables}
        for name, *policy in cursor.fetchall():
            policies[name].add(tuple(policy))
    # then every one of them has RLS enabled and forced, and one policy for every command comparing
    # tenant_id with the setting read once per query (a sub-SELECT: an InitPlan, not a function
    # call per row); only the roles table also lets a user read (and only read) their own rows
    assert {name: flags[name] for name in tables} == dict.fromkeys(tables, (True, True))
    expected: dict[str, set[Policy]] = {name: {(POLICY_NAME, "ALL", TENANT_QUAL, TENANT_QUAL)} for name in tables}
    expected["o2o_tenantrole"].add((USER_READ_POLICY, "SELECT", USER_QUAL, None))
    assert policies == expected


@pytest.mark.django_db
def test_every_tenant_owned_model_is_a_table_with_a_tenant_id():
    # given every concrete model built on TenantOwned (the ones later apps add included)
    models = [model for model in apps.get_models() if issubclass(model, TenantOwned)]
    assert {TenantRole, IdempotencyRecord} <= set(models)
    # when their tables are looked up among the catalog's tenant tables
    tables = tenant_tables()
    missing = sorted(model._meta.db_table for model in models if model._meta.db_table not in tables)
    # then none is missing (the catalog test above then holds each of them to its policy)
    assert missing == []


@pytest.mark.django_db
def test_the_application_runs_as_a_role_that_row_level_security_binds():
    # given the tables that hold tenant rows
    tables = sorted(tenant_tables())
    app_role = settings.O2O_DB_APP_ROLE
    # when the application's own connection says who it is
    current = scalar("SELECT current_user")
    # then it is the restricted role: not superuser, not BYPASSRLS, owner of no tenant table and
    # not a member of any owner's role
    assert current == app_role
    with superuser_cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [app_role])
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(%s) "
            "AND (tableowner = %s OR pg_has_role(%s, tableowner, 'MEMBER'))",
            [tables, app_role, app_role],
        )
        assert cursor.fetchall() == []


# --- behaviour --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_no_tenant_scope_a_tenant_table_reads_as_empty(tenant, other_tenant, make_user):
    # given roles in two brands, committed
    make_user(tenant, Role.HQ_ADMIN, Role.HQ_STAFF, username="ann")
    make_user(other_tenant, Role.CONSUMER, username="bob")
    with superuser_cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TenantRole._meta.db_table}")
        assert cursor.fetchone() == (3,)
    # when the application reads the table outside any tenant scope, with no filter
    rows = role_rows()
    # then it sees nothing at all (fail closed), not everything
    assert rows == []
    assert TenantRole.objects.count() == 0
    assert current_tenant_id() is None


@pytest.mark.django_db
def test_a_row_for_another_brand_cannot_be_written_from_inside_a_brand(tenant, other_tenant, make_user):
    # given a user with a role in the other brand
    bob = make_user(other_tenant, Role.CONSUMER, username="bob")
    # when code scoped to the first brand inserts a role for the other brand (a forged tenant id)
    with pytest.raises(ProgrammingError, match=RLS_VIOLATION), tenant_scope(tenant):
        TenantRole.objects.create(tenant=other_tenant, user=bob, role=Role.HQ_ADMIN)
    # then the policy refused it: the other brand still has only its consumer role
    with tenant_scope(other_tenant):
        assert role_rows() == [(other_tenant.pk, "bob", Role.CONSUMER)]
    with tenant_scope(tenant):
        assert role_rows() == []


@pytest.mark.django_db
def test_a_row_cannot_be_moved_to_another_brand_nor_a_foreign_row_touched(tenant, other_tenant, make_user):
    # given a role in each brand
    make_user(tenant, Role.HQ_STAFF, username="ann")
    make_user(other_tenant, Role.HQ_STAFF, username="bob")
    with tenant_scope(other_tenant):
        bobs_role = TenantRole.objects.get()
    # when code scoped to the first brand moves its own row to the other brand
    with pytest.raises(ProgrammingError, match=RLS_VIOLATION), tenant_scope(tenant):
        TenantRole.objects.update(tenant=other_tenant)
    # and updates and deletes the other brand's row by its id
    with tenant_scope(tenant):
        updated = TenantRole.objects.filter(pk=bobs_role.pk).update(role=Role.HQ_ADMIN)
        deleted, _ = TenantRole.objects.filter(pk=bobs_role.pk).delete()
    # then nothing changed on either side
    assert (updated, deleted) == (0, 0)
    with tenant_scope(tenant):
        assert role_rows() == [(tenant.pk, "ann", Role.HQ_STAFF)]
    with tenant_scope(other_tenant):
        assert role_rows() == [(other_tenant.pk, "bob", Role.HQ_STAFF)]


@pytest.mark.django_db(transaction=True)
def test_one_pooled_connection_serving_brand_a_then_b_sees_only_b_in_the_second(tenant, other_tenant, make_user):
    # given committed roles in two brands
    make_user(tenant, Role.HQ_ADMIN, Role.HQ_STAFF, username="ann")
    make_user(other_tenant, Role.CONSUMER, username="bob")
    # when one connection serves a unit of work for brand A, then one for brand B
    with tenant_scope(tenant):
        first_pid = scalar("SELECT pg_backend_pid()")
        seen_in_a = role_rows()
    with tenant_scope(other_tenant):
        second_pid = scalar("SELECT pg_backend_pid()")
        seen_in_b = role_rows()
    after = scalar("SELECT current_setting('o2o.tenant_id', true)")
    # then it is one backend, each unit saw only its own brand, and nothing is left set after
    assert second_pid == first_pid
    assert seen_in_a == [(tenant.pk, "ann", Role.HQ_ADMIN), (tenant.pk, "ann", Role.HQ_STAFF)]
    assert seen_in_b == [(other_tenant.pk, "bob", Role.CONSUMER)]
    assert after == ""  # the transaction-local value is gone with its transaction
    assert role_rows() == []
    assert scalar("SELECT pg_backend_pid()") == first_pid


@pytest.mark.django_db(transaction=True)
def test_a_failed_unit_of_work_leaves_no_tenant_on_the_connection(tenant, make_user):
    # given a committed role in a brand
    make_user(tenant, Role.HQ_ADMIN, username="ann")
    seen: list[int] = []

    def unit_of_work() -> None:
        with tenant_scope(tenant):
            seen.append(len(role_rows()))
            raise RuntimeError("half-way")

    # when a unit of work for the brand fails half-way
    with pytest.raises(RuntimeError, match="half-way"):
        unit_of_work()
    # then the connection carries no tenant into the next one
    assert seen == [1]
    assert scalar("SELECT current_setting('o2o.tenant_id', true)") == ""
    assert role_rows() == []
    assert current_tenant_id() is None


@pytest.mark.django_db
def test_a_nested_scope_restores_the_outer_brand(tenant, other_tenant, make_user):
    # given a role in each brand
    make_user(tenant, Role.HQ_ADMIN, username="ann")
    make_user(other_tenant, Role.CONSUMER, username="bob")
    with tenant_scope(tenant):
        # when a scope for brand B opens and closes inside brand A's, normally and by an error
        with tenant_scope(other_tenant):
            inner = (current_tenant_id(), scalar("SELECT current_setting('o2o.tenant_id', true)"), role_rows())
        after_normal = (current_tenant_id(), scalar("SELECT current_setting('o2o.tenant_id', true)"), role_rows())
        with pytest.raises(ZeroDivisionError), tenant_scope(other_tenant):
            1 / 0  # noqa: B018
        after_error = (current_tenant_id(), scalar("SELECT current_setting('o2o.tenant_id', true)"), role_rows())
    # then the inner scope saw B only, and A is back both times
    assert inner == (other_tenant.pk, str(other_tenant.pk), [(other_tenant.pk, "bob", Role.CONSUMER)])
    outer = (tenant.pk, str(tenant.pk), [(tenant.pk, "ann", Role.HQ_ADMIN)])
    assert after_normal == outer
    assert after_error == outer
    assert current_tenant_id() is None


@pytest.mark.django_db
def test_a_user_scope_reads_the_users_own_roles_in_every_brand_and_nothing_else(
    tenant, other_tenant, make_user: Callable[..., User]
):
    # given a person working for two brands, and a colleague in the first
    ann = make_user(tenant, Role.HQ_ADMIN, username="ann")
    with tenant_scope(other_tenant):
        TenantRole.objects.create(tenant=other_tenant, user=ann, role=Role.CONSUMER)
    make_user(tenant, Role.HQ_STAFF, username="cid")
    # when the roles table is read in ann's user scope, with no tenant and no filter of ours
    with user_scope(ann):
        seen = role_rows()
    # and a write is tried there (the user scope only ever reads)
    with pytest.raises(ProgrammingError, match=RLS_VIOLATION), user_scope(ann):
        TenantRole.objects.create(tenant=tenant, user=ann, role=Role.HQ_STAFF)
    # then ann's own two roles are visible, the colleague's are not, and nothing was written
    assert seen == [(tenant.pk, "ann", Role.HQ_ADMIN), (other_tenant.pk, "ann", Role.CONSUMER)]
    with tenant_scope(tenant):
        assert role_rows() == [(tenant.pk, "ann", Role.HQ_ADMIN), (tenant.pk, "cid", Role.HQ_STAFF)]


@pytest.mark.django_db
def test_the_user_scope_opens_no_other_tenant_table(tenant, make_user):
    # given an idempotency record of a brand where the user holds a role
    ann = make_user(tenant, Role.HQ_ADMIN, username="ann")
    with tenant_scope(tenant):
        IdempotencyRecord.objects.create(
            tenant=tenant, key="k1", scope=f"POST /api/v1/roles/ {ann.pk}", fingerprint="0" * 64
        )
    # when it is read in the user's scope
    with user_scope(ann):
        records = IdempotencyRecord.objects.count()
    # then only the roles table honours the user scope
    assert records == 0
    with tenant_scope(tenant):
        assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_a_user_scope_reads_but_cannot_change_the_users_roles_in_other_brands(tenant, other_tenant, make_user):
    # given ann, HQ admin of alpha and consumer of beta
    ann = make_user(tenant, Role.HQ_ADMIN, username="ann")
    with tenant_scope(other_tenant):
        in_beta = TenantRole.objects.create(tenant=other_tenant, user=ann, role=Role.CONSUMER)
    # when alpha's scope looks for her beta role by its id
    with tenant_scope(tenant):
        seen_in_alpha = TenantRole.objects.filter(pk=in_beta.pk).count()
    # and her user scope (as right after her login) reads her roles, then updates and deletes the
    # beta one, alone and with alpha's scope open too
    with user_scope(ann):
        seen_in_user_scope = role_rows()
        changed = [
            TenantRole.objects.filter(pk=in_beta.pk).update(role=Role.HQ_ADMIN),
            TenantRole.objects.filter(pk=in_beta.pk).delete()[0],
        ]
        with tenant_scope(tenant):
            changed += [
                TenantRole.objects.filter(pk=in_beta.pk).update(role=Role.HQ_ADMIN),
                TenantRole.objects.filter(pk=in_beta.pk).delete()[0],
            ]
    # then alpha never sees it, the user scope sees both her roles but changes neither
    assert seen_in_alpha == 0
    assert seen_in_user_scope == [(tenant.pk, "ann", Role.HQ_ADMIN), (other_tenant.pk, "ann", Role.CONSUMER)]
    assert changed == [0, 0, 0, 0]
    with tenant_scope(other_tenant):
        assert role_rows() == [(other_tenant.pk, "ann", Role.CONSUMER)]
    with tenant_scope(tenant):
        assert role_rows() == [(tenant.pk, "ann", Role.HQ_ADMIN)]
