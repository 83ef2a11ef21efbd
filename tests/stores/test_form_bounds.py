"""Numbers on the stores pages have exactly the API's bounds: what the API refuses, the page refuses
with a 400 naming the field (the typed value kept, nothing written), and what the API takes, the
page takes. An absurd number (`99999999999999999999`) is such a 400, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stores.api.stock import StoreStockApi
from stores.api.stores import ContractInput, StoreInput
from stores.forms import ContractForm, NearForm, StockForm, StoreForm
from stores.models import Store, StoreContract
from stores.selectors import tenant_today
from tests.pages import client_for, texts
from tests.stores.conftest import stock_row
from tests.stores.test_hq_store_pages import NEW_STORE

pytestmark = pytest.mark.django_db

ABSURD = "99999999999999999999"
BOUNDS = ("min_value", "max_value", "max_digits", "decimal_places")


def _bounds(field: Any) -> dict[str, Any]:
    return {name: getattr(field, name, None) for name in BOUNDS}


@pytest.mark.parametrize(
    ("form_field", "api_field"),
    [
        (StoreForm().fields["lat"], StoreInput().fields["lat"]),
        (StoreForm().fields["lng"], StoreInput().fields["lng"]),
        (StoreForm().fields["service_radius_km"], StoreInput().fields["service_radius_km"]),
        (ContractForm().fields["sales_share_rate"], ContractInput().fields["sales_share_rate"]),
        (StockForm().fields["on_hand"], StoreStockApi.Input().fields["on_hand"]),
        (NearForm(cities=[]).fields["lat"], StoreInput().fields["lat"]),
        (NearForm(cities=[]).fields["lng"], StoreInput().fields["lng"]),
    ],
    ids=["store lat", "store lng", "service radius", "sales share rate", "on hand", "near lat", "near lng"],
)
def test_every_number_of_the_stores_forms_has_the_bounds_of_its_api_field(form_field, api_field):
    assert _bounds(form_field) == _bounds(api_field)


# --- the stock edit -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [ABSURD, "3000000000", "2000000001"])
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_an_on_hand_out_of_the_apis_range_is_a_400_at_its_field_keeping_what_was_typed(tenant, two_stores, value, htmx):
    # given the manager's row of black frames: 5 on hand, 2 reserved
    black = two_stores["black"]
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # when they type a count the API refuses
    client = client_for(tenant, two_stores["manager"])
    response = client.post(f"/store/stock/{black.pk}/", {"on_hand": value}, **headers)
    # then the row says why at the count, which keeps what was typed, and nothing changed
    assert response.status_code == 400
    assert texts(response, "stock-error") == ["Ensure this value is less than or equal to 2000000000."]
    assert f'name="on_hand" min="0" max="2000000000" step="1" required value="{value}"' in response.content.decode()
    assert stock_row(two_stores["own"], black) == (5, 2)


@pytest.mark.parametrize(
    ("value", "taken"),
    [("0", False), ("2", True), ("2000000000", True), ("2000000001", False), ("-1", False), ("1.5", False)],
)
def test_the_page_and_the_api_take_the_same_stock_counts(tenant, two_stores, api, hq_admin, value, taken):
    # ("0" is below the 2 reserved: refused by the service, both ways)
    black, store = two_stores["black"], two_stores["own"]
    page = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{black.pk}/", {"on_hand": value}, HTTP_HX_REQUEST="true"
    )
    assert (page.status_code == 200, stock_row(store, black)[0] == int(float(value))) == (taken, taken)
    via_api = api(hq_admin, tenant).put(
        f"/api/v1/stores/{store.pk}/stock/", [{"sku": black.pk, "on_hand": value}], format="json"
    )
    assert (via_api.status_code == 200) is taken


# --- the store form and the contract form -------------------------------------------------------

STORE_VALUES = [
    ("lat", "90", True),
    ("lat", "90.0001", False),
    ("lat", "-90.0001", False),
    ("lat", "1e400", False),
    ("lng", "-180", True),
    ("lng", "180.5", False),
    ("service_radius_km", "9999.99", True),
    ("service_radius_km", "10000", False),
    ("service_radius_km", "0.001", False),
    ("service_radius_km", "-0.01", False),
    ("service_radius_km", ABSURD, False),
]


@pytest.mark.parametrize(("field", "value", "taken"), STORE_VALUES)
def test_the_store_page_and_the_api_take_the_same_numbers(tenant, hq_admin, api, in_tenant, field, value, taken):
    # when HQ creates a store with this number on the page, and another through the API
    page = client_for(tenant, hq_admin).post("/hq/stores/new/", {**NEW_STORE, "code": "PAGE", field: value})
    body = {**NEW_STORE, "code": "API", "capabilities": ["pickup"], "territory": [], field: value}
    body = {key: item for key, item in body.items() if not key.startswith("hours_")}
    via_api = api(hq_admin, tenant).post("/api/v1/stores/", body, format="json")
    # then both take it, or both refuse it naming the field, the page keeping what was typed
    assert (page.status_code == 302, via_api.status_code == 201) == (taken, taken)
    if not taken:
        assert page.status_code == 400
        assert list(page.context["form"].errors) == [field]
        assert f'name="{field}" value="{value}"' in page.content.decode()
        assert list(via_api.json()["errors"]) == [field]
        with in_tenant(tenant):
            assert not Store.objects.filter(tenant=tenant).exists()


@pytest.mark.parametrize(
    ("value", "taken"),
    [("1", True), ("0.0001", True), ("1.0001", False), ("0.00001", False), ("-0.5", False), (ABSURD, False)],
)
def test_the_contract_form_and_the_api_take_the_same_rates(tenant, hq_admin, api, make_store, in_tenant, value, taken):
    page_store, api_store = make_store(tenant, "SH-P1"), make_store(tenant, "SH-A1")
    start = (tenant_today(tenant=tenant) + dt.timedelta(days=30)).isoformat()
    form = {"action": "contract", "contract-valid_from": start, "contract-sales_share_rate": value}
    page = client_for(tenant, hq_admin).post(f"/hq/stores/{page_store.pk}/", form)
    body = {"contract": {"sales_share_rate": value, "valid_from": start}}
    via_api = api(hq_admin, tenant).patch(f"/api/v1/stores/{api_store.pk}/", body, format="json")
    assert (page.status_code == 302, via_api.status_code == 200) == (taken, taken)
    if not taken:
        assert page.status_code == 400
        assert list(page.context["contract_form"].errors) == ["sales_share_rate"]
        assert f'name="contract-sales_share_rate" value="{value}"' in page.content.decode()
        with in_tenant(tenant):
            assert StoreContract.objects.filter(tenant=tenant).count() == 2  # the opening terms only


@pytest.mark.parametrize("position", [{"lat": "90.0001", "lng": "0"}, {"lat": "0", "lng": ABSURD}])
def test_a_position_out_of_range_is_refused_by_the_store_finder_as_by_the_api(tenant, make_store, api, position):
    make_store(tenant, "SH-1")
    page = client_for(tenant).get("/stores/", position)
    via_api = api(None, tenant).get("/api/v1/stores/", {"near": f"{position['lat']},{position['lng']}"})
    assert (page.status_code, via_api.status_code) == (400, 400)


def test_a_page_far_beyond_the_last_of_the_store_finder_lists_nothing(tenant, make_store):
    make_store(tenant, "SH-1")
    page = client_for(tenant).get("/stores/", {"city": "Shanghai", "page": ABSURD})
    assert page.status_code == 200
    assert texts(page, "store-card") == []
