"""The store dashboard's order pages: the queue, one order of the store, and the store's actions.

Orders are placed with the real services; the clock is the only thing mocked. Stores are around
HOME (People's Square, Shanghai): `brand.store(code, km=...)` is `km` east of it.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest

from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.choices import OrderStatus
from orders.models import OrderEvent
from tests.orders.conftest import T0, act, client_for, clock, place, rows, snapshot, text_of, value_of

pytestmark = pytest.mark.django_db

# Pinned query counts (PostgreSQL, inside the test's transaction): session, user, roles, the staff
# post (once: the actor keeps it), the page's reads; an action adds its savepoint, the order's lock
# and writes. They do not grow with the number of orders.
QUEUE_QUERIES = 11
ACCEPT_QUERIES = 17  # then a redirect to the queue (was 17, with 2 staff queries)
ACCEPT_HTMX_QUERIES = 19  # the queue re-rendered in the same answer (was 21, with 4 staff queries)
DETAIL_QUERIES = 12
REFUSED_QUERIES = 18  # a refused accept (409): nothing written, the queue re-rendered


def staff_queries(captured: list[dict[str, str]]) -> int:
    return sum(1 for query in captured if "stores_storestaff" in query["sql"])


# --- the queue --------------------------------------------------------------------------------


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
    # given a store with one routed order
    mine = brand.store("A01", stock={brand.lamp: 50, brand.bulb: 50})
    manager = brand.staff(mine)
    place(brand, (brand.lamp, 1), (brand.bulb, 1), store=mine)
    client = client_for(brand, manager)
    client.get("/store/orders/")  # the session and the site's caches warmed up
    with django_assert_num_queries(QUEUE_QUERIES) as one:
        client.get("/store/orders/")
        staff_reads = staff_queries(one.captured_queries)  # read before the next request resets the log
    for _ in range(4):
        place(brand, (brand.lamp, 1), (brand.bulb, 2), store=mine)

    # when the manager opens the queue again with five orders
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get("/store/orders/")

    # then it makes as many queries as with one order, reading the staff post once
    assert len(rows(response.content.decode(), "incoming-order")) == 5
    assert staff_reads == 1


# --- the store's actions ----------------------------------------------------------------------


def test_accepting_from_the_queue_accepts_the_order_with_one_staff_query(brand, django_assert_num_queries):
    # given an order routed to the manager's store, and the manager on the queue
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 2), store=mine)
    client = client_for(brand, manager)
    client.get("/store/orders/")

    # when the manager accepts it
    with django_assert_num_queries(ACCEPT_QUERIES) as accepting:
        response = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"})
        staff_reads = staff_queries(accepting.captured_queries)
    queue = client.get(response["Location"])

    # then the order is accepted, at the cost of one read of the staff post, and the queue shows
    # it in progress with the next steps
    assert brand.order(order.pk).status == OrderStatus.ACCEPTED
    assert staff_reads == 1
    assert response["Location"] == "/store/orders/"
    html = queue.content.decode()
    assert f"Order {order.number} accepted: prepare it for the customer." in html
    assert rows(html, "incoming-order") == []
    assert rows(html, "progress-order") == [order.number]
    assert 'data-testid="ready"' in html
    assert 'data-testid="complete"' in html


def test_accepting_by_htmx_answers_the_queue_with_one_staff_query(brand, django_assert_num_queries):
    # given two orders routed to the manager's store
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 1), store=mine)
    place(brand, (brand.lamp, 1), store=mine)
    client = client_for(brand, manager)
    client.get("/store/orders/")

    # when the manager accepts one from the htmx button
    with django_assert_num_queries(ACCEPT_HTMX_QUERIES) as accepting:
        response = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"}, HTTP_HX_REQUEST="true")
        staff_reads = staff_queries(accepting.captured_queries)

    # then the answer is the re-rendered queue, the staff post read once for the action and the page
    assert response.status_code == 200
    assert staff_reads == 1
    assert rows(response.content.decode(), "progress-order") == [order.number]


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
        assert (last_event.reason, last_event.note) == ("rejected", "shop floor flooded")


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


def test_an_illegal_action_shows_the_409_message_in_the_readers_language_and_changes_nothing(
    brand, django_assert_num_queries
):
    # given an order the store has completed already
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 1), store=mine)
    act(brand, "accept_order", order, by=manager)
    act(brand, "complete_order", order, by=manager)
    before = snapshot(brand, order)
    client = client_for(brand, manager)
    client.get("/store/orders/")

    # when the manager tries to accept it (a stale page), in English, by htmx, then in Chinese
    with django_assert_num_queries(REFUSED_QUERIES):
        english = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"})
    fragment = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"}, HTTP_HX_REQUEST="true")
    chinese = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    # then each shows the conflict with its status, in the reader's language, and nothing changed;
    # htmx gets the queue's fragment, marked for the page to swap it in
    assert english.status_code == 409
    assert text_of(english.content.decode(), "action-error") == [
        f"Cannot accept order {order.number}: it is completed."
    ]
    assert fragment.status_code == 409
    assert fragment["X-Page-Error"] == "illegal_transition"
    assert fragment.content.decode().lstrip().startswith('<div id="order-queue"')
    assert chinese.status_code == 409
    assert text_of(chinese.content.decode(), "action-error") == [f"订单 {order.number} 当前状态为“已完成”，无法接单。"]
    assert snapshot(brand, order) == before


def test_a_guide_of_the_store_acts_on_its_orders_like_its_manager(brand):
    # given a guide of the store and an order routed there
    mine = brand.store("A01", stock={brand.lamp: 5})
    guide = brand.staff(mine, Role.GUIDE)
    order = place(brand, (brand.lamp, 1), store=mine)
    client = client_for(brand, guide)

    # when the guide opens the queue, then accepts the order
    page = client.get("/store/orders/")
    attempt = client.post(f"/store/orders/{order.pk}/action/", {"action": "accept"})

    # then they have the buttons, and the order is accepted (orders.policies: the store's staff)
    assert rows(page.content.decode(), "incoming-order") == [order.number]
    assert 'data-testid="accept"' in page.content.decode()
    assert attempt.status_code == 302
    assert brand.order(order.pk).status == OrderStatus.ACCEPTED


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


# --- one order of the store -------------------------------------------------------------------


def test_the_order_page_shows_its_lines_history_and_the_readers_actions(brand, django_assert_num_queries):
    # given an order routed to the store, seen by its manager
    mine = brand.store("A01", stock={brand.lamp: 5, brand.bulb: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 1), (brand.bulb, 2), store=mine)
    client = client_for(brand, manager)
    client.get("/store/orders/")

    # when the manager opens it
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(f"/store/orders/{order.pk}/")

    # then it shows the order, its history, and what a routed order may be: accepted, rejected, cancelled
    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "order-number") == [order.number]
    assert rows(html, "timeline-step", "data-status") == ["routed"]
    assert action_buttons(html) == {"accept", "reject", "cancel"}


def action_buttons(html: str) -> set[str]:
    """The actions the page offers (the buttons of its forms)."""
    return {
        name
        for name in ("accept", "reject", "ready", "complete", "cancel", "refund")
        if f'data-testid="{name}"' in html
    }


def test_a_refund_asking_too_much_is_refused_on_the_page_keeping_what_was_typed(brand):
    # given a completed order of 2 lamps, on its page at the store
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    order = place(brand, (brand.lamp, 2), store=mine)
    act(brand, "accept_order", order, by=manager)
    act(brand, "complete_order", order, by=manager)
    with tenant_scope(brand.tenant):
        line = order.lines.get()
    before = snapshot(brand, order)
    data = {"page": "detail", "action": "refund", f"qty_{line.pk}": "3", "reason": "broken in the box"}

    # when the manager asks to refund 3 of the 2 lamps
    response = client_for(brand, manager).post(f"/store/orders/{order.pk}/action/", data)

    # then the order's page comes back (400) with the error at the quantity, what was typed kept,
    # and nothing refunded
    html = response.content.decode()
    assert response.status_code == 400
    assert text_of(html, "order-number") == [order.number]
    assert "Ensure this value is less than or equal to 2." in html
    assert value_of(html, f"qty_{line.pk}") == "3"
    assert value_of(html, "reason") == "broken in the box"
    assert snapshot(brand, order) == before


def test_the_manager_refunds_a_line_from_the_order_page_but_a_guide_may_not(brand):
    # given a completed order of 2 lamps, the store's manager and a guide
    mine = brand.store("A01", stock={brand.lamp: 5})
    manager = brand.staff(mine)
    guide = brand.staff(mine, Role.GUIDE)
    order = place(brand, (brand.lamp, 2), store=mine)
    act(brand, "accept_order", order, by=manager)
    act(brand, "complete_order", order, by=manager)
    with tenant_scope(brand.tenant):
        line = order.lines.get()
    data = {"page": "detail", "action": "refund", f"qty_{line.pk}": "1"}
    before = snapshot(brand, order)

    # when the guide, then the manager, refund one lamp
    by_guide = client_for(brand, guide).post(f"/store/orders/{order.pk}/action/", data)
    guide_page = client_for(brand, guide).get(f"/store/orders/{order.pk}/")
    after_guide = snapshot(brand, order)
    by_manager = client_for(brand, manager).post(f"/store/orders/{order.pk}/action/", data, follow=True)

    # then the guide is refused (403, no refund form for them) and nothing changed; the manager's
    # refund is recorded and said
    assert by_guide.status_code == 403
    assert text_of(by_guide.content.decode(), "action-error") == [
        "Only HQ and the manager of the order's store may refund it."
    ]
    assert 'data-testid="refund-form"' not in guide_page.content.decode()
    assert after_guide == before
    assert f"Refunded 199.00 of order {order.number}." in by_manager.content.decode()
    assert str(brand.order(order.pk).refunded_amount) == "199.00"
