"""The store pages: HQ's store list and editor, the store dashboard with its inline stock edit, the
consumer's "stores near me" and store page, and the stores' QR codes."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import pytest
import segno
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from catalog.models import Category, Product, Service, Sku
from o2o.choices import Role
from o2o.models import Tenant, User
from o2o.tenancy import tenant_scope
from o2o.tenancy.middleware import SESSION_TENANT_KEY
from stores import services
from stores.choices import StaffRole, StoreKind
from stores.models import Stock, Store, StoreContract, StoreService, StoreStaff, TerritoryDistrict
from stores.views import store_today
from tests.pages import elements, text, texts

pytestmark = pytest.mark.django_db

# Client.get sends floats as they print, but the stubs accept only str, bytes and int values.
PEOPLES_SQUARE = (31.2304, 121.4737)  # the consumer's position in the near-me tests
EVERY_DAY = {day: [["09:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


# --- clients ---------------------------------------------------------------------------------------


def client_for(tenant: Tenant, user: User | None = None, *, host: str | None = None, **extra: Any) -> Client:
    client = Client(HTTP_HOST=host or f"{tenant.slug}.localhost", **extra)
    if user is not None:
        client.force_login(user)
    return client


# --- the brand's data ---------------------------------------------------------------------------


@pytest.fixture
def make_store(db: None) -> Callable[..., Store]:
    """A store made by the stores service (so it has its opening contract), at (lat, lng)."""

    def make(tenant: Tenant, code: str, lat: float = 31.23, lng: float = 121.47, **fields: Any) -> Store:
        values: dict[str, Any] = {
            "name": f"Store {code}",
            "kind": StoreKind.DIRECT,
            "region": "east",
            "city": "Shanghai",
            "address": f"{code} Nanjing Road",
            "opening_hours": EVERY_DAY,
            **fields,
        }
        with tenant_scope(tenant):
            return services.create_store(tenant=tenant, data=services.StoreInput(code=code, lat=lat, lng=lng, **values))

    return make


@pytest.fixture
def make_sku(db: None) -> Callable[..., Sku]:
    def make(tenant: Tenant, code: str, name: str, product: str = "Round frame") -> Sku:
        with tenant_scope(tenant):
            category, _ = Category.objects.get_or_create(tenant=tenant, name="Frames", parent=None)
            item, _ = Product.objects.get_or_create(tenant=tenant, name=product, category=category)
            return Sku.objects.create(tenant=tenant, product=item, code=code, name=name, price=Decimal("199.00"))

    return make


@pytest.fixture
def stock_of(db: None) -> Callable[..., Stock]:
    def make(store: Store, sku: Sku, on_hand: int, reserved: int = 0) -> Stock:
        with tenant_scope(store.tenant):
            return Stock.objects.create(tenant=store.tenant, store=store, sku=sku, on_hand=on_hand, reserved=reserved)

    return make


@pytest.fixture
def make_manager(make_user: Callable[..., User]) -> Callable[..., User]:
    """A store manager posted to `store`: the role in the brand and the store post."""

    def make(store: Store, username: str, name: str = "Test User") -> User:
        user = make_user(store.tenant, Role.STORE_MANAGER, username=username)
        user.name = name
        user.save(update_fields=["name"])
        with tenant_scope(store.tenant):
            StoreStaff.objects.create(
                tenant=store.tenant, user=user, store=store, role=StaffRole.STORE_MANAGER, code=username[:16]
            )
        return user

    return make


def stock_row(store: Store, sku: Sku) -> tuple[int, int]:
    with tenant_scope(store.tenant):
        row = Stock.objects.get(tenant=store.tenant, store=store, sku=sku)
    return row.on_hand, row.reserved


# --- QR codes -----------------------------------------------------------------------------------


def segno_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, light="#fff", xmldecl=False, omitsize=True
    )
    return out.getvalue()


def segno_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def modules_of_png(data: bytes, *, scale: int = 10, border: int = 4) -> list[list[int]]:
    """The dark (1) and light (0) modules of a QR code PNG, read from the centre of each module."""
    image = Image.open(io.BytesIO(data)).convert("L")
    size = image.width // scale - 2 * border
    centre = scale // 2
    return [
        [
            1 if cast(int, image.getpixel(((border + x) * scale + centre, (border + y) * scale + centre))) < 128 else 0
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_the_svg_qr_code_encodes_the_absolute_url_of_the_store_page(tenant, make_store):
    # given a store of the brand
    store = make_store(tenant, "SH001")
    # when anyone fetches its SVG QR code on the brand's host
    response = client_for(tenant).get(f"/stores/{store.pk}/qr.svg")
    # then it is the segno drawing of exactly the store page's absolute URL
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == segno_svg(f"http://alpha.localhost/stores/{store.pk}/visit/")
    assert response.content != segno_svg(f"http://alpha.localhost/stores/{store.pk + 1}/visit/")


def test_the_png_qr_code_holds_the_modules_of_the_store_page_url(tenant, make_store):
    # given a store of the brand, reached on a port
    store = make_store(tenant, "SH001")
    url = f"http://alpha.localhost:8000/stores/{store.pk}/visit/"
    # when anyone fetches its PNG QR code
    response = client_for(tenant, host="alpha.localhost:8000").get(f"/stores/{store.pk}/qr.png")
    # then the image's modules are those of the QR code of that URL, and the bytes are segno's
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    expected = [[1 if dark else 0 for dark in row] for row in segno.make(url, error="m", micro=False).matrix]
    assert modules_of_png(response.content) == expected
    assert response.content == segno_png(url)


def test_a_qr_code_opened_on_a_bare_host_still_names_the_brands_host(tenant, make_store):
    # given a visitor who picked the brand in the session, on the bare host
    store = make_store(tenant, "SH001")
    client = Client(HTTP_HOST="localhost:8000")
    session = client.session
    session[SESSION_TENANT_KEY] = tenant.slug
    session.save()
    # when they fetch the QR code
    response = client.get(f"/stores/{store.pk}/qr.svg")
    # then it encodes the store page on the brand's own host (what a scanning phone needs)
    assert response.status_code == 200
    assert response.content == segno_svg(f"http://alpha.localhost:8000/stores/{store.pk}/visit/")


def test_a_qr_code_download_is_an_attachment_named_after_the_store(tenant, make_store):
    store = make_store(tenant, "SH001")
    response = client_for(tenant).get(f"/stores/{store.pk}/qr.png", {"download": "1"})
    assert response["Content-Disposition"] == 'attachment; filename="store-SH001-qr.png"'


def test_another_brands_store_has_no_qr_code_here(tenant, other_tenant, make_store):
    # given a store of the other brand
    foreign = make_store(other_tenant, "BX001")
    # then on this brand's host neither its QR code nor its page exists
    client = client_for(tenant)
    assert client.get(f"/stores/{foreign.pk}/qr.svg").status_code == 404
    assert client.get(f"/stores/{foreign.pk}/qr.png").status_code == 404
    assert client.get(f"/stores/{foreign.pk}/").status_code == 404


def test_the_print_page_shows_the_managers_store_with_its_big_qr_code(tenant, make_store, make_manager):
    # given a manager of a store
    store = make_store(tenant, "SH001", name="Lumen Xintiandi", address="181 Taicang Road")
    manager = make_manager(store, "sh001-manager")
    # when they open the print page
    response = client_for(tenant, manager).get("/store/qr/")
    # then it shows the store's name, address and its QR code of the public page
    assert response.status_code == 200
    assert text(response, "page-title") == "Lumen Xintiandi"
    assert text(response, "store-address") == "181 Taicang Road"
    assert elements(response, "qr-image")[0].attrs["src"] == f"/stores/{store.pk}/qr.svg"
    assert text(response, "qr-url") == f"http://alpha.localhost/stores/{store.pk}/visit/"


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


def test_a_bad_filter_is_reported_and_lists_nothing(tenant, hq_admin, brand_stores):
    response = client_for(tenant, hq_admin).get("/hq/stores/", {"kind": "kiosk"})
    assert response.status_code == 200
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
    # when HQ changes them from a future date
    body = {
        "action": "contract",
        "contract-valid_from": "2099-01-01",
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
        (dt.date(2099, 1, 1), Decimal("0.9000"), True, False),
    ]


def test_a_backdated_contract_change_is_refused_and_changes_nothing(tenant, hq_admin, make_store, in_tenant):
    # given a store with a version from 2099
    store = make_store(tenant, "SH-F9", kind=StoreKind.FRANCHISE)
    with in_tenant(tenant):
        services.change_contract(
            tenant=tenant,
            store=store,
            terms=services.ContractTerms(Decimal("0.9000"), True, True),
            valid_from=dt.date(2099, 1, 1),
        )
    # when HQ tries to start other terms before it
    body = {"action": "contract", "contract-valid_from": "2098-06-01", "contract-sales_share_rate": "0.5000"}
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", body)
    # then it is refused on the form and the versions are as they were
    assert response.status_code == 400
    assert response.context["contract_form"].non_field_errors() == [
        "A contract version from 2099-01-01 exists: a new one starts on or after it."
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


# --- the store dashboard ------------------------------------------------------------------------


@pytest.fixture
def two_stores(tenant, make_store, make_sku, stock_of, make_manager):
    """Two stores of the brand sharing a SKU; the first one's manager; reservations on a row."""
    own = make_store(tenant, "SH-D1", name="Xintiandi")
    other = make_store(tenant, "SH-D2", name="Lujiazui")
    round_black = make_sku(tenant, "RF-BLK", "Black")
    round_gold = make_sku(tenant, "RF-GLD", "Gold")
    aviator = make_sku(tenant, "AV-01", "Aviator", product="Aviator")
    stock_of(own, round_black, on_hand=5, reserved=2)
    stock_of(own, round_gold, on_hand=0)
    stock_of(other, round_black, on_hand=9, reserved=1)
    stock_of(other, aviator, on_hand=3)
    manager = make_manager(own, "xtd-manager", name="Wang Fang")
    return {
        "own": own,
        "other": other,
        "black": round_black,
        "gold": round_gold,
        "aviator": aviator,
        "manager": manager,
    }


def test_the_dashboard_shows_the_managers_own_store_stock_staff_and_qr(tenant, two_stores):
    # when the manager opens the dashboard
    response = client_for(tenant, two_stores["manager"]).get("/store/")
    # then it shows their store only: its stock rows, its staff, the way to the QR print page
    assert response.status_code == 200
    assert text(response, "page-title") == "Store dashboard"
    assert text(response, "store-name") == "Xintiandi"
    assert texts(response, "stock-row") == ["RF-BLK Round frame · Black Save 2 3", "RF-GLD Round frame · Gold Save 0 0"]
    assert texts(response, "staff-member") == ["Wang Fang Store manager"]
    assert elements(response, "print-qr")[0].attrs["href"] == "/store/qr/"


def test_a_store_manager_edits_on_hand_inline_and_gets_the_updated_row(tenant, two_stores):
    # given the manager's row of black frames: 5 on hand, 2 reserved
    black = two_stores["black"]
    # when they set 7 on hand through htmx
    response = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{black.pk}/", {"on_hand": "7"}, HTTP_HX_REQUEST="true"
    )
    # then the row comes back alone, updated and marked saved, and the database has it
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<tr")
    assert texts(response, "stock-row") == ["RF-BLK Round frame · Black Save Saved 2 5"]
    assert 'name="on_hand" min="0" step="1" required value="7"' in response.content.decode()
    assert stock_row(two_stores["own"], black) == (7, 2)
    assert stock_row(two_stores["other"], black) == (9, 1)


def test_an_on_hand_below_reserved_shows_the_error_in_the_row_and_changes_nothing(tenant, two_stores):
    black = two_stores["black"]
    response = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{black.pk}/", {"on_hand": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert texts(response, "stock-error") == ["SKU RF-BLK: on hand 1 is below the 2 reserved for open orders."]
    assert texts(response, "available") == ["3"]
    assert stock_row(two_stores["own"], black) == (5, 2)


def test_a_negative_on_hand_shows_the_error_in_the_row_and_changes_nothing(tenant, two_stores):
    black = two_stores["black"]
    response = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{black.pk}/", {"on_hand": "-1"}, HTTP_HX_REQUEST="true"
    )
    assert texts(response, "stock-error") == ["Ensure this value is greater than or equal to 0."]
    assert stock_row(two_stores["own"], black) == (5, 2)


def test_a_manager_cannot_touch_another_stores_stock(tenant, two_stores):
    # given a SKU only the other store holds
    aviator = two_stores["aviator"]
    # when the manager posts a count for it
    response = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{aviator.pk}/", {"on_hand": "0"}, HTTP_HX_REQUEST="true"
    )
    # then there is no such row for them, and the other store's row is untouched (no row appeared in theirs)
    assert response.status_code == 404
    assert stock_row(two_stores["other"], aviator) == (3, 0)
    with tenant_scope(tenant):
        assert not Stock.objects.filter(store=two_stores["own"], sku=aviator).exists()


def test_another_brands_sku_is_404_for_the_stock_edit(tenant, other_tenant, two_stores, make_store, make_sku, stock_of):
    # given a row of the other brand
    foreign_store = make_store(other_tenant, "BX001")
    foreign_sku = make_sku(other_tenant, "RF-BLK", "Black")
    stock_of(foreign_store, foreign_sku, on_hand=4)
    # when the manager names its SKU
    client = client_for(tenant, two_stores["manager"])
    response = client.post(f"/store/stock/{foreign_sku.pk}/", {"on_hand": "0"}, HTTP_HX_REQUEST="true")
    # then it does not exist for them, and it is untouched
    assert response.status_code == 404
    assert client.get(f"/store/stock/{foreign_sku.pk}/").status_code == 404
    assert stock_row(foreign_store, foreign_sku) == (4, 0)


def test_a_stock_row_can_be_fetched_again_to_cancel_an_edit(tenant, two_stores):
    response = client_for(tenant, two_stores["manager"]).get(f"/store/stock/{two_stores['black'].pk}/")
    assert response.status_code == 200
    assert texts(response, "stock-row") == ["RF-BLK Round frame · Black Save 2 3"]


def test_a_guide_and_hq_cannot_use_the_managers_stock_edit(tenant, two_stores, make_user, hq_admin):
    black = two_stores["black"]
    guide = make_user(tenant, Role.GUIDE, username="a-guide")
    for user in (guide, hq_admin):
        response = client_for(tenant, user).post(f"/store/stock/{black.pk}/", {"on_hand": "0"})
        assert response.status_code == 403
    assert stock_row(two_stores["own"], black) == (5, 2)


def test_without_htmx_a_stock_edit_returns_to_the_dashboard_with_a_message(tenant, two_stores):
    black = two_stores["black"]
    client = client_for(tenant, two_stores["manager"])
    response = client.post(f"/store/stock/{black.pk}/", {"on_hand": "6"}, follow=True)
    assert response.redirect_chain == [("/store/", 302)]
    assert "Stock of RF-BLK saved." in response.content.decode()
    assert stock_row(two_stores["own"], black) == (6, 2)


def test_a_manager_without_a_store_post_sees_no_store(tenant, make_user):
    manager = make_user(tenant, Role.STORE_MANAGER, username="unposted")
    response = client_for(tenant, manager).get("/store/")
    assert response.status_code == 200
    assert text(response, "no-store") == (
        "You are not the manager of any store of this brand. Ask HQ to assign you to one."
    )


# --- consumers: stores near me and the store page ----------------------------------------------


@pytest.fixture
def near_stores(tenant, other_tenant, make_store):
    """Stores around People's Square at known distances; an inactive nearer one; another brand's at the point."""
    return {
        "east": make_store(
            tenant, "SH-E", name="East Nanjing Road", lat=31.2304, lng=121.5000, capabilities=["delivery"]
        ),
        "north": make_store(tenant, "SH-N", name="Suzhou Creek", lat=31.2400, lng=121.4737),
        "far": make_store(tenant, "SH-FAR", name="Pudong Airport Road", lat=31.3000, lng=121.6000),
        "south": make_store(tenant, "SH-S", name="Xujiahui", lat=31.1500, lng=121.4737, city="Shanghai"),
        "closed": make_store(tenant, "SH-X", name="Closed one", lat=31.2310, lng=121.4740, active=False),
        "hangzhou": make_store(tenant, "HZ-1", name="West Lake", lat=30.2741, lng=120.1551, city="Hangzhou"),
        "foreign": make_store(other_tenant, "B-1", name="Beta at the square", lat=31.2304, lng=121.4737),
    }


def test_near_me_lists_the_active_stores_nearest_first_with_their_distance(tenant, near_stores):
    # when a visitor asks for the stores near People's Square
    lat, lng = PEOPLES_SQUARE
    response = client_for(tenant).get("/stores/", {"lat": lat, "lng": lng})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    # then the brand's active stores come nearest first, each with its distance to 0.1 km
    assert response.status_code == 200
    assert texts(response, "store-name") == [
        "Suzhou Creek",
        "East Nanjing Road",
        "Xujiahui",
        "Pudong Airport Road",
        "West Lake",
    ]
    assert texts(response, "distance") == ["1.1 km", "2.5 km", "8.9 km", "14.3 km", "164.9 km"]
    assert texts(response, "address")[:2] == ["SH-N Nanjing Road", "SH-E Nanjing Road"]
    assert texts(response, "hours-today")[0] == "Open today 09:00–21:00"
    assert texts(response, "capabilities")[:2] == ["Pick-up", "Delivery"]
    assert text(response, "result-count") == "5 stores"


def test_near_me_through_htmx_returns_the_results_only(tenant, near_stores):
    lat, lng = PEOPLES_SQUARE
    response = client_for(tenant).get("/stores/", {"lat": lat, "lng": lng}, HTTP_HX_REQUEST="true")  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert texts(response, "distance") == ["1.1 km", "2.5 km", "8.9 km", "14.3 km", "164.9 km"]
    assert response["Vary"].split(", ").count("HX-Request") == 1


def test_near_me_filters_by_city_and_capability(tenant, near_stores):
    lat, lng = PEOPLES_SQUARE
    client = client_for(tenant)
    by_city = client.get("/stores/", {"lat": lat, "lng": lng, "city": "Hangzhou"})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    by_capability = client.get("/stores/", {"lat": lat, "lng": lng, "capability": "delivery"})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    assert texts(by_city, "store-name") == ["West Lake"]
    assert texts(by_capability, "store-name") == ["East Nanjing Road"]
    assert texts(by_capability, "distance") == ["2.5 km"]


def test_without_a_position_the_city_picker_lists_that_citys_stores(tenant, near_stores):
    # when a visitor who shares no position picks Shanghai
    response = client_for(tenant).get("/stores/", {"city": "Shanghai"})
    # then Shanghai's active stores are listed by code, without distances
    assert texts(response, "store-name") == ["East Nanjing Road", "Pudong Airport Road", "Suzhou Creek", "Xujiahui"]
    assert texts(response, "distance") == []
    # and the picker offers the cities of the brand's active stores
    assert response.context["form"].fields["city"].choices == [
        ("", "Any city"),
        ("Hangzhou", "Hangzhou"),
        ("Shanghai", "Shanghai"),
    ]


def test_near_me_without_a_search_shows_the_picker_only(tenant, near_stores):
    response = client_for(tenant).get("/stores/")
    assert response.status_code == 200
    assert text(response, "prompt") == "Share your location, or pick a city, to see the stores near you."
    assert "hidden" in elements(response, "locate")[0].attrs  # until the script finds geolocation
    assert elements(response, "store-card") == []


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"lat": "north", "lng": "121.47"}, "Enter a number."),
        ({"lat": "91", "lng": "121.47"}, "Ensure this value is less than or equal to 90."),
        ({"lat": "31.2"}, "A position needs both a latitude and a longitude."),
    ],
)
def test_a_bad_position_is_a_400_that_says_why(tenant, near_stores, query, error):
    response = client_for(tenant).get("/stores/", query)
    assert response.status_code == 400
    assert texts(response, "search-errors") == [error]
    assert elements(response, "store-card") == []


def test_near_me_pages_by_ten_nearest_first(tenant, make_store):
    # given twelve stores due north, 1..12 hundredths of a degree away
    for number in range(1, 13):
        make_store(tenant, f"N{number:02d}", name=f"North {number:02d}", lat=31.2304 + number / 100, lng=121.4737)
    lat, lng = PEOPLES_SQUARE
    client = client_for(tenant)
    # when the visitor opens the first page and then the next one
    first = client.get("/stores/", {"lat": lat, "lng": lng})  # type: ignore[arg-type]  # see PEOPLES_SQUARE
    more = elements(first, "more-stores")[0].attrs["href"]
    second = client.get(cast(str, more))
    # then ten come first, the last two after
    assert texts(first, "store-name") == [f"North {n:02d}" for n in range(1, 11)]
    assert more == f"/stores/?lat={lat}&lng={lng}&page=2"
    assert texts(second, "store-name") == ["North 11", "North 12"]
    assert texts(second, "distance") == ["12.2 km", "13.3 km"]


def test_the_store_page_shows_address_hours_services_stock_and_qr(tenant, make_store, make_sku, stock_of, in_tenant):
    # given a store closed on Sundays, with two services and some stock
    hours = {**EVERY_DAY, "fri": [["09:00", "12:00"], ["13:00", "21:00"]], "sun": []}
    store = make_store(
        tenant,
        "SH-D1",
        name="Xintiandi",
        address="181 Taicang Road",
        phone="021-6333 0000",
        opening_hours=hours,
        capabilities=["pickup", "services"],
    )
    with in_tenant(tenant):
        exam = Service.objects.create(tenant=tenant, name="Eye exam", duration_minutes=30, price=Decimal("0.00"))
        fitting = Service.objects.create(
            tenant=tenant, name="Frame fitting", duration_minutes=15, price=Decimal("50.00")
        )
        retired = Service.objects.create(tenant=tenant, name="Retired", duration_minutes=15, price=1, is_active=False)
        for service in (exam, fitting, retired):
            StoreService.objects.create(tenant=tenant, store=store, service=service, capacity=2)
    stock_of(store, make_sku(tenant, "RF-BLK", "Black"), on_hand=3)
    stock_of(store, make_sku(tenant, "RF-GLD", "Gold"), on_hand=2, reserved=2)
    stock_of(store, make_sku(tenant, "AV-01", "Aviator", product="Aviator"), on_hand=1)
    # when anyone opens the store page
    response = client_for(tenant).get(f"/stores/{store.pk}/")
    # then it shows where, when, what services and what is available now, and the QR code
    assert response.status_code == 200
    assert text(response, "page-title") == "Xintiandi"
    assert text(response, "address") == "181 Taicang Road"
    assert text(response, "phone") == "021-6333 0000"
    assert texts(response, "hours-row") == [
        "Monday 09:00–21:00",
        "Tuesday 09:00–21:00",
        "Wednesday 09:00–21:00",
        "Thursday 09:00–21:00",
        "Friday 09:00–12:00, 13:00–21:00",
        "Saturday 09:00–21:00",
        "Sunday Closed",
    ]
    assert texts(response, "service") == ["Eye exam 30 min · free", "Frame fitting 15 min · 50.00 CNY"]
    assert texts(response, "in-stock-item") == ["Aviator · Aviator", "Round frame · Black"]
    assert text(response, "capabilities") == "Pick-up In-store services"
    assert elements(response, "closed-notice") == []
    images = re.findall(r'<img class="qr-small" src="([^"]+)"', response.content.decode())
    assert images == [f"/stores/{store.pk}/qr.svg"]


def test_the_store_page_marks_today_in_the_stores_time_zone(tenant, make_store):
    store = make_store(tenant, "SH-D1", timezone="America/New_York")
    response = client_for(tenant).get(f"/stores/{store.pk}/")
    today = [e.text.split()[0] for e in elements(response, "hours-row") if e.attrs.get("aria-current") == "date"]
    assert today == [store_today(store).strftime("%A")]


def test_an_inactive_stores_page_says_it_is_closed(tenant, make_store):
    store = make_store(tenant, "SH-X", active=False)
    response = client_for(tenant).get(f"/stores/{store.pk}/")
    assert response.status_code == 200
    assert text(response, "closed-notice") == "This store is temporarily closed."


# --- no query per row ---------------------------------------------------------------------------


def queries_for(client: Client, path: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured.captured_queries)


def test_near_me_takes_as_many_queries_for_ten_stores_as_for_one(tenant, make_store):
    lat, lng = PEOPLES_SQUARE
    client = client_for(tenant)
    make_store(tenant, "N00", lat=31.2404, lng=121.4737, territory=["310101"])
    one = queries_for(client, "/stores/", {"lat": lat, "lng": lng})
    for number in range(1, 10):
        make_store(tenant, f"N{number:02d}", lat=31.2404 + number / 100, lng=121.4737, territory=["310101"])
    ten = queries_for(client, "/stores/", {"lat": lat, "lng": lng})
    assert one == ten


def test_the_dashboard_takes_as_many_queries_for_five_stock_rows_as_for_one(tenant, two_stores, make_sku, stock_of):
    client = client_for(tenant, two_stores["manager"])
    with tenant_scope(tenant):
        Stock.objects.filter(store=two_stores["own"], sku=two_stores["gold"]).delete()
    one = queries_for(client, "/store/")
    for number in range(4):
        stock_of(two_stores["own"], make_sku(tenant, f"X-{number}", f"Extra {number}", product=f"Extra {number}"), 1)
    five = queries_for(client, "/store/")
    assert one == five
