"""GET /api/v1/orders/ and /{id}/: who sees which orders, and the filters."""

from __future__ import annotations

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from o2o.choices import Role
from tests.orders.conftest import body

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def placed(api, brand, shopper, make_user):
    """NEAR's delivery order (late on 1 March, Shanghai time), FAR's pick-up order (early on 2
    March) by a second consumer, and the managers of both stores."""
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5}, capabilities=["pickup"])
    other = make_user(brand.tenant, Role.CONSUMER, username="+8613900000000")
    late_first = dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=late_first):
        first = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 1)), format="json").json()
    with mock.patch("django.utils.timezone.now", return_value=late_first + dt.timedelta(hours=1)):
        second = (
            api(other, brand.tenant)
            .post(
                "/api/v1/orders/",
                {"fulfilment": "pickup", "lines": [{"sku": brand.lamp.pk, "quantity": 1}], "store": far.pk},
                format="json",
            )
            .json()
        )
    return {
        "near": near,
        "far": far,
        "first": first["id"],
        "second": second["id"],
        "other": api(other, brand.tenant),
        "near_manager": api(brand.staff(near), brand.tenant),
        "far_guide": api(brand.staff(far, Role.GUIDE), brand.tenant),
    }


def test_each_role_sees_its_own_orders(api, brand, shopper, hq_admin, placed):
    assert _ids(api(hq_admin, brand.tenant).get("/api/v1/orders/")) == [placed["second"], placed["first"]]
    assert _ids(shopper.get("/api/v1/orders/")) == [placed["first"]]
    assert _ids(placed["other"].get("/api/v1/orders/")) == [placed["second"]]
    assert _ids(placed["near_manager"].get("/api/v1/orders/")) == [placed["first"]]
    assert _ids(placed["far_guide"].get("/api/v1/orders/")) == [placed["second"]]
    # and one order each, the others' being 404 like a missing one
    assert shopper.get(f"/api/v1/orders/{placed['first']}/").json()["total"] == "199.00"
    assert shopper.get(f"/api/v1/orders/{placed['second']}/").status_code == 404
    assert placed["near_manager"].get(f"/api/v1/orders/{placed['second']}/").status_code == 404


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "routed"}, ["second", "first"]),
        ({"status": "completed"}, []),
        ({"fulfilment": "pickup"}, ["second"]),
        ({"channel": "o2o"}, ["second", "first"]),
        ({"created_after": "2026-03-02"}, ["second"]),
        ({"created_before": "2026-03-01"}, ["first"]),
        ({"created_after": "2026-03-01", "created_before": "2026-03-01"}, ["first"]),
        ({"created_after": "2026-03-03"}, []),
        # the calendar's first and last days are days like any other (no instant lies beyond them)
        ({"created_after": "0001-01-01", "created_before": "9999-12-31"}, ["second", "first"]),
        ({"created_before": "0001-01-01"}, []),
        ({"created_after": "9999-12-31"}, []),
    ],
)
def test_hq_filters_by_status_fulfilment_channel_and_dates_in_the_brands_time_zone(
    api, brand, hq_admin, placed, filters, expected
):
    response = api(hq_admin, brand.tenant).get("/api/v1/orders/", filters)
    assert _ids(response) == [placed[name] for name in expected]


def test_hq_filters_by_store_and_number(api, brand, hq_admin, placed):
    hq = api(hq_admin, brand.tenant)
    assert _ids(hq.get("/api/v1/orders/", {"store": placed["far"].pk})) == [placed["second"]]
    number = hq.get(f"/api/v1/orders/{placed['first']}/").json()["number"]
    assert _ids(hq.get("/api/v1/orders/", {"q": number[-6:].lower()})) == [placed["first"]]


def test_a_bad_filter_is_a_400_naming_it(api, brand, hq_admin, placed):
    response = api(hq_admin, brand.tenant).get("/api/v1/orders/", {"status": "lost", "created_after": "yesterday"})
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["created_after", "status"]
