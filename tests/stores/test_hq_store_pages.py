"""HQ's store pages: the store list with its filters, and the store editor (fields, contract terms,
staff accounts)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from o2o.choices import Role
from o2o.models import User
from stores import services
from stores.choices import StoreKind
from stores.models import Store, StoreContract, StoreStaff, TerritoryDistrict
from stores.selectors import tenant_today
from tests.pages import client_for, elements, text, texts

pytestmark = pytest.mark.django_db


# --- HQ: the store list -------------------------------------------------------------------------


@pytest.fixture
def brand_stores(tenant, other_tenant, make_store):
    """Five stores of the brand, of every kind, in two cities, one inactive; one of the other brand."""
    made = [
        make_store(tenant, "SH-D1", name="Xintiandi", capabilities=["pickup", "services"]),
        make_store(tenant, "SH-F1", name="Jing'an franchise", kind=StoreKind.FRANCHISE, capabilities=["delivery"]),
        make_store(tenant, "SH-C1", name="IFC counter", kind=StoreKind.COUNTER, capabilities=["pickup"]),
        make_store(tenant, "HZ-F1", name="West Lake", kind=StoreKind.FRANCHISE, city="Hangzhou", active=False),
        make_store(tenant, "HZ-D1", name="Wulin", city="Hangzhou", capabilities=["pickup", "delivery"]),
    ]
    make_store(other_tenant, "SH-X1", name="Beta store")
    return made


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({}, ["HZ-D1", "HZ-F1", "SH-C1", "SH-D1", "SH-F1"]),
        ({"kind": "franchise"}, ["HZ-F1", "SH-F1"]),
        ({"city": "Hangzhou"}, ["HZ-D1", "HZ-F1"]),
        ({"capability": "delivery"}, ["HZ-D1", "SH-F1"]),
        ({"active": "false"}, ["HZ-F1"]),
        ({"q": "lake"}, ["HZ-F1"]),
        ({"q": "sh-"}, ["SH-C1", "SH-D1", "SH-F1"]),
        ({"kind": "direct", "city": "Shanghai"}, ["SH-D1"]),
    ],
)
def test_the_hq_store_list_shows_exactly_the_brands_stores_matching_the_filters(
    tenant, hq_admin, brand_stores, query, codes
):
    # when HQ lists the stores with these filters
    response = client_for(tenant, hq_admin).get("/hq/stores/", query)
    # then exactly the matching stores of this brand are listed, by code
    assert response.status_code == 200
    assert [row.attrs["data-code"] for row in elements(response, "store-row")] == codes
    assert text(response, "store-count") == f"{len(codes)} store" + ("s" if len(codes) != 1 else "")


def test_the_hq_store_list_shows_each_stores_facts(tenant, hq_admin, brand_stores):
    response = client_for(tenant, hq_admin).get("/hq/stores/", {"city": "Hangzhou"})
    assert [row.text for row in elements(response, "store-row")] == [
        "HZ-D1 Wulin Direct store Hangzhou east Pick-up Delivery Active",
        "HZ-F1 West Lake Franchise store Hangzhou east Pick-up Inactive",
    ]


def test_a_bad_filter_is_reported_on_the_list_page_which_lists_nothing(tenant, hq_admin, brand_stores):
    response = client_for(tenant, hq_admin).get("/hq/stores/", {"kind": "kiosk"})
    assert response.status_code == 400
    assert text(response, "page-title") == "Stores"
    assert text(response, "store-count") == "0 stores"
    assert elements(response, "store-row") == []
    assert "kind: Select a valid choice. kiosk is not one of the available choices." in response.content.decode()


def test_the_hq_store_list_pages_by_25_in_constant_queries(tenant, hq_admin, make_store):
    # given 26 stores
    for number in range(26):
        make_store(tenant, f"S{number:03d}")
    client = client_for(tenant, hq_admin)
    # when HQ opens both pages
    with CaptureQueriesContext(connection) as first_page:
        first = client.get("/hq/stores/")
    second = client.get("/hq/stores/", {"page": "2"})
    # then 25 are on the first, the 26th on the second
    assert [row.attrs["data-code"] for row in elements(first, "store-row")] == [f"S{n:03d}" for n in range(25)]
    assert [row.attrs["data-code"] for row in elements(second, "store-row")] == ["S025"]
    assert text(first, "store-count") == "26 stores"
    # and the first page (25 rows) takes no more queries than the second (one row): no N+1
    with CaptureQueriesContext(connection) as second_page:
        client.get("/hq/stores/", {"page": "2"})
    assert len(first_page.captured_queries) == len(second_page.captured_queries)


# --- HQ: the store editor -----------------------------------------------------------------------

NEW_STORE = {
    "code": "SH-F9",
    "name": "Jing'an franchise",
    "kind": "franchise",
    "region": "east",
    "city": "Shanghai",
    "district": "310106",
    "address": "1 West Nanjing Road",
    "phone": "+862162345678",
    "lat": "31.2243",
    "lng": "121.4491",
    "service_radius_km": "7.5",
    "timezone": "Asia/Shanghai",
    "capabilities": ["pickup", "delivery"],
    "territory": "310106, 310104 310105",
    "active": "on",
    "hours_mon": "10:00-22:00",
    "hours_tue": "10:00-22:00",
    "hours_wed": "10:00-14:00, 17:00-22:00",
    "hours_thu": "10:00-22:00",
    "hours_fri": "10:00-23:00",
    "hours_sat": "9:30-23:00",
    "hours_sun": "",
}


def test_hq_creates_a_store_with_all_its_fields_and_the_default_contract_of_its_kind(tenant, hq_admin, in_tenant):
    # when HQ staff submits the new-store form
    response = client_for(tenant, hq_admin).post("/hq/stores/new/", NEW_STORE)
    # then the store exists with every field, and the editor opens
    with in_tenant(tenant):
        store = Store.objects.get(tenant=tenant, code="SH-F9")
        territory = list(TerritoryDistrict.objects.filter(store=store).values_list("district", flat=True))
        contract = StoreContract.objects.get(store=store)
    assert response.status_code == 302
    assert response["Location"] == f"/hq/stores/{store.pk}/"
    assert (store.name, store.kind, store.region, store.city, store.district, store.address, store.phone) == (
        "Jing'an franchise", "franchise", "east", "Shanghai", "310106", "1 West Nanjing Road", "+862162345678",
    )  # fmt: skip
    assert (store.lat, store.lng, store.service_radius_km) == (31.2243, 121.4491, Decimal("7.50"))
    assert store.capabilities == ["pickup", "delivery"]
    assert store.is_active is True
    assert sorted(territory) == ["310104", "310105", "310106"]
    assert store.opening_hours == {
        "mon": [["10:00", "22:00"]],
        "tue": [["10:00", "22:00"]],
        "wed": [["10:00", "14:00"], ["17:00", "22:00"]],
        "thu": [["10:00", "22:00"]],
        "fri": [["10:00", "23:00"]],
        "sat": [["09:30", "23:00"]],
        "sun": [],
    }
    assert (contract.sales_share_rate, contract.tac_chargeable, contract.commission_borne_by_store) == (
        Decimal("0.9200"),
        True,
        True,
    )


def test_hq_staff_may_create_stores_too(tenant, make_user, in_tenant):
    staff = make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    response = client_for(tenant, staff).post("/hq/stores/new/", NEW_STORE)
    assert response.status_code == 302
    with in_tenant(tenant):
        assert list(Store.objects.filter(tenant=tenant).values_list("code", flat=True)) == ["SH-F9"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"hours_tue": "10-22"},
            "hours_tue",
            "Write the hours as 10:00-22:00, several ranges separated by commas, or leave empty when closed.",
        ),
        ({"hours_wed": "10:00-14:00, 13:00-22:00"}, None, "wed: the intervals overlap at 13:00."),
        ({"lat": "91"}, "lat", "Ensure this value is less than or equal to 90."),
        ({"territory": "310104, 31/105"}, "territory", "Not a district code: 31/105."),
    ],
)
def test_a_bad_store_form_shows_the_error_next_to_the_field_and_creates_nothing(
    tenant, hq_admin, in_tenant, change, field, message
):
    response = client_for(tenant, hq_admin).post("/hq/stores/new/", {**NEW_STORE, **change})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field or "__all__"] == [message]
    assert message in response.content.decode().replace("&#x27;", "'")
    with in_tenant(tenant):
        assert Store.objects.filter(tenant=tenant).count() == 0


def test_a_taken_store_code_is_shown_next_to_the_code(tenant, hq_admin, make_store, in_tenant):
    make_store(tenant, "SH-F9")
    response = client_for(tenant, hq_admin).post("/hq/stores/new/", NEW_STORE)
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == ["A store with code SH-F9 exists already."]
    with in_tenant(tenant):
        assert Store.objects.filter(tenant=tenant).count() == 1


def test_the_store_editor_shows_the_store_its_contract_and_staff(tenant, hq_admin, make_store, make_manager):
    # given a counter store with its manager
    store = make_store(tenant, "SH-C1", name="IFC counter", kind=StoreKind.COUNTER, territory=["310115"])
    make_manager(store, "ifc-manager", name="Wang Fang")
    # when HQ opens its editor
    response = client_for(tenant, hq_admin).get(f"/hq/stores/{store.pk}/")
    # then the form holds its values, the contract its kind's terms, the staff its manager
    assert response.status_code == 200
    assert text(response, "page-title") == "SH-C1 · IFC counter"
    initial = response.context["form"].initial
    assert (initial["code"], initial["kind"], initial["territory"], initial["hours_mon"]) == (
        "SH-C1",
        "counter",
        "310115",
        "09:00-21:00",
    )
    assert text(response, "current-contract") == (
        "In force since 2000-01-01 Sales share rate 0.2000 Traffic cost chargeable no Commission borne by store no"
    )
    assert texts(response, "staff-row") == ["Wang Fang ifc-manager Store manager ifc-manager"]


def test_hq_saves_a_store(tenant, hq_admin, make_store, in_tenant):
    # given a store
    store = make_store(tenant, "SH-F9", kind=StoreKind.FRANCHISE)
    # when HQ saves the editor with a new name, capabilities and Sunday closed
    body = {**NEW_STORE, "action": "store", "name": "Jing'an flagship", "capabilities": ["services"]}
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", body)
    # then the store has them
    assert response.status_code == 302
    with in_tenant(tenant):
        saved = Store.objects.get(pk=store.pk)
    assert (saved.name, saved.capabilities, saved.opening_hours["sun"]) == ("Jing'an flagship", ["services"], [])


def test_hq_changes_the_contract_terms_from_a_date(tenant, hq_admin, make_store, in_tenant):
    # given a franchise store on its opening terms
    store = make_store(tenant, "SH-F9", kind=StoreKind.FRANCHISE)
    # when HQ changes them from a date next year
    start = tenant_today(tenant=tenant) + dt.timedelta(days=300)
    body = {
        "action": "contract",
        "contract-valid_from": start.isoformat(),
        "contract-sales_share_rate": "0.9000",
        "contract-tac_chargeable": "on",
    }
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", body)
    # then a new version starts then, the opening one unchanged
    assert response.status_code == 302
    with in_tenant(tenant):
        versions = list(
            StoreContract.objects.filter(store=store)
            .order_by("valid_from")
            .values_list("valid_from", "sales_share_rate", "tac_chargeable", "commission_borne_by_store")
        )
    assert versions == [
        (dt.date(2000, 1, 1), Decimal("0.9200"), True, True),
        (start, Decimal("0.9000"), True, False),
    ]


def test_a_backdated_contract_change_is_refused_and_changes_nothing(tenant, hq_admin, make_store, in_tenant):
    # given a store with a version from next year
    start = tenant_today(tenant=tenant) + dt.timedelta(days=300)
    store = make_store(tenant, "SH-F9", kind=StoreKind.FRANCHISE)
    with in_tenant(tenant):
        services.change_contract(
            tenant=tenant,
            store=store,
            terms=services.ContractTerms(Decimal("0.9000"), True, True),
            valid_from=start,
        )
    # when HQ tries to start other terms before it
    earlier = (start - dt.timedelta(days=100)).isoformat()
    body = {"action": "contract", "contract-valid_from": earlier, "contract-sales_share_rate": "0.5000"}
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", body)
    # then it is refused on the form and the versions are as they were
    assert response.status_code == 409
    assert response.context["contract_form"].non_field_errors() == [
        f"A contract version from {start.isoformat()} exists: a new one starts on or after it."
    ]
    with in_tenant(tenant):
        assert StoreContract.objects.filter(store=store).count() == 2


def test_hq_creates_a_guide_account_for_the_store(tenant, hq_admin, make_store, in_tenant):
    store = make_store(tenant, "SH-D1")
    body = {
        "action": "staff",
        "staff-username": "li-guide",
        "staff-password": "Long-enough-pw-42",
        "staff-name": "Li Na",
        "staff-phone": "13812345678",
        "staff-role": "guide",
    }
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", body)
    assert response.status_code == 302
    user = User.objects.get(username="li-guide")
    with in_tenant(tenant):
        post = StoreStaff.objects.get(user=user)
    assert (user.name, str(user.phone), post.store_id, post.role) == ("Li Na", "+8613812345678", store.pk, "guide")
    assert user.check_password("Long-enough-pw-42")
    assert re.fullmatch(r"G[A-Z2-9]{6}", post.code)


def test_a_taken_username_is_shown_next_to_the_username_and_creates_nothing(tenant, hq_admin, make_store, in_tenant):
    store = make_store(tenant, "SH-D1")
    body = {
        "action": "staff",
        "staff-username": "alpha-admin",
        "staff-password": "Long-enough-pw-42",
        "staff-name": "Li Na",
        "staff-role": "guide",
    }
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", body)
    assert response.status_code == 400
    assert response.context["staff_form"].errors["username"] == ["This username is taken."]
    with in_tenant(tenant):
        assert StoreStaff.objects.filter(tenant=tenant).count() == 0


def test_the_editor_of_another_brands_store_is_404(tenant, other_tenant, hq_admin, make_store, in_tenant):
    foreign = make_store(other_tenant, "BX001")
    client = client_for(tenant, hq_admin)
    assert client.get(f"/hq/stores/{foreign.pk}/").status_code == 404
    response = client.post(f"/hq/stores/{foreign.pk}/", {**NEW_STORE, "action": "store", "code": "BX001"})
    assert response.status_code == 404
    with in_tenant(other_tenant):
        assert Store.objects.get(pk=foreign.pk).name == "Store BX001"
