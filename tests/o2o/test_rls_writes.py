"""What the application role may write beyond its brand's rows: audit trails only grow, and the
tenant table changes only for the brand of the scope.

Run as the application runs, on the restricted runtime role (see test_rls.py); the privileges are
read from PostgreSQL's catalog, and the refusals are PostgreSQL's own.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import ProgrammingError, connection
from psycopg2 import sql

from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from o2o.tenancy.rls import insert_only_tables
from orders.models import Order, OrderEvent
from stores.models import Store
from stores.services import store_input_of, update_store
from tests.o2o.test_rls import superuser_cursor
from tests.orders.harness import _an_order
from tests.stores.factories import make_store

pytestmark = pytest.mark.postgres

DENIED = "permission denied for table"
AUDIT_TRAILS = {
    "o2o_historicaltenant",
    "catalog_historicalsku",
    "catalog_historicalregionalprice",
    "stores_historicalstore",
    "stores_historicalstorecontract",
    "orders_orderevent",
}


def run(statement: sql.Composable) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


# --- catalog ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_application_role_may_only_append_to_audit_trails_and_never_delete_a_tenant():
    # given the audit trails: every django-simple-history table, the order events and the domain events
    historical = {model._meta.db_table for model in apps.get_models() if model.__name__.startswith("Historical")}
    assert set(insert_only_tables()) == historical | {
        "orders_orderevent",
        "o2o_event",
        "settlements_journalentry",
        "settlements_posting",
    }
    assert set(insert_only_tables()) >= AUDIT_TRAILS
    # when the runtime role's privileges on every table are read from the catalog
    with superuser_cursor() as cursor:
        cursor.execute(
            "SELECT relname, has_table_privilege(%s, oid, 'SELECT'), has_table_privilege(%s, oid, 'INSERT'), "
            "has_table_privilege(%s, oid, 'UPDATE'), has_table_privilege(%s, oid, 'DELETE') "
            "FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'",
            [settings.O2O_DB_APP_ROLE] * 4,
        )
        privileges = {name: tuple(rights) for name, *rights in cursor.fetchall()}
    # then it reads and writes every table, except that it only reads and inserts audit rows, and
    # does not delete tenants
    expected = dict.fromkeys(privileges, (True, True, True, True))
    expected.update(dict.fromkeys(insert_only_tables(), (True, True, False, False)))
    expected["o2o_tenant"] = (True, True, True, False)
    assert privileges == expected


# --- audit trails -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_order_events_are_inserted_but_never_updated_nor_deleted(tenant):
    # given an order placed through the service, which records its first event
    with tenant_scope(tenant):
        order = _an_order(tenant)
        event = OrderEvent.objects.get(order=order)
    # when the application updates and deletes that event, in the brand's own scope
    with pytest.raises(ProgrammingError, match=f"{DENIED} orders_orderevent"), tenant_scope(tenant):
        OrderEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(ProgrammingError, match=f"{DENIED} orders_orderevent"), tenant_scope(tenant):
        OrderEvent.objects.filter(pk=event.pk).delete()
    # then both are refused and the event is as recorded
    with tenant_scope(tenant):
        recorded = OrderEvent.objects.filter(order=order).values_list("pk", "from_status", "to_status", "rule", "note")
        assert list(recorded) == [(event.pk, "placed", "routed", "customer_choice", "")]
        assert Order.objects.filter(pk=order.pk).count() == 1


@pytest.mark.django_db
def test_history_rows_are_inserted_but_never_updated_nor_deleted(tenant):
    # given a store created and renamed through the services: two history rows
    with tenant_scope(tenant):
        store = make_store(tenant, name="First name")
        update_store(tenant=tenant, store=store, data=store_input_of(store, name="Second name"))
        history = Store.history.model
        rows = list(history.objects.filter(id=store.pk).order_by("history_id").values_list("history_type", "name"))
    assert rows == [("+", "First name"), ("~", "Second name")]
    # when the application rewrites and deletes the store's history
    with pytest.raises(ProgrammingError, match=f"{DENIED} stores_historicalstore"), tenant_scope(tenant):
        history.objects.filter(id=store.pk).update(name="forged")
    with pytest.raises(ProgrammingError, match=f"{DENIED} stores_historicalstore"), tenant_scope(tenant):
        history.objects.filter(id=store.pk).delete()
    # then both are refused and the history is as recorded
    with tenant_scope(tenant):
        assert list(history.objects.filter(id=store.pk).order_by("history_id").values_list("history_type", "name")) == (
            rows
        )


@pytest.mark.django_db
def test_no_audit_table_takes_an_update_or_a_delete_even_of_no_row(tenant):
    # given every audit table, whether or not it has rows
    tables = insert_only_tables()
    refused: dict[str, list[str]] = {}
    # when the application updates (its primary key to itself) and deletes in each, in a scope
    for table in tables:
        pk = next(m for m in apps.get_models() if m._meta.db_table == table)._meta.pk.column
        statements = {
            "UPDATE": sql.SQL("UPDATE {t} SET {pk} = {pk}").format(t=sql.Identifier(table), pk=sql.Identifier(pk)),
            "DELETE": sql.SQL("DELETE FROM {t}").format(t=sql.Identifier(table)),
        }
        for verb, statement in statements.items():
            try:
                with tenant_scope(tenant):
                    run(statement)
            except ProgrammingError as exc:
                if f"{DENIED} {table}" in str(exc):
                    refused.setdefault(table, []).append(verb)
    # then PostgreSQL refuses every one of them
    assert refused == {table: ["UPDATE", "DELETE"] for table in tables}


# --- the tenant table -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tenant_scope_updates_its_own_brand_only(tenant, other_tenant):
    # given two brands
    # when alpha's scope renames both, and code outside any scope renames alpha
    with tenant_scope(tenant):
        own = Tenant.objects.filter(pk=tenant.pk).update(name="Alpha renamed")
        foreign = Tenant.objects.filter(pk=other_tenant.pk).update(name="Beta taken over")
        everyone = Tenant.objects.update(accept_within_minutes=99)
    unscoped = Tenant.objects.filter(pk=tenant.pk).update(name="Alpha outside")
    # then only alpha's own row changed, from inside its scope
    assert (own, foreign, everyone, unscoped) == (1, 0, 1, 0)
    assert list(Tenant.objects.order_by("slug").values_list("slug", "name", "accept_within_minutes")) == [
        ("alpha", "Alpha renamed", 99),
        ("beta", "Beta Lighting", 15),
    ]


@pytest.mark.django_db
def test_the_application_cannot_delete_a_tenant_not_even_its_own(tenant, other_tenant):
    # given two brands
    # when alpha's scope deletes beta, then itself
    table = Tenant._meta.db_table
    for victim in (other_tenant, tenant):
        with pytest.raises(ProgrammingError, match=f"{DENIED} {table}"), tenant_scope(tenant):
            run(sql.SQL("DELETE FROM {} WHERE id = {}").format(sql.Identifier(table), sql.Literal(victim.pk)))
    # then both brands are there
    assert list(Tenant.objects.order_by("slug").values_list("slug", flat=True)) == ["alpha", "beta"]


@pytest.mark.django_db
def test_anyone_reads_and_creates_tenants_outside_a_scope(tenant):
    # given a brand
    # when code outside any tenant scope (the middleware, `create_tenant`) reads it and creates one
    found = Tenant.objects.filter(slug="alpha").values_list("pk", flat=True).first()
    created = Tenant.objects.create(slug="gamma", name="Gamma Optics")
    # then both work, and the new brand's history row was written too
    assert found == tenant.pk
    assert list(Tenant.objects.order_by("slug").values_list("slug", flat=True)) == ["alpha", "gamma"]
    assert list(Tenant.history.filter(id=created.pk).values_list("slug", "history_type")) == [("gamma", "+")]
