"""Amounts and quantities are written with the digits 0-9 (o2o.fields): Python's Decimal and int
also read full-width ("１２３.００") and other scripts' digits, which the API and the portal forms
accepted as a price, a stock count or a quantity. Each is a 400 naming the field, nothing written;
and a digit Python cannot even convert ("²") is a 4xx, no longer a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from orders.models import Order
from stores.models import Stock, Store, StoreContract, StoreService
from stores.services import StockLevel, set_stock
from tests.stores.factories import make_service, make_sku, make_store, snapshot

pytestmark = pytest.mark.django_db

MESSAGE = "Write the number with the digits 0-9."
MODELS = (Category, Product, Sku, RegionalPrice, Service, Store, StoreContract, Stock, StoreService, Order)


@pytest.fixture
def rows(tenant) -> dict[str, Any]:
    """A store offering services, a SKU and a service of the brand."""
    with tenant_scope(tenant):
        store = make_store(tenant, code="SH01", capabilities=["pickup", "services"])
        return {"store": store, "sku": make_sku(tenant), "service": make_service(tenant)}


def everything(tenant) -> list[list[dict[str, Any]]]:
    return [snapshot(model, tenant) for model in MODELS]


def requests(rows: dict[str, Any]) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """(method, path, body, the errors expected) for each money or quantity input of the API."""
    store, sku, service = rows["store"].pk, rows["sku"].pk, rows["service"].pk
    category = rows["sku"].product.category_id
    return [
        (
            "post",
            "/api/v1/services/",
            {"name": "Fit", "duration_minutes": 30, "price": "１２３.００"},
            {"price": [MESSAGE]},
        ),
        ("post", "/api/v1/services/", {"name": "Fit", "duration_minutes": 30, "price": "١٢٣"}, {"price": [MESSAGE]}),
        (
            "post",
            "/api/v1/services/",
            {"name": "Fit", "duration_minutes": "３０", "price": "0.00"},
            {"duration_minutes": [MESSAGE]},
        ),
        (
            "post",
            "/api/v1/products/",
            {"name": "Lamp", "category": category, "skus": [{"code": "L-9", "name": "Small", "price": "１０.００"}]},
            {"skus": [{"price": [MESSAGE]}]},
        ),
        ("post", "/api/v1/price-lists/", {"region": "north", "sku": sku, "price": "１２.００"}, {"price": [MESSAGE]}),
        ("patch", f"/api/v1/stores/{store}/", {"service_radius_km": "５"}, {"service_radius_km": [MESSAGE]}),
        (
            "patch",
            f"/api/v1/stores/{store}/",
            {"contract": {"sales_share_rate": "０.５"}},
            {"contract": {"sales_share_rate": [MESSAGE]}},
        ),
        (
            "put",
            f"/api/v1/stores/{store}/stock/",
            [{"sku": sku, "on_hand": "１２"}],
            {"on_hand": [f"row 1: {MESSAGE}"]},
        ),
        (
            "put",
            f"/api/v1/stores/{store}/services/",
            [{"service": service, "capacity": "２"}],
            {"capacity": [f"row 1: {MESSAGE}"]},
        ),
        (
            "post",
            "/api/v1/orders/",
            {"fulfilment": "pickup", "lines": [{"sku": sku, "quantity": "２"}], "name": "Li", "phone": "13800138000"},
            {"lines": [{"quantity": [MESSAGE]}]},
        ),
    ]


def test_every_money_and_quantity_input_of_the_api_refuses_other_digits(api, tenant, hq_admin, rows):
    client = api(hq_admin, tenant)
    before = everything(tenant)
    for method, path, body, errors in requests(rows):
        # when HQ sends the amount or count in full-width (or Arabic-Indic) digits
        response = getattr(client, method)(path, body, format="json")
        # then it is a 400 naming the field
        assert (response.status_code, response.json()["errors"]) == (400, errors), (method, path)
    # and nothing was written
    assert everything(tenant) == before


def test_a_product_import_refuses_a_price_in_other_digits(api, tenant, hq_admin):
    # given a CSV whose only row has a full-width price
    upload = SimpleUploadedFile(
        "products.csv", "category,product,sku_code,sku_name,price\nLamps,Lamp,L-1,Small,１０.００\n".encode()
    )
    # when HQ imports it
    response = api(hq_admin, tenant).post("/api/v1/imports/products/", {"file": upload}, format="multipart")
    # then the row is refused, naming the price, and nothing is imported
    assert response.status_code == 400
    assert response.json()["errors"] == {"rows": [{"line": 2, "field": "price", "message": MESSAGE}]}
    assert snapshot(Product, tenant) == []


def portal(tenant, user) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


def test_the_price_list_editor_refuses_a_price_in_other_digits(tenant, hq_admin, rows):
    # when HQ types a full-width price in a cell of the price list
    cell = {"sku": rows["sku"].pk, "region": "north", "price": "１２.００"}
    response = portal(tenant, hq_admin).post("/hq/price-lists/", cell, HTTP_HX_REQUEST="true")
    # then the cell shows why, and no regional price is set
    assert response.status_code == 400
    assert response.context["cell"].form.errors == {"price": [MESSAGE]}
    assert snapshot(RegionalPrice, tenant) == []


def test_the_stock_table_refuses_a_count_in_other_digits(tenant, rows, make_staff):
    # given the store's manager and its stock of the SKU
    manager = make_staff(rows["store"], Role.STORE_MANAGER)
    with tenant_scope(tenant):
        set_stock(tenant=tenant, store=rows["store"], levels=[StockLevel(sku_id=rows["sku"].pk, on_hand=3)])
    before = snapshot(Stock, tenant)
    # when they type a full-width count in the SKU's row
    response = portal(tenant, manager).post(
        f"/store/stock/{rows['sku'].pk}/", {"on_hand": "１２"}, HTTP_HX_REQUEST="true"
    )
    # then the row shows why, and the stock is as it was
    assert response.context["row"].form.errors == {"on_hand": [MESSAGE]}
    assert snapshot(Stock, tenant) == before


def test_the_shop_checkout_refuses_a_quantity_in_other_digits(tenant, rows, make_user):
    # given a consumer in the shop
    consumer = make_user(tenant, Role.CONSUMER, username="+8613800138000")
    # when they order a full-width quantity of the SKU
    data = {"fulfilment": "pickup", f"qty_{rows['sku'].pk}": "２", "lat": "31.2304", "lng": "121.4737"}
    response = portal(tenant, consumer).post("/shop/checkout/", data)
    # then the field says why, and no order is placed
    assert response.status_code == 400
    assert response.context["form"].errors[f"qty_{rows['sku'].pk}"] == [MESSAGE]
    assert snapshot(Order, tenant) == []


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        ("/api/v1/stores/", {"near": "31.2304,121.4737", "has_stock": "²"}, "has_stock"),
        ("/api/v1/bookings/", {"store": "²", "date": "2026-03-02"}, "store"),
    ],
)
def test_an_id_written_in_a_digit_python_cannot_convert_is_a_400(api, tenant, hq_admin, path, query, name):
    # when a filter names an id with a superscript digit (str.isdigit() says yes, int() says no)
    response = api(hq_admin, tenant).get(path, query)
    # then it is a 400 naming the filter, not a 500
    assert (response.status_code, response.json()["errors"]) == (400, {name: ["Enter a whole number."]})


def test_a_booking_step_naming_a_service_in_a_superscript_digit_is_a_404(tenant):
    # when the booking page's second step names the service "²"
    response = Client(HTTP_HOST=f"{tenant.slug}.localhost").get("/book/store/", {"service": "²"})
    # then there is no such service, not a 500
    assert response.status_code == 404
