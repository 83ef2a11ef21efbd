"""The order pages: checkout and tracking (consumers), the store's queue, HQ's lists and assignment.

Orders are placed with the real services; the clock is the only thing mocked. Stores are around
HOME (People's Square, Shanghai): `brand.store(code, km=...)` is `km` east of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any, cast
from unittest import mock

import pytest
from django.test import Client

from bookings.models import Booking
from catalog.models import Sku
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders import services
from orders.choices import Channel, OrderStatus
from orders.models import Order, OrderEvent
from orders.routing import Location
from orders.services import LineInput
from stores.models import Store
from tests.orders.conftest import HOME, Brand
from tests.stores.factories import make_store

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
AT_HOME = Location(HOME["lat"], HOME["lng"], HOME["district"])


def clock(at: dt.datetime) -> mock._patch:
    """Stop the clock at `at` (the clock is a boundary: the only thing these tests mock)."""
    return mock.patch("django.utils.timezone.now", return_value=at)


def client_for(brand: Brand, user=None) -> Client:
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    if user is not None:
        client.force_login(user)
    return client


def place(
    brand: Brand,
    *lines: tuple[Sku, int],
    at: dt.datetime = T0,
    store: Store | None = None,
    fulfilment: str = "pickup",
    channel: str = Channel.O2O,
) -> Order:
    """An order of the brand's consumer, placed with the real service at `at`."""
    with tenant_scope(brand.tenant), clock(at):
        return services.place_order(
            tenant=brand.tenant,
            member=brand.member,
            lines=[LineInput(sku_id=sku.pk, quantity=quantity) for sku, quantity in lines],
            fulfilment=fulfilment,
            location=AT_HOME,
            chosen_store=store,
            slot=None,
            channel=channel,
            by=brand.consumer,
        )


def act(brand: Brand, action: str, order: Order, *, by, **kwargs) -> Order:
    with tenant_scope(brand.tenant):
        return getattr(services, action)(tenant=brand.tenant, order=order, by=by, **kwargs)


class _TestIds(HTMLParser):
    """The elements with a `data-testid`: their attributes and their text, in page order."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self.open: list[tuple[str, list[str] | None]] = []  # (tag, text parts of a test id or None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        parts: list[str] | None = None
        if "data-testid" in values:
            parts = []
            self.found.append((values["data-testid"], values, parts))
        if tag not in self.VOID:
            self.open.append((tag, parts))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _tag, parts in self.open:
            if parts is not None:
                parts.append(data)


def _parse(html: str) -> list[tuple[str, dict[str, str], list[str]]]:
    parser = _TestIds()
    parser.feed(html)
    return parser.found


def rows(html: str, testid: str, attribute: str = "data-number") -> list[str]:
    """The values of `attribute` of the elements with `data-testid=testid`, in page order."""
    return [attrs.get(attribute, "") for found, attrs, _ in _parse(html) if found == testid]


def text_of(html: str, testid: str) -> list[str]:
    """The text of the elements with `data-testid=testid`, whitespace collapsed."""
    return [re.sub(r"\s+", " ", "".join(parts)).strip() for found, _, parts in _parse(html) if found == testid]


def snapshot(brand: Brand, order: Order) -> tuple[Mapping[str, Any], int]:
    with tenant_scope(brand.tenant):
        return Order.objects.filter(pk=order.pk).values().get(), OrderEvent.objects.filter(order=order).count()


# --- the store's queue --------------------------------------------------------------------------


def test_the_queue_shows_exactly_the_routed_orders_of_the_managers_store_with_the_time_left(brand):
    # given two stores with stock, the manager of the first, and orders in several states
    mine = brand.store("A01", km=1, stock={brand.lamp: 10, brand.bulb: 10})
    theirs = brand.store("B01", km=2, stock={brand.lamp: 10})
    manager = brand.staff(mine)
    first = place(brand, (brand.lamp, 1), store=mine, at=T0)
    second = place(brand, (brand.bulb, 3), store=mine, at=T0 + dt.timedelta(minutes=2))
    accepted = place(brand, (brand.lamp, 2), store=mine, at=T0)
    act(brand, "accept_order", accepted, by=manager)
    elsewhere = place(brand, (brand.lamp, 1), store=theirs, at=T0)

    # when the manager opens the queue 5 minutes 30 seconds after the first order
    with clock(T0 + dt.timedelta(minutes=5, seconds=30)):
        response = client_for(brand, manager).get("/store/orders/")

    # then the incoming orders are exactly the store's routed ones, soonest deadline first, with
    # the time left to accept; the accepted one is in progress; the other store's is not there
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(html, "incoming-order") == [first.number, second.number]
    assert text_of(html, "countdown") == ["9:30 left", "11:30 left"]
    assert rows(html, "progress-order") == [accepted.number]
    assert text_of(html, "order-status") == ["Accepted"]
    assert elsewhere.number not in html
    assert "2 new orders to accept" in html


def test_the_polled_queue_is_the_partial_with_an_overdue_countdown(brand):
    # given an order routed to the manager's store
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 1), store=mine, at=T0)

    # when htmx polls the queue 42 seconds after the deadline
    with clock(T0 + dt.timedelta(minutes=15, seconds=42)):
        response = client_for(brand, manager).get("/store/orders/", HTTP_HX_REQUEST="true")

    # then it gets the queue partial alone, saying how late the order is
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="order-queue"')
    assert 'hx-trigger="every 5s"' in html
    assert rows(html, "incoming-order") == [order.number]
    assert text_of(html, "countdown") == ["overdue by 0:42"]


def test_the_queue_costs_the_same_queries_for_one_order_and_for_five(brand, django_assert_num_queries):
    # given a store with one routed order, then five
    mine = brand.store("A01", stock={brand.lamp: 50, brand.bulb: 50})
    manager = brand.staff(mine)
    place(brand, (brand.lamp, 1), (brand.bulb, 1), store=mine)
    client = client_for(brand, manager)
    client.get("/store/orders/")  # the session and the site's caches warmed up
    with django_assert_num_queries(12) as one:
        client.get("/store/orders/")
    for _ in range(4):
        place(brand, (brand.lamp, 1), (brand.bulb, 2), store=mine)

    # when the manager opens the queue again, then it makes as many queries as with one order
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/store/orders/")
    assert len(rows(response.content.decode(), "incoming-order")) == 5


def test_accepting_from_the_queue_accepts_the_order_and_shows_it_in_progress(brand):
    # given an order routed to the manager's store
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 2), store=mine)
    client = client_for(brand, manager)

    # when the manager accepts it
    response = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"}, follow=True)

    # then the order is accepted, and the queue shows it in progress with the next steps
    assert brand.order(order.pk).status == OrderStatus.ACCEPTED
    html = response.content.decode()
    assert response.redirect_chain == [("/store/orders/", 302)]
    assert f"Order {order.number} accepted: prepare it for the customer." in html
    assert rows(html, "incoming-order") == []
    assert rows(html, "progress-order") == [order.number]
    assert 'data-testid="ready"' in html
    assert 'data-testid="complete"' in html


def test_ready_then_complete_from_the_queue_by_htmx(brand):
    # given an accepted order
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 2), store=mine)
    act(brand, "accept_order", order, by=manager)
    client = client_for(brand, manager)

    # when the manager marks it ready, then completes it, from the htmx buttons
    ready = client.post(f"/store/orders/{order.pk}/action/", {"action": "ready"}, HTTP_HX_REQUEST="true")
    ready_status = brand.order(order.pk).status
    done = client.post(f"/store/orders/{order.pk}/action/", {"action": "complete"}, HTTP_HX_REQUEST="true")

    # then each answer is the re-rendered queue with the message, and the stock left the store
    assert ready.status_code == 200
    assert ready_status == OrderStatus.READY
    assert f"Order {order.number} is ready for the customer." in ready.content.decode()
    assert text_of(ready.content.decode(), "order-status") == ["Ready"]
    assert done.status_code == 200
    assert f"Order {order.number} completed." in done.content.decode()
    assert rows(done.content.decode(), "progress-order") == []
    assert brand.order(order.pk).status == OrderStatus.COMPLETED
    assert brand.stock(mine, brand.lamp) == (3, 0)


def test_rejecting_with_a_reason_sends_the_order_to_the_next_store(brand):
    # given an order routed to the nearest store, and another store that could serve it
    near = brand.store("A01", km=1, stock={brand.lamp: 5})
    far = brand.store("B01", km=3, stock={brand.lamp: 5})
    manager = brand.staff(near)
    order = place(brand, (brand.lamp, 2))
    assert order.store_id == near.pk

    # when the manager rejects it with a reason
    response = client_for(brand, manager).post(
        f"/store/orders/{order.pk}/action/", {"action": "reject", "reason": "shop floor flooded"}, follow=True
    )

    # then it is routed to the other store, with its reservation, and leaves this store's queue
    moved = brand.order(order.pk)
    assert (moved.status, moved.store_id, moved.declined_store_ids) == (OrderStatus.ROUTED, far.pk, [near.pk])
    assert brand.stock(near, brand.lamp) == (5, 0)
    assert brand.stock(far, brand.lamp) == (5, 2)
    html = response.content.decode()
    assert f"Order {order.number} rejected: it goes to another store." in html
    assert rows(html, "incoming-order") == []
    with tenant_scope(brand.tenant):
        last_event = cast(OrderEvent, OrderEvent.objects.filter(order=order).order_by("pk").last())
        assert last_event.note == "rejected: shop floor flooded"


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(brand):
    # given an order routed to the manager's store
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 1), store=mine)
    before = snapshot(brand, order)

    # when the manager rejects it without a reason
    response = client_for(brand, manager).post(f"/store/orders/{order.pk}/action/", {"action": "reject"})

    # then the page asks for the reason, and nothing changed
    assert response.status_code == 400
    assert text_of(response.content.decode(), "action-error") == [
        f"Give the reason for rejecting order {order.number}."
    ]
    assert snapshot(brand, order) == before


def test_an_illegal_action_shows_the_409_message_and_changes_nothing(brand):
    # given an order the store has completed already
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 1), store=mine)
    act(brand, "accept_order", order, by=manager)
    act(brand, "complete_order", order, by=manager)
    before = snapshot(brand, order)

    # when the manager tries to accept it (a stale page)
    response = client_for(brand, manager).post(f"/store/orders/{order.pk}/action/", {"action": "accept"})

    # then the page shows the conflict with its status, and nothing changed
    assert response.status_code == 409
    assert text_of(response.content.decode(), "action-error") == [
        f"Cannot accept order {order.number}: it is completed."
    ]
    assert snapshot(brand, order) == before


def test_a_guide_sees_the_queue_without_actions_and_may_not_act(brand):
    # given a guide of the store and an order routed there
    mine = brand.store("A01", stock={brand.lamp: 5})
    guide = brand.staff(mine, Role.GUIDE)
    order = place(brand, (brand.lamp, 1), store=mine)
    before = snapshot(brand, order)
    client = client_for(brand, guide)

    # when the guide opens the queue, then tries to accept the order
    page = client.get("/store/orders/")
    attempt = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"})

    # then they see the order but no buttons, and the action is refused with nothing changed
    assert rows(page.content.decode(), "incoming-order") == [order.number]
    assert 'data-testid="accept"' not in page.content.decode()
    assert attempt.status_code == 403
    assert snapshot(brand, order) == before


def test_another_stores_manager_cannot_act_on_the_order(brand):
    # given an order routed to one store and the manager of another
    mine = brand.store("A01", stock={brand.lamp: 5})
    other = brand.store("B01", km=2, stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1), store=mine)
    before = snapshot(brand, order)

    # when the other store's manager tries to accept it
    response = client_for(brand, brand.staff(other)).post(f"/store/orders/{order.pk}/action/", {"action": "accept"})

    # then the order does not exist for them, and nothing changed
    assert response.status_code == 404
    assert snapshot(brand, order) == before


# --- HQ ---------------------------------------------------------------------------------------


@pytest.fixture
def hq(brand, make_user):
    return make_user(brand.tenant, Role.HQ_STAFF, username="alpha-hq")


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


def test_hq_list_pages_by_25_and_refuses_a_bad_filter(brand, hq):
    # given 26 orders
    store = brand.store("A01", stock={brand.lamp: 100})
    placed = [place(brand, (brand.lamp, 1), store=store, at=T0 + dt.timedelta(minutes=n)) for n in range(26)]
    client = client_for(brand, hq)

    # when HQ opens the first and the second page, and a page with a bad date
    first = client.get("/hq/orders/")
    second = client.get("/hq/orders/?page=2")
    bad = client.get("/hq/orders/?created_after=yesterday")

    # then the newest 25 come first, the oldest on page 2, and the bad filter is named
    assert rows(first.content.decode(), "order-row", "data-order-id") == [str(o.pk) for o in reversed(placed[1:])]
    assert rows(second.content.decode(), "order-row", "data-order-id") == [str(placed[0].pk)]
    assert bad.status_code == 400
    assert "Enter a valid date." in bad.content.decode()


def test_hq_sees_the_routing_record_of_an_order(brand, hq):
    # given stores at 1, 2 and 3 km: the nearest lacks the lamp, the next does not pick up
    near = brand.store("A01", km=1, stock={brand.bulb: 5})
    middle = brand.store("B01", km=2, stock={brand.lamp: 5}, capabilities=["delivery"])
    far = brand.store("C01", km=3, stock={brand.lamp: 5})
    order = place(brand, (brand.lamp, 1))

    # when HQ opens the order
    response = client_for(brand, hq).get(f"/hq/orders/{order.pk}/")

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


@pytest.fixture
def unroutable(brand):
    """An order rejected by the only store that had the lamp: nobody left to take it."""
    only = brand.store("A01", km=1, stock={brand.lamp: 5})
    spare = brand.store("B01", km=2)
    order = place(brand, (brand.lamp, 2))
    act(brand, "reject_order", order, by=brand.staff(only), reason="no staff today")
    assert brand.order(order.pk).status == OrderStatus.UNROUTABLE
    return order, only, spare


def test_manual_assignment_moves_an_unroutable_order_to_the_chosen_store(brand, hq, unroutable):
    # given an unroutable order, and a store that has the lamps now
    order, _only, spare = unroutable
    brand.set_stock(spare, {brand.lamp: 4})
    client = client_for(brand, hq)
    queue = client.get("/hq/orders/unroutable/")
    assert rows(queue.content.decode(), "unroutable-order", "data-order-id") == [str(order.pk)]

    # when HQ assigns it to that store
    response = client.post(f"/hq/orders/{order.pk}/assign/", {f"o{order.pk}-store": spare.pk}, follow=True)

    # then it is routed there by hand, its stock reserved, and the unroutable queue is empty
    moved = brand.order(order.pk)
    assert (moved.status, moved.store_id, moved.routing_rule) == (OrderStatus.ROUTED, spare.pk, "manual")
    assert brand.stock(spare, brand.lamp) == (4, 2)
    html = response.content.decode()
    assert f"Order {order.number} assigned to B01 {spare.name}: it waits for the store to accept it." in html
    assert rows(html, "unroutable-order", "data-order-id") == []


def test_assigning_to_a_store_without_the_stock_is_refused_and_changes_nothing(brand, hq, unroutable):
    # given an unroutable order and a store without the lamps
    order, _only, spare = unroutable
    before = snapshot(brand, order)

    # when HQ assigns it there
    response = client_for(brand, hq).post(f"/hq/orders/{order.pk}/assign/", {f"o{order.pk}-store": spare.pk})

    # then the refusal is shown with its status, and nothing changed
    assert response.status_code == 409
    assert text_of(response.content.decode(), "assign-error") == ["B01 cannot take this order: no stock of LAMP-1."]
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


# --- consumers --------------------------------------------------------------------------------


def checkout_data(brand: Brand, **values) -> dict:
    data = {
        "fulfilment": "pickup",
        f"qty_{brand.lamp.pk}": "2",
        f"qty_{brand.bulb.pk}": "1",
        "lat": str(HOME["lat"]),
        "lng": str(HOME["lng"]),
    }
    data.update(values)
    return data


def test_the_store_picker_shows_each_stores_distance_availability_and_total(brand):
    # given a near store without bulbs, a farther one with everything at its region's lamp price
    near = brand.store("A01", km=1, stock={brand.lamp: 5})
    far = brand.store("B01", km=3, region="north", stock={brand.lamp: 5, brand.bulb: 5})
    from tests.orders.conftest import regional_price

    regional_price(brand, brand.lamp, "north", "189.00")

    # when a visitor picks 2 lamps and a bulb, near HOME (the htmx refresh of the picker)
    response = client_for(brand).get("/shop/checkout/", checkout_data(brand), HTTP_HX_REQUEST="true")

    # then the stores come nearest first, with distance, whether they have it all and the total,
    # and routing's choice is offered first
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(html, "store-option", "data-store-id") == [str(near.pk), str(far.pk)]
    assert text_of(html, "distance") == ["1.0 km", "3.0 km"]
    assert text_of(html, "availability") == ["no stock of BULB-2", "Has all your items"]
    assert text_of(html, "store-total") == ["Total 410.50", "Total 390.50"]
    assert text_of(html, "store-auto") == [f"Let us choose: {far.name} (Nearest store)"]

    # and a Chinese-speaking visitor reads why the near store cannot serve in Chinese
    response = client_for(brand).get(
        "/shop/checkout/", checkout_data(brand), HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert text_of(response.content.decode(), "availability")[0] == "BULB-2 库存不足"


def test_a_visitor_checks_out_by_phone_and_sees_the_confirmation(brand):
    # given a store with the lamps and bulbs
    store = brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand)

    # when a visitor without an account orders 2 lamps and a bulb for pick-up, with name and phone
    response = client.post("/shop/checkout/", checkout_data(brand, name="李娜", phone="13912345678"), follow=True)

    # then the order is placed for a new membership of that phone, and the page confirms it
    with tenant_scope(brand.tenant):
        order = Order.objects.select_related("member").get()
    assert (str(order.member.phone), order.member.name, order.status) == ("+8613912345678", "李娜", "routed")
    assert response.redirect_chain == [(f"/shop/orders/{order.pk}/", 302)]
    html = response.content.decode()
    assert text_of(html, "order-number") == [order.number]
    assert text_of(html, "order-status") == ["Routed"]
    assert text_of(html, "order-store")[0].startswith(store.name)
    assert text_of(html, "order-total") == ["410.50"]
    assert html.count('data-testid="order-line"') == 2
    assert rows(html, "timeline-step", "data-status") == ["routed"]
    assert f"Thank you! Your order {order.number} is placed." in html


def test_the_confirmation_is_only_for_the_browser_that_ordered_or_its_owner(brand, make_user):
    # given an order placed by phone in one browser
    brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    client_for(brand).post("/shop/checkout/", checkout_data(brand, name="李娜", phone="13912345678"))
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    other_consumer = make_user(brand.tenant, Role.CONSUMER, username="+8613700000000")

    # when another browser, then another consumer, open its page
    stranger = client_for(brand).get(f"/shop/orders/{order.pk}/")
    someone_else = client_for(brand, other_consumer).get(f"/shop/orders/{order.pk}/")

    # then the stranger is asked to log in, and the other consumer finds no such order
    assert stranger.status_code == 302
    assert stranger["Location"] == f"/login/?next=/shop/orders/{order.pk}/"
    assert someone_else.status_code == 404


def test_a_signed_in_consumer_checks_out_as_their_membership_and_lists_their_orders(brand, make_user):
    # given a store, and an order of another member
    store = brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand, brand.consumer)
    other = client_for(brand).post("/shop/checkout/", checkout_data(brand, name="李娜", phone="13912345678"))
    assert other.status_code == 302

    # when the signed-in consumer orders (no name or phone asked) and opens their orders
    form = client.get("/shop/checkout/")
    placed = client.post("/shop/checkout/", checkout_data(brand, **{f"qty_{brand.bulb.pk}": "0"}))
    mine = client.get("/shop/orders/")

    # then the order is theirs, and their list shows it alone
    with tenant_scope(brand.tenant):
        order = Order.objects.get(member=brand.member)
    assert 'name="phone"' not in form.content.decode()
    assert text_of(form.content.decode(), "ordering-as") == [f"Ordering as {brand.consumer}."]
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    assert (order.store_id, str(order.total_amount)) == (store.pk, "398.00")
    assert rows(mine.content.decode(), "order-row", "data-order-id") == [str(order.pk)]


def test_a_chosen_store_that_cannot_serve_shows_why_and_the_stores_that_can(brand):
    # given a near store without bulbs and a farther one with everything
    near = brand.store("A01", km=1, stock={brand.lamp: 5})
    far = brand.store("B01", km=3, stock={brand.lamp: 5, brand.bulb: 5})
    client = client_for(brand)
    data = checkout_data(brand, name="李娜", phone="13912345678", store=str(near.pk))

    # when the visitor insists on the near store
    refused = client.post("/shop/checkout/", data)

    # then the page says why (422), offers the store that can, and no order is placed
    html = refused.content.decode()
    assert refused.status_code == 422
    assert text_of(html, "refusal-detail") == ["The chosen store cannot serve this order: no stock of BULB-2."]
    chinese = client_for(brand).post("/shop/checkout/", data, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert text_of(chinese, "refusal-detail") == ["所选门店无法承接此订单：BULB-2 库存不足。"]
    assert rows(html, "alternative", "value") == [str(far.pk)]
    assert brand.orders() == 0

    # when they pick the store offered
    placed = client.post("/shop/checkout/", {**data, "pick_store": str(far.pk)})

    # then the order goes there, as their choice
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    assert (order.store_id, order.routing_rule) == (far.pk, "customer_choice")


def test_checkout_without_items_or_contact_is_refused_and_places_nothing(brand):
    # given a store with stock
    brand.store("A01", stock={brand.lamp: 5})

    # when a visitor submits no items and no phone
    response = client_for(brand).post("/shop/checkout/", {"fulfilment": "pickup"})

    # then the form names what is missing, and no order is placed
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one item." in html
    assert "Give your mobile phone number, or log in." in html
    assert brand.orders() == 0


def test_a_try_in_store_checkout_shows_the_visit_times_and_books_the_one_picked(brand):
    # given a showroom offering a 30-minute fitting (two places a slot), and the clock at 10:00
    from stores.services import ServiceOffering, set_store_services
    from tests.stores.factories import make_service

    showroom = brand.store("A01", km=1, capabilities=["pickup", "services"], stock={brand.lamp: 5, brand.bulb: 5})
    with tenant_scope(brand.tenant):
        fitting = make_service(brand.tenant, name="Frame fitting", duration_minutes=30)
        set_store_services(
            tenant=brand.tenant, store=showroom, offerings=[ServiceOffering(service_id=fitting.pk, capacity=2)]
        )
    client = client_for(brand, brand.consumer)
    data = checkout_data(brand, fulfilment="experience", service=str(fitting.pk), visit_date="2026-05-05")

    # when the consumer picks the fitting and tomorrow, then a time, and places the order
    with clock(T0):
        picker = client.get("/shop/checkout/", data, HTTP_HX_REQUEST="true")
        start = dt.datetime(2026, 5, 5, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        placed = client.post(
            "/shop/checkout/", {**data, "slot_store": str(showroom.pk), "slot_start": start.isoformat()}
        )

    # then the picker lists the showroom's times of that day (on its clock), and the order holds
    # the visit booked at the time picked, at that showroom
    html = picker.content.decode()
    assert rows(html, "store-option", "data-store-id") == [str(showroom.pk)]
    times = re.findall(r'<option value="([^"]+)"[^>]*>(\d\d:\d\d) · 2 places left', html)
    assert times[:3] == [
        ("2026-05-05T02:00:00+00:00", "10:00"),
        ("2026-05-05T02:30:00+00:00", "10:30"),
        ("2026-05-05T03:00:00+00:00", "11:00"),
    ]
    assert len(times) == 24  # 10:00 to 21:30, every 30 minutes, the last ending at closing time
    with tenant_scope(brand.tenant):
        order = Order.objects.select_related("booking").get()
    assert placed["Location"] == f"/shop/orders/{order.pk}/"
    assert (order.fulfilment, order.store_id, cast(Booking, order.booking).start_at) == (
        "experience",
        showroom.pk,
        start,
    )
