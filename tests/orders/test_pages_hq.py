"""HQ's order pages: the list with its filters, one order with its routing record and HQ's actions,
and the unroutable queue with assignment by hand.

Orders are placed with the real services; the clock is the only thing mocked.
"""

from __future__ import annotations

import datetime as dt

import pytest

from o2o.tenancy import tenant_scope
from orders.choices import Channel, OrderStatus
from orders.models import Order
from tests.orders.conftest import T0, act, client_for, place, rows, snapshot, text_of
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db

# Pinned query counts (PostgreSQL, in the test's transaction); none grows with the rows shown.
LIST_QUERIES = 11  # the rows with their store (no lines: the list does not show them)
DETAIL_QUERIES = 12  # the customer read with the order
UNROUTABLE_QUERIES = 12
ASSIGN_QUERIES = 27  # the order, the stores offered, the policy (no query), the reroute with its lock
ACTION_QUERIES = 20  # a cancel from the order's page: the stock released, the event recorded


def test_hq_filters_narrow_the_order_list_exactly(brand, hq):
    # given orders of two stores, in several states, fulfilments, channels and days
    east = brand.store("A01", km=1, stock={brand.lamp: 50})
    west = brand.store("B01", km=2, stock={brand.lamp: 50})
    manager = brand.staff(east)
    day1 = place(brand, (brand.lamp, 1), store=east, at=T0)
    day2_accepted = place(brand, (brand.lamp, 1), store=east, at=T0 + dt.timedelta(days=1))
    act(brand, "accept_order", day2_accepted, by=manager)
    day2_delivery = place(brand, (brand.lamp, 1), store=west, at=T0 + dt.timedelta(days=1), fulfilment="delivery")
    day3_b2c = place(brand, (brand.lamp, 2), store=west, at=T0 + dt.timedelta(days=2), channel=Channel.B2C)
    client = client_for(brand, hq)

    def numbers(query: str) -> set[str]:
        response = client.get("/hq/orders/" + query)
        assert response.status_code == 200
        return set(rows(response.content.decode(), "order-row", "data-order-id"))

    def ids(*orders: Order) -> set[str]:
        return {str(order.pk) for order in orders}

    # when HQ filters the list, then each filter keeps exactly the orders it names
    assert numbers("") == ids(day1, day2_accepted, day2_delivery, day3_b2c)
    assert numbers("?status=accepted") == ids(day2_accepted)
    assert numbers("?status=routed") == ids(day1, day2_delivery, day3_b2c)
    assert numbers(f"?store={west.pk}") == ids(day2_delivery, day3_b2c)
    assert numbers("?created_after=2026-05-05") == ids(day2_accepted, day2_delivery, day3_b2c)
    assert numbers("?created_after=2026-05-05&created_before=2026-05-05") == ids(day2_accepted, day2_delivery)
    assert numbers("?created_after=0001-01-01&created_before=9999-12-31") == ids(
        day1, day2_accepted, day2_delivery, day3_b2c
    )
    assert numbers("?created_after=9999-12-31") == set()
    assert numbers("?channel=b2c") == ids(day3_b2c)
    assert numbers("?fulfilment=delivery") == ids(day2_delivery)
    assert numbers(f"?store={east.pk}&status=routed") == ids(day1)
    assert "1 order" in client.get(f"/hq/orders/?store={east.pk}&status=routed").content.decode()


def test_hq_list_pages_by_25_and_refuses_a_bad_filter(brand, hq, other_tenant):
    # given 26 orders, and a store of another brand
    store = brand.store("A01", stock={brand.lamp: 100})
    placed = [place(brand, (brand.lamp, 1), store=store, at=T0 + dt.timedelta(minutes=n)) for n in range(26)]
    with tenant_scope(other_tenant):
        foreign = make_store(other_tenant, code="X01")
    client = client_for(brand, hq)

    # when HQ opens the first and the second page, a page with a bad date, and another brand's store
    first = client.get("/hq/orders/")
    second = client.get("/hq/orders/?page=2")
    bad = client.get("/hq/orders/?created_after=yesterday")
    theirs = client.get(f"/hq/orders/?store={foreign.pk}")

    # then the newest 25 come first, the oldest on page 2, and the bad filters are named
    assert rows(first.content.decode(), "order-row", "data-order-id") == [str(o.pk) for o in reversed(placed[1:])]
    assert rows(second.content.decode(), "order-row", "data-order-id") == [str(placed[0].pk)]
    assert bad.status_code == 400
    assert "Enter a valid date." in bad.content.decode()
    assert theirs.status_code == 400
    assert rows(theirs.content.decode(), "order-row", "data-order-id") == []


def test_the_list_costs_the_same_queries_for_one_order_and_for_ten(brand, hq, django_assert_num_queries):
    # given one order
    store = brand.store("A01", stock={brand.lamp: 100, brand.bulb: 100})
    place(brand, (brand.lamp, 1), store=store)
    client = client_for(brand, hq)
    client.get("/hq/orders/")
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/hq/orders/")
    for _ in range(9):
        place(brand, (brand.lamp, 1), (brand.bulb, 1), store=store)

    # when HQ lists ten, then the same queries
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/hq/orders/")
    assert len(rows(response.content.decode(), "order-row", "data-order-id")) == 10


def test_hq_sees_the_routing_record_of_an_order(brand, hq, django_assert_num_queries):
    # given stores at 1, 2 and 3 km: the nearest lacks the lamp, the next does not pick up
    near = brand.store("A01", km=1, stock={brand.bulb: 5})
    middle = brand.store("B01", km=2, stock={brand.lamp: 5}, capabilities=["delivery"])
    far = brand.store("C01", km=3, stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1))
    client = client_for(brand, hq)
    client.get("/hq/orders/")

    # when HQ opens the order
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(f"/hq/orders/{order.pk}/")

    # then every store considered is listed by distance, with why it was excluded, and the chosen one
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(html, "routing-row", "data-store-id") == [str(near.pk), str(middle.pk), str(far.pk)]
    assert text_of(html, "routing-excluded") == ["Not enough stock", "Does not offer this fulfilment", ""]
    assert text_of(html, "routing-detail") == ["no stock of LAMP-1", "the store does not offer pick-up", ""]
    assert "Decided by: Nearest store" in html
    assert text_of(html, "order-store") == [f"C01 {far.name}"]
    assert rows(html, "timeline-step", "data-status") == ["routed"]


def test_hq_reads_the_routing_record_in_its_own_language(brand, hq):
    # given an order routed past a store without lamps and a store that does not pick up
    brand.store("A01", km=1, stock={brand.bulb: 5})
    brand.store("B01", km=2, stock={brand.lamp: 5}, capabilities=["delivery"])
    brand.store("C01", km=3, stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1))

    # when HQ opens it in Chinese
    response = client_for(brand, hq).get(f"/hq/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then why each store was passed over reads in Chinese
    html = response.content.decode()
    assert text_of(html, "routing-excluded") == ["库存不足", "不提供此履约方式", ""]
    assert text_of(html, "routing-detail") == ["LAMP-1 库存不足", "门店不提供自提", ""]


def test_hq_cancels_an_order_from_its_page(brand, hq, django_assert_num_queries):
    # given an order routed to a store, on its page at HQ
    store = brand.store("A01", stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 2), store=store)
    client = client_for(brand, hq)
    page = client.get(f"/hq/orders/{order.pk}/").content.decode()

    # when HQ cancels it with a reason
    data = {"page": "detail", "action": "cancel", "reason": "customer called"}
    with django_assert_num_queries(ACTION_QUERIES):
        response = client.post(f"/hq/orders/{order.pk}/action/", data)
    after = client.get(response["Location"]).content.decode()

    # then the page offered it, the order is cancelled, its stock released, and the page says so
    assert 'data-testid="cancel"' in page
    assert response["Location"] == f"/hq/orders/{order.pk}/"
    assert brand.order(order.pk).status == OrderStatus.CANCELLED
    assert brand.stock(store, brand.lamp) == (5, 0)
    assert f"Order {order.number} cancelled." in after


def test_a_refused_action_comes_back_to_the_order_page_keeping_what_was_typed(brand, hq):
    # given an order HQ cancelled already
    store = brand.store("A01", stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1), store=store)
    act(brand, "cancel_order", order, by=hq, as_staff=True)
    before = snapshot(brand, order)

    # when HQ, on a stale page, rejects it with a reason
    data = {"page": "detail", "action": "reject", "reason": "out of stock after all"}
    response = client_for(brand, hq).post(f"/hq/orders/{order.pk}/action/", data)

    # then the order's page says why (409), and nothing changed
    assert response.status_code == 409
    assert text_of(response.content.decode(), "action-error") == [
        f"Cannot reject order {order.number}: it is cancelled."
    ]
    assert text_of(response.content.decode(), "order-number") == [order.number]
    assert snapshot(brand, order) == before


# --- unroutable orders ------------------------------------------------------------------------


def test_manual_assignment_moves_an_unroutable_order_to_the_chosen_store(
    brand, hq, unroutable, django_assert_num_queries
):
    # given an unroutable order, and a store that has the lamps now
    order, _only, spare = unroutable
    brand.set_stock(spare, {brand.lamp: 4})
    client = client_for(brand, hq)
    client.get("/hq/orders/")
    with django_assert_num_queries(UNROUTABLE_QUERIES):
        queue = client.get("/hq/orders/unroutable/")
    assert rows(queue.content.decode(), "unroutable-order", "data-order-id") == [str(order.pk)]

    # when HQ assigns it to that store
    with django_assert_num_queries(ASSIGN_QUERIES):
        response = client.post(f"/hq/orders/{order.pk}/assign/", {f"o{order.pk}-store": spare.pk})
    after = client.get(response["Location"])

    # then it is routed there by hand, its stock reserved, and the unroutable queue is empty
    moved = brand.order(order.pk)
    assert (moved.status, moved.store_id, moved.routing_rule) == (OrderStatus.ROUTED, spare.pk, "manual")
    assert brand.stock(spare, brand.lamp) == (4, 2)
    html = after.content.decode()
    assert f"Order {order.number} assigned to B01 {spare.name}: it waits for the store to accept it." in html
    assert rows(html, "unroutable-order", "data-order-id") == []


def test_the_unroutable_queue_costs_the_same_queries_for_one_order_and_for_three(
    brand, hq, unroutable, django_assert_num_queries
):
    # given one unroutable order, then three
    _order, only, _spare = unroutable
    client = client_for(brand, hq)
    client.get("/hq/orders/")
    with django_assert_num_queries(UNROUTABLE_QUERIES):
        client.get("/hq/orders/unroutable/")
    for _ in range(2):
        brand.set_stock(only, {brand.lamp: 5})
        more = place(brand, (brand.lamp, 1))
        act(brand, "reject_order", more, by=brand.staff(only, username=f"m{more.pk}"), reason="busy")

    # when HQ opens the queue again, then it makes as many queries
    with django_assert_num_queries(UNROUTABLE_QUERIES):
        response = client.get("/hq/orders/unroutable/")
    assert len(rows(response.content.decode(), "unroutable-order", "data-order-id")) == 3


def test_assigning_to_a_store_without_the_stock_is_refused_and_changes_nothing(brand, hq, unroutable):
    # given an unroutable order and a store without the lamps
    order, _only, spare = unroutable
    before = snapshot(brand, order)

    # when HQ assigns it there
    response = client_for(brand, hq).post(f"/hq/orders/{order.pk}/assign/", {f"o{order.pk}-store": spare.pk})

    # then the refusal is shown with its status, the store chosen kept, and nothing changed
    html = response.content.decode()
    assert response.status_code == 409
    assert text_of(html, "assign-error") == ["B01 cannot take this order: no stock of LAMP-1."]
    assert f'<option value="{spare.pk}" selected>' in html
    assert snapshot(brand, order) == before


def test_assigning_to_another_brands_store_is_refused_and_changes_nothing(brand, hq, unroutable, other_tenant):
    # given an unroutable order and a store of another brand
    order, _only, _spare = unroutable
    with tenant_scope(other_tenant):
        foreign = make_store(other_tenant, code="X01")
    before = snapshot(brand, order)

    # when HQ names that store
    response = client_for(brand, hq).post(f"/hq/orders/{order.pk}/assign/", {f"o{order.pk}-store": foreign.pk})

    # then the choice is refused as unknown, and nothing changed
    assert response.status_code == 400
    assert text_of(response.content.decode(), "assign-error") == [f"Choose the store for order {order.number}."]
    assert snapshot(brand, order) == before
