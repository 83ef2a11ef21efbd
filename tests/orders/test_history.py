"""An order's history: what happened is kept as data (the reason, the routing rule, a refund's
amount) and said in the reader's language on the store's and HQ's order pages; what a person wrote
(a reason) is shown as written. The history written before, with its notes in the writer's
language, is turned into data by migration 0005."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection

from o2o.tenancy import tenant_scope
from o2o.tenancy.rls import as_login_user
from orders.models import OrderEvent
from orders.services import RefundLineInput
from tests.orders.conftest import act, client_for, place, text_of

pytestmark = pytest.mark.django_db

LEGACY = importlib.import_module("orders.migrations.0005_history_as_data_and_pickup_codes")


@pytest.fixture
def rerouted(brand):
    """An order rejected at A01 (with a reason), accepted and completed at B01, one lamp refunded."""
    first = brand.store("A01", km=1, stock={brand.lamp: 5})
    second = brand.store("B01", km=2, stock={brand.lamp: 5})
    manager = brand.staff(second)
    order = place(brand, (brand.lamp, 2))
    act(brand, "reject_order", order, by=brand.staff(first), reason="货架空了")
    for action in ("accept_order", "complete_order"):
        order = act(brand, action, order, by=manager)
    with tenant_scope(brand.tenant):
        line = order.lines.get()
    refund = [RefundLineInput(line_id=line.pk, quantity=1)]
    act(brand, "refund_order", order, by=manager, lines=refund, reason="one was broken")
    return order, manager


def test_hq_reads_the_history_in_its_language(brand, hq, rerouted):
    # given an order placed, rejected at A01, accepted, completed and partly refunded at B01
    order, _manager = rerouted
    client = client_for(brand, hq)

    # when HQ opens its page in English, then in Chinese
    english = client.get(f"/hq/orders/{order.pk}/").content.decode()
    chinese = client.get(f"/hq/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    # then each step says what happened in the reader's language, the reasons people wrote as written
    assert text_of(english, "timeline-note") == [
        "Decided by: Nearest store",
        "rejected: 货架空了; Decided by: Nearest store",
        "",
        "",
        "refunded 199.00; one was broken",
    ]
    assert text_of(chinese, "timeline-note") == [
        "分单依据：最近门店",
        "已拒单：货架空了；分单依据：最近门店",
        "",
        "",
        "已退款 199.00；one was broken",
    ]


def test_the_store_reads_the_history_in_its_language(brand, rerouted):
    # given the order B01 served after A01 rejected it
    order, manager = rerouted
    client = client_for(brand, manager)

    # when B01's manager opens it in English, then in Chinese
    english = client.get(f"/store/orders/{order.pk}/").content.decode()
    chinese = client.get(f"/store/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    # then the history reads in each language (status, then what happened), no raw code left
    assert [step.split(" ", 2)[-1] for step in text_of(english, "timeline-step")] == [
        "Routed · Decided by: Nearest store",
        "Routed · rejected: 货架空了; Decided by: Nearest store",
        "Accepted",
        "Completed",
        "Completed · refunded 199.00; one was broken",
    ]
    assert [step.split(" ", 2)[-1] for step in text_of(chinese, "timeline-step")] == [
        "已分单 · 分单依据：最近门店",
        "已分单 · 已拒单：货架空了；分单依据：最近门店",
        "已接单",
        "已完成",
        "已完成 · 已退款 199.00；one was broken",
    ]


def test_a_cancellation_says_who_cancelled_in_the_readers_language(brand, hq):
    # given an order the customer cancelled with a reason, and one HQ cancelled without
    store = brand.store("A01", stock={brand.lamp: 5})
    by_customer = place(brand, (brand.lamp, 1), store=store)
    act(brand, "cancel_order", by_customer, by=brand.consumer, as_staff=False, reason="买错了")
    by_hq = place(brand, (brand.lamp, 1), store=store)
    act(brand, "cancel_order", by_hq, by=hq, as_staff=True)
    client = client_for(brand, hq)

    # when HQ reads them in Chinese
    pages = [
        client.get(f"/hq/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        for order in (by_customer, by_hq)
    ]

    # then each step says who cancelled, and the reason as written
    assert [text_of(html, "timeline-note")[-1] for html in pages] == ["顾客取消；买错了", "门店取消"]


@pytest.mark.parametrize(
    ("note", "to_status", "by_customer", "data"),
    [
        ("routed: nearest", "routed", False, ("routed", "nearest", None, "")),
        ("rejected: no staff", "routed", False, ("rejected", "", None, "no staff")),
        ("已拒单：没人", "unroutable", False, ("rejected", "", None, "没人")),
        ("not accepted in time", "routed", False, ("expired", "", None, "")),
        ("未按时接单", "routed", False, ("expired", "", None, "")),
        ("总部指派", "routed", False, ("assigned", "manual", None, "")),
        ("cancelled by the customer", "cancelled", True, ("cancelled_by_customer", "", None, "")),
        ("门店取消", "cancelled", False, ("cancelled_by_store", "", None, "")),
        ("changed my mind", "cancelled", True, ("cancelled_by_customer", "", None, "changed my mind")),
        ("customer called", "cancelled", False, ("cancelled_by_store", "", None, "customer called")),
        ("refunded 12.50: broken", "completed", False, ("refunded", "", "12.50", "broken")),
        ("已退款 199.00", "completed", False, ("refunded", "", "199.00", "")),
        ("顾客已到店签到", "ready", False, ("checked_in", "", None, "")),
        ("packed twice", "ready", False, None),
    ],
)
def test_the_notes_written_before_become_data(note, to_status, by_customer, data):
    # given a step's note as the services wrote it before, in English or in Chinese
    # when migration 0005 reads it
    found = LEGACY.as_data(note, to_status=to_status, by_id=7 if by_customer else 8, customer_user_id=7)
    # then it is the reason, the rule, the amount and what a person wrote (None: only a person's note)
    if found is not None:
        found = (*found[:2], None if found[2] is None else str(found[2]), found[3])
    assert found == data


def test_the_migration_turns_the_notes_of_a_brands_orders_into_data(brand):
    # given an order's history as the services wrote it before (a note in the writer's language)
    store = brand.store("A01", stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1), store=store)
    act(brand, "cancel_order", order, by=brand.consumer, as_staff=False, reason="")
    with tenant_scope(brand.tenant), as_login_user():  # the history is insert-only for the application
        events = OrderEvent.objects.filter(order=order).order_by("pk")
        for event, note in zip(events, ("routed: nearest", "顾客取消"), strict=True):
            OrderEvent.objects.filter(pk=event.pk).update(reason="", rule="", note=note)

    # when migration 0005 runs its data step
    with as_login_user():
        LEGACY.history_as_data(django_apps, SimpleNamespace(connection=connection))

    # then the steps hold what happened as data
    with tenant_scope(brand.tenant):
        assert list(OrderEvent.objects.filter(order=order).order_by("pk").values_list("reason", "rule", "note")) == [
            ("routed", "nearest", ""),
            ("cancelled_by_customer", "", ""),
        ]
