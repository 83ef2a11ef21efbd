"""The stores in the HQ admin: scoped to the brand, writes through the services, import all or nothing."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from o2o.tenancy import tenant_scope
from stores.models import Stock, Store, StoreContract, TerritoryDistrict
from stores.services import StockLevel, set_stock
from tests.stores.factories import make_sku, make_store, snapshot

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "kind", "region", "city", "address", "lat", "lng", "territory", "capabilities"]


@pytest.fixture
def admin_client(tenant, hq_admin):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


def _csv(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return SimpleUploadedFile("stores.csv", buffer.getvalue().encode())


def _store_form(**overrides):
    data = {
        "code": "AD01",
        "name": "Admin store",
        "kind": "franchise",
        "region": "east",
        "city": "Shanghai",
        "district": "310101",
        "address": "1 Admin Road",
        "phone": "",
        "lat": "31.2",
        "lng": "121.4",
        "service_radius_km": "5.00",
        "timezone": "Asia/Shanghai",
        "opening_hours": '{"mon": [["10:00", "22:00"]], "tue": [], "wed": [], "thu": [], "fri": [], "sat": [], '
        '"sun": []}',
        "offers_pickup": "on",
        "is_active": "on",
        "territory-TOTAL_FORMS": "2",
        "territory-INITIAL_FORMS": "0",
        "territory-MIN_NUM_FORMS": "0",
        "territory-MAX_NUM_FORMS": "1000",
        "territory-0-district": "310101",
        "territory-1-district": "310104",
        "contracts-TOTAL_FORMS": "0",
        "contracts-INITIAL_FORMS": "0",
        "contracts-MIN_NUM_FORMS": "0",
        "contracts-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "path",
    [
        "/admin/stores/store/",
        "/admin/stores/store/add/",
        "/admin/stores/store/import/",
        "/admin/stores/store/export/",
        "/admin/stores/storestaff/",
        "/admin/stores/stock/",
        "/admin/stores/stock/add/",
    ],
)
def test_the_stores_admin_pages_open_for_hq(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_the_admin_lists_the_brands_stores_only(admin_client, tenant, other_tenant):
    with tenant_scope(tenant):
        make_store(tenant, code="OURS", name="Our store")
    with tenant_scope(other_tenant):
        make_store(other_tenant, code="THEIRS", name="Their store")
    page = admin_client.get("/admin/stores/store/").content.decode()
    assert "Our store" in page
    assert "Their store" not in page


def test_a_store_added_in_the_admin_gets_its_territory_and_its_kinds_opening_contract(admin_client, tenant):
    response = admin_client.post("/admin/stores/store/add/", _store_form())
    assert response.status_code == 302, response.content.decode()[-3000:]
    with tenant_scope(tenant):
        store = Store.objects.get(code="AD01")
        assert sorted(TerritoryDistrict.objects.filter(store=store).values_list("district", flat=True)) == [
            "310101",
            "310104",
        ]
        assert list(StoreContract.objects.filter(store=store).values_list("sales_share_rate", "tac_chargeable")) == [
            (Decimal("0.9200"), True)
        ]
        assert store.opening_hours["mon"] == [["10:00", "22:00"]]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"opening_hours": '{"mon": []}'}, "Name each of the days mon, tue, wed, thu, fri, sat, sun once: missing"),
        ({"territory-1-district": "310101"}, "This district is listed twice."),
    ],
)
def test_bad_hours_or_a_repeated_district_come_back_as_form_errors_and_nothing_is_written(
    admin_client, tenant, overrides, message
):
    response = admin_client.post("/admin/stores/store/add/", _store_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(Store, tenant) == []


def test_the_admin_import_previews_then_confirms_and_refuses_a_file_with_a_bad_row(admin_client, tenant):
    good = [
        ["SH01", "People's Square", "direct", "east", "Shanghai", "1 Road", "31.23", "121.47", "", "pickup"],
        ["HZ02", "West Lake", "franchise", "east", "Hangzhou", "2 Road", "30.27", "120.15", "330106", "pickup"],
    ]
    # when HQ uploads a file whose third line has a bad kind
    bad = [good[0], [*good[1][:2], "kiosk", *good[1][3:]]]
    response = admin_client.post(
        "/admin/stores/store/import/", {"resource": "0", "format": "0", "import_file": _csv(bad)}
    )
    # then the error is shown with its line, no confirmation is offered, and nothing is written
    page = response.content.decode()
    assert response.status_code == 200
    assert "One of direct, franchise, counter." in page
    assert "process_import" not in page
    assert snapshot(Store, tenant) == []
    # when HQ uploads a good file (a dry run), then confirms it
    preview = admin_client.post(
        "/admin/stores/store/import/", {"resource": "0", "format": "0", "import_file": _csv(good)}
    )
    assert snapshot(Store, tenant) == []
    hidden = dict(re.findall(r'name="(\w+)" value="([^"]*)"', preview.content.decode()))
    confirm = {key: hidden[key] for key in ("import_file_name", "original_file_name", "format", "resource")}
    assert admin_client.post("/admin/stores/store/process_import/", confirm).status_code == 302
    # then both stores exist, with their opening contracts
    with tenant_scope(tenant):
        assert sorted(StoreContract.objects.values_list("store__code", "sales_share_rate")) == [
            ("HZ02", Decimal("0.9200")),
            ("SH01", Decimal("0.0000")),
        ]


def test_the_stock_admin_refuses_on_hand_below_reserved(admin_client, tenant):
    with tenant_scope(tenant):
        store = make_store(tenant)
        sku = make_sku(tenant)
        (row,) = set_stock(tenant=tenant, store=store, levels=[StockLevel(sku_id=sku.pk, on_hand=5)])
        Stock.objects.filter(pk=row.pk).update(reserved=3)
    before = snapshot(Stock, tenant)
    response = admin_client.post(f"/admin/stores/stock/{row.pk}/change/", {"on_hand": "2"})
    assert response.status_code == 200
    assert "3 are reserved for open orders." in response.content.decode()
    assert snapshot(Stock, tenant) == before
    # and a count at or above the reservations is set through the service
    assert admin_client.post(f"/admin/stores/stock/{row.pk}/change/", {"on_hand": "4"}).status_code == 302
    with tenant_scope(tenant):
        assert Stock.objects.filter(pk=row.pk).values_list("on_hand", "reserved").get() == (4, 3)


def test_a_taken_code_comes_back_as_a_form_error_and_nothing_is_written(admin_client, tenant):
    with tenant_scope(tenant):
        make_store(tenant, code="AD01")
    before = snapshot(Store, tenant)
    response = admin_client.post("/admin/stores/store/add/", _store_form())
    assert response.status_code == 200
    assert "Store with this Tenant and Code already exists." in response.content.decode()
    assert snapshot(Store, tenant) == before
