"""POST /api/v1/orders/: routing end to end (rules.md 1) with real stores and stock, prices,
numbers, and the 400/422 answers that write nothing."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.utils import timezone

from members.models import GuideBinding, Member
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.models import Order, OrderEvent
from stores.models import Stock, StoreStaff
from tests.orders.conftest import body, regional_price
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db


def _candidates(response) -> dict[int, tuple[str | None, str]]:
    return {c["store"]: (c["excluded"], c["detail"]) for c in response.json()["routing"]["candidates"]}


def test_the_nearest_store_serves_when_no_other_rule_applies(brand, shopper):
    # given two direct stores with stock, 1 km and 3 km away
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    # when the consumer orders two lamps for delivery
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json")
    # then the nearest store has it, priced by the SKU, with two lamps reserved there
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["status"], order["store"], order["fulfilment"]) == ("routed", near.pk, "delivery")
    assert order["total"] == "398.00"
    assert [(line["sku"], line["quantity"], line["unit_price"], line["total"]) for line in order["lines"]] == [
        (brand.lamp.pk, 2, "199.00", "398.00")
    ]
    assert order["routing"]["reason"] == "nearest"
    assert [c["store"] for c in order["routing"]["candidates"]] == [near.pk]  # the consumer reads its store's
    assert order["routing"]["candidates"][0]["distance_km"] == pytest.approx(1.0, abs=0.01)
    assert order["booking"] is None
    assert re.fullmatch(r"\d{6}-[0-9A-HJKMNP-TV-Z]{6}", order["number"])
    assert brand.stock(near, brand.lamp) == (5, 2)
    assert brand.stock(far, brand.lamp) == (5, 0)


def test_a_franchise_territory_beats_a_nearer_direct_store(api, brand, shopper, hq_admin):
    # given a direct store next door and a franchise store 4 km away whose territory holds HOME's district
    direct = brand.store("DIRECT", km=0.5, stock={brand.lamp: 5})
    franchise = brand.store("FRAN", km=4.0, kind="franchise", territory=["310101"], stock={brand.lamp: 5})
    # when the consumer in that district orders
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    # then the franchisee gets the sale, and the routing record says why
    assert response.status_code == 201, response.content
    assert (response.json()["store"], response.json()["routing"]["reason"]) == (franchise.pk, "territory")
    assert _candidates(response) == {franchise.pk: (None, "")}
    detail = api(hq_admin, brand.tenant).get(f"/api/v1/orders/{response.json()['id']}/")
    assert _candidates(detail) == {direct.pk: (None, ""), franchise.pk: (None, "")}
    assert brand.stock(franchise, brand.lamp) == (5, 1)
    assert brand.stock(direct, brand.lamp) == (5, 0)


def test_the_chosen_store_that_lacks_one_sku_is_a_422_naming_it_with_the_nearest_alternatives(brand, shopper):
    # given the chosen store has lamps but no bulbs, and two stores that have both
    chosen = brand.store("CHOSEN", km=0.5, stock={brand.lamp: 5, brand.bulb: 0})
    second = brand.store("SECOND", km=2.0, stock={brand.lamp: 5, brand.bulb: 5})
    first = brand.store("FIRST", km=1.0, stock={brand.lamp: 5, brand.bulb: 5})
    before = snapshot(Stock, brand.tenant)
    # when the consumer insists on the chosen store
    response = shopper.post(
        "/api/v1/orders/", body(brand, (brand.lamp, 1), (brand.bulb, 3), store=chosen.pk), format="json"
    )
    # then 422 says why and lists the stores that could, nearest first; nothing is written
    assert response.status_code == 422, response.content
    error = response.json()
    assert error["code"] == "store_cannot_serve"
    assert "no stock of BULB-2" in error["detail"]
    assert (error["store"], error["reason"], error["why"]) == (chosen.pk, "no_stock", "no stock of BULB-2")
    assert [(a["store"], a["code"]) for a in error["alternatives"]] == [(first.pk, "FIRST"), (second.pk, "SECOND")]
    assert error["alternatives"][0]["distance_km"] == pytest.approx(1.0, abs=0.01)
    assert brand.orders() == 0
    assert snapshot(Stock, brand.tenant) == before


def test_the_chosen_store_wins_over_territory_and_distance(brand, shopper):
    # given a nearer store and a franchise territory, and a chosen store farther away
    brand.store("NEAR", km=0.5, stock={brand.lamp: 5})
    brand.store("FRAN", km=1.0, kind="franchise", territory=["310101"], stock={brand.lamp: 5})
    chosen = brand.store("CHOSEN", km=3.0, stock={brand.lamp: 5})
    # when the consumer chooses it
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), store=chosen.pk), format="json")
    # then it is routed there by customer choice
    assert response.status_code == 201, response.content
    assert (response.json()["store"], response.json()["routing"]["reason"]) == (chosen.pk, "customer_choice")


def test_the_bound_guides_store_beats_a_nearer_store(brand, shopper):
    # given the consumer is bound to a guide of a store 3 km away, and a store 1 km away
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    guide_store = brand.store("GUIDE", km=3.0, stock={brand.lamp: 5})
    guide = brand.staff(guide_store, Role.GUIDE)
    with tenant_scope(brand.tenant):
        post = StoreStaff.objects.get(user=guide)
        now = timezone.now()
        GuideBinding.objects.create(
            tenant=brand.tenant,
            member=brand.member,
            guide=post,
            store=guide_store,
            source="link",
            bound_at=now - dt.timedelta(days=1),
            bound_until=now + dt.timedelta(days=29),
        )
    # when the consumer orders
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    # then the guide's store serves, by the bound-guide rule
    assert response.status_code == 201, response.content
    assert (response.json()["store"], response.json()["routing"]["reason"]) == (guide_store.pk, "bound_guide")


def test_an_expired_binding_does_not_route_but_a_guide_code_does(brand, shopper):
    # given a binding that ended yesterday to a guide of store OLD, and a guide of store CODE
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    old = brand.store("OLD", km=2.0, stock={brand.lamp: 5})
    coded = brand.store("CODE", km=3.0, stock={brand.lamp: 5})
    old_guide, coded_guide = brand.staff(old, Role.GUIDE), brand.staff(coded, Role.GUIDE)
    with tenant_scope(brand.tenant):
        now = timezone.now()
        GuideBinding.objects.create(
            tenant=brand.tenant,
            member=brand.member,
            guide=StoreStaff.objects.get(user=old_guide),
            store=old,
            source="link",
            bound_at=now - dt.timedelta(days=31),
            bound_until=now - dt.timedelta(days=1),
        )
        code = StoreStaff.objects.get(user=coded_guide).code
    # when the consumer orders naming the second guide's code (lower case)
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), guide_code=code.lower()), format="json")
    # then that guide's store serves
    assert response.status_code == 201, response.content
    order = response.json()
    assert (order["store"], order["routing"]["reason"], order["guide_code"]) == (coded.pk, "bound_guide", code)


def test_no_candidate_is_a_422_unroutable_with_the_routing_record_and_nothing_written(api, brand, shopper, hq_admin):
    # given one store out of stock and one out of reach (radius 5 km, 8 km away)
    empty = brand.store("EMPTY", km=1.0, stock={brand.lamp: 0})
    remote = brand.store("REMOTE", km=8.0, stock={brand.lamp: 5})
    # when the consumer orders for delivery, then HQ for a customer by phone
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    by_hq = api(hq_admin, brand.tenant).post(
        "/api/v1/orders/", body(brand, (brand.lamp, 1), name="李娜", phone="13912345678"), format="json"
    )
    # then 422 unroutable: the consumer reads why by the count of each exclusion, never another
    # store's stock; HQ reads every store with why it was excluded; and no order
    assert response.status_code == 422, response.content
    error = response.json()
    assert error["code"] == "unroutable"
    assert error["detail"] == "No store can serve this order (Not enough stock: 1; Customer out of reach: 1)."
    assert error["routing"] == {"reason": "unroutable", "store": None, "candidates": []}
    assert by_hq.status_code == 422
    assert {c["store"]: c["excluded"] for c in by_hq.json()["routing"]["candidates"]} == {
        empty.pk: "no_stock",
        remote.pk: "out_of_reach",
    }
    assert brand.orders() == 0
    assert brand.stock(remote, brand.lamp) == (5, 0)


def test_the_price_is_the_fulfilling_stores_region_price_and_repeated_lines_are_merged(brand, shopper):
    # given a west-region price for lamps and a store in the west region
    regional_price(brand, brand.lamp, "west", "189.90")
    west = brand.store("WEST", km=1.0, region="west", stock={brand.lamp: 5, brand.bulb: 10})
    # when the consumer orders 1 lamp, 3 bulbs and 1 more lamp, and names a price of their own
    lines = body(brand, (brand.lamp, 1), (brand.bulb, 3), (brand.lamp, 1))
    lines["lines"][0]["unit_price"] = "1.00"
    response = shopper.post("/api/v1/orders/", lines, format="json")
    # then the lamps are one line at the region's price, bulbs at the SKU price; exact totals
    assert response.status_code == 201, response.content
    order = response.json()
    assert [(line["sku"], line["quantity"], line["unit_price"], line["total"]) for line in order["lines"]] == [
        (brand.lamp.pk, 2, "189.90", "379.80"),
        (brand.bulb.pk, 3, "12.50", "37.50"),
    ]
    assert order["total"] == "417.30"
    assert brand.stock(west, brand.lamp) == (5, 2)
    assert brand.stock(west, brand.bulb) == (10, 3)


def test_pickup_needs_no_location_and_records_the_placing_event(brand, shopper):
    # given one pick-up store
    store = brand.store("PICK", km=1.0, stock={brand.lamp: 1}, capabilities=["pickup"])
    # when the consumer orders for pick-up without a location
    response = shopper.post(
        "/api/v1/orders/",
        {"fulfilment": "pickup", "lines": [{"sku": brand.lamp.pk, "quantity": 1}], "visitor_id": "v-1"},
        format="json",
    )
    # then it is routed there, with the audit event and the store now serving the member
    assert response.status_code == 201, response.content
    assert (response.json()["store"], response.json()["routing"]["reason"]) == (store.pk, "nearest")
    with tenant_scope(brand.tenant):
        order = Order.objects.get()
        assert order.visitor_id == "v-1"
        assert list(OrderEvent.objects.values_list("from_status", "to_status", "store_id")) == [
            ("placed", "routed", store.pk)
        ]
        assert order.member.served_by.filter(store=store).exists()


def test_the_accept_deadline_is_the_brands_accept_within_minutes(brand, shopper):
    # given a brand that gives its stores 20 minutes
    brand.tenant.accept_within_minutes = 20
    with tenant_scope(brand.tenant):  # the application updates only the brand of its scope
        brand.tenant.save()
    brand.store("NEAR", km=1.0, stock={brand.lamp: 1})
    # when an order is placed
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    # then the store must accept it within 20 minutes of its creation
    order = brand.order(response.json()["id"])
    assert order.accept_by - order.created_at == pytest.approx(dt.timedelta(minutes=20), abs=dt.timedelta(seconds=1))


def test_an_anonymous_order_by_phone_creates_the_membership(api, brand):
    # given a store, and someone not signed in
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 1})
    # when they order by phone
    response = api(None, brand.tenant).post(
        "/api/v1/orders/", body(brand, (brand.lamp, 1), name="李娜", phone="139 1234 5678"), format="json"
    )
    # then the order belongs to a new membership of that phone
    assert response.status_code == 201, response.content
    with tenant_scope(brand.tenant):
        member = Member.objects.get(phone="+8613912345678")
        assert (member.name, member.user_id) == ("李娜", None)
        assert Order.objects.get().member_id == member.pk
        assert response.json()["store"] == store.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"sku": 0, "quantity": 1}]}, "lines"),
        ({"lines": []}, "lines"),
        ({"fulfilment": "teleport"}, "fulfilment"),
        ({"location": None}, "location"),
        ({"location": {"lat": 91, "lng": 121.47}}, "location"),
        ({"fulfilment": "experience"}, "slot"),
        ({"store": 999_999}, "store"),
        ({"slot": {"service": 1, "start": "2030-01-01T10:00:00+08:00"}}, "slot"),
        ({"channel": "tv"}, "channel"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(brand, shopper, change, field):
    # given a store that could serve
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    before = snapshot(Stock, brand.tenant)
    # when the body is wrong in one field
    response = shopper.post("/api/v1/orders/", {**body(brand, (brand.lamp, 1)), **change}, format="json")
    # then 400 names it, and nothing changed
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert brand.orders() == 0
    assert snapshot(Stock, brand.tenant) == before


def test_a_quantity_of_zero_is_a_400_naming_lines(brand, shopper):
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 0)), format="json")
    assert response.status_code == 400
    assert "quantity" in response.json()["errors"]["lines"][0]
    assert brand.orders() == 0


def test_an_inactive_sku_and_an_anonymous_order_without_phone_are_400(api, brand, shopper):
    # given a store with lamps, and the bulb taken off sale
    brand.store("NEAR", km=1.0, stock={brand.lamp: 5, brand.bulb: 5})
    with tenant_scope(brand.tenant):
        type(brand.bulb).objects.filter(pk=brand.bulb.pk).update(is_active=False)
    # then ordering the bulb names `lines`, and ordering anonymously without a phone names `phone`
    response = shopper.post("/api/v1/orders/", body(brand, (brand.bulb, 1)), format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["lines"])
    response = api(None, brand.tenant).post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["phone"])
    with tenant_scope(brand.tenant):
        assert Member.objects.count() == 1
    assert brand.orders() == 0


def test_a_closed_chosen_store_is_a_422_saying_so(brand, shopper):
    # given the chosen store is closed, and an open one nearby
    closed = brand.store("CLOSED", km=0.5, stock={brand.lamp: 5})
    open_store = brand.store("OPEN", km=1.0, stock={brand.lamp: 5})
    with tenant_scope(brand.tenant):
        type(closed).objects.filter(pk=closed.pk).update(is_active=False)
    # when the consumer chooses it
    response = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1), store=closed.pk), format="json")
    # then it cannot serve, being closed, and the open one is offered
    assert response.status_code == 422
    assert (response.json()["reason"], response.json()["why"]) == ("inactive", "the store is closed")
    assert [a["store"] for a in response.json()["alternatives"]] == [open_store.pk]


def test_a_taken_order_number_is_drawn_again_and_nothing_is_reserved_twice(brand, shopper):
    # given an order placed today
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    first = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    taken = first["number"][-6:]
    # when the random draw (a boundary) gives that suffix again, then another one
    draws = iter([*taken, *"ZZZZZZ"])
    with mock.patch("secrets.choice", side_effect=lambda alphabet: next(draws)):
        second = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json")
    # then the second order gets the new number, and its two lamps are reserved once
    assert second.status_code == 201, second.content
    assert second.json()["number"] == first["number"][:7] + "ZZZZZZ"
    assert brand.orders() == 2
    assert brand.stock(store, brand.lamp) == (5, 3)


def test_a_guide_places_an_order_for_a_customer_by_phone(api, brand):
    # given a guide of the store, and a customer in front of them
    store = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    guide = brand.staff(store, Role.GUIDE)
    # when the guide orders for the customer, by phone, as an in-store sale
    response = api(guide, brand.tenant).post(
        "/api/v1/orders/",
        {
            "fulfilment": "pickup",
            "lines": [{"sku": brand.lamp.pk, "quantity": 1}],
            "store": store.pk,
            "channel": "store",
            "name": "赵敏",
            "phone": "+8613600001111",
        },
        format="json",
    )
    # then the order is the customer's (their new membership), made by the guide
    assert response.status_code == 201, response.content
    with tenant_scope(brand.tenant):
        order = Order.objects.select_related("member").get()
        assert (str(order.member.phone), order.member.name, order.created_by_id, order.channel) == (
            "+8613600001111",
            "赵敏",
            guide.pk,
            "store",
        )


def test_a_422_speaks_the_callers_language(brand, shopper):
    # given one store out of stock and one out of reach
    brand.store("EMPTY", km=1.0, stock={brand.lamp: 0})
    brand.store("REMOTE", km=8.0, stock={brand.lamp: 5})
    # when a Chinese-speaking consumer orders for delivery
    order = body(brand, (brand.lamp, 1))
    response = shopper.post("/api/v1/orders/", order, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then no store can serve it, said in Chinese, with the exclusions by their Chinese labels
    assert response.status_code == 422
    assert response.json()["code"] == "unroutable"
    assert response.json()["detail"] == "没有门店能承接此订单（库存不足：1；顾客超出服务范围：1）。"
    # and in English it reads as before
    response = shopper.post("/api/v1/orders/", order, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["detail"] == "No store can serve this order (Not enough stock: 1; Customer out of reach: 1)."
    assert brand.orders() == 0


def test_why_a_chosen_store_cannot_serve_is_said_in_the_callers_language(api, brand, shopper, hq_admin):
    # given the chosen store has no bulbs, and a store farther away that has them but is out of reach
    chosen = brand.store("CHOSEN", km=0.5, stock={brand.lamp: 5, brand.bulb: 0})
    brand.store("REMOTE", km=8.0, stock={brand.lamp: 5, brand.bulb: 5})
    order = body(brand, (brand.lamp, 1), (brand.bulb, 3), store=chosen.pk)
    # when a Chinese-speaking consumer insists on the chosen store
    response = shopper.post("/api/v1/orders/", order, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the 422 says why in Chinese, with the chosen store's entry of the routing record alone
    assert response.status_code == 422
    error = response.json()
    assert (error["detail"], error["why"]) == ("所选门店无法承接此订单：BULB-2 库存不足。", "BULB-2 库存不足")
    assert [(c["code"], c["excluded"], c["detail"]) for c in error["routing"]["candidates"]] == [
        ("CHOSEN", "no_stock", "BULB-2 库存不足"),
    ]
    # and an English speaker reads it in English; HQ (ordering for a customer) reads every store
    response = shopper.post("/api/v1/orders/", order, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.json()["why"], response.json()["routing"]["candidates"][0]["detail"]) == (
        "no stock of BULB-2",
        "no stock of BULB-2",
    )
    by_hq = api(hq_admin, brand.tenant).post(
        "/api/v1/orders/",
        {**order, "name": "李娜", "phone": "13912345678"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert [(c["code"], c["excluded"], c["detail"]) for c in by_hq.json()["routing"]["candidates"]] == [
        ("CHOSEN", "no_stock", "BULB-2 库存不足"),
        ("REMOTE", "out_of_reach", "顾客不在门店的服务范围内"),
    ]
    assert brand.orders() == 0


def test_the_routing_record_is_kept_in_english_and_read_in_the_readers_language(brand, shopper, api, hq_admin):
    # given an order placed in Chinese, routed past a store without bulbs and a store that does not deliver
    brand.store("EMPTY", km=0.5, stock={brand.lamp: 5, brand.bulb: 0})
    brand.store("PICKUP", km=0.8, stock={brand.lamp: 5, brand.bulb: 5}, capabilities=["pickup"])
    served = brand.store("SERVED", km=2.0, stock={brand.lamp: 5, brand.bulb: 5})
    response = shopper.post(
        "/api/v1/orders/", body(brand, (brand.lamp, 1), (brand.bulb, 1)), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 201, response.content
    assert response.json()["store"] == served.pk
    assert [c["detail"] for c in response.json()["routing"]["candidates"]] == [""]  # its store's entry alone
    # then the order keeps the record in English, whoever placed it
    record = brand.order(response.json()["id"]).routing
    assert [(c["code"], c["detail"]) for c in record["candidates"]] == [
        ("EMPTY", "no stock of BULB-2"),
        ("PICKUP", "the store does not offer delivery"),
        ("SERVED", ""),
    ]
    # and HQ reads it in English, and in Chinese
    hq = api(hq_admin, brand.tenant)
    detail = hq.get(f"/api/v1/orders/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [c["detail"] for c in detail["routing"]["candidates"]] == [
        "no stock of BULB-2",
        "the store does not offer delivery",
        "",
    ]
    detail = hq.get(f"/api/v1/orders/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert [c["detail"] for c in detail["routing"]["candidates"]] == ["BULB-2 库存不足", "门店不提供配送", ""]


def test_a_routing_record_written_before_details_were_translatable_reads_as_written(api, brand, shopper, hq_admin):
    # given an order whose record holds only the English detail (as orders placed before it kept)
    brand.store("EMPTY", km=0.5, stock={brand.lamp: 0})
    brand.store("SERVED", km=2.0, stock={brand.lamp: 5})
    placed = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    with tenant_scope(brand.tenant):
        order = Order.objects.get(pk=placed["id"])
        for candidate in order.routing["candidates"]:
            candidate.pop("detail_code", None)
            candidate.pop("detail_arg", None)
        order.save(update_fields=["routing"])
    # when HQ reads it in Chinese
    response = api(hq_admin, brand.tenant).get(f"/api/v1/orders/{placed['id']}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the detail is the English text it kept
    assert [c["detail"] for c in response.json()["routing"]["candidates"]] == ["no stock of LAMP-1", ""]
