"""The stores pages' error boundary: a refused action writes nothing, comes back on the page it was
sent from with the form as typed (the page's other forms fresh) and the message, in English and in
Chinese."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest

from stores.models import Stock, Store, StoreContract, StoreStaff
from stores.selectors import tenant_today
from tests.pages import client_for, elements, text, texts
from tests.stores.conftest import stock_row
from tests.stores.factories import snapshot
from tests.stores.test_hq_store_pages import NEW_STORE

pytestmark = pytest.mark.django_db

CHINESE: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _everything(tenant) -> list:
    return [snapshot(model, tenant) for model in (Store, StoreContract, StoreStaff, Stock)]


# --- the store editor: three forms on one page ----------------------------------------------------


def test_a_contract_starting_over_two_years_ahead_is_refused_on_its_form_keeping_what_was_typed(
    tenant, hq_admin, make_store
):
    # given a store, and a start three years ahead
    store = make_store(tenant, "SH-F9", name="Jing'an franchise")
    today = tenant_today(tenant=tenant)
    start, latest = today + dt.timedelta(days=3 * 365), today + dt.timedelta(days=2 * 366)
    body = {"action": "contract", "contract-valid_from": start.isoformat(), "contract-sales_share_rate": "0.5000"}
    before = _everything(tenant)
    client = client_for(tenant, hq_admin)
    # when HQ submits the new terms, in English and in Chinese
    english = client.post(f"/hq/stores/{store.pk}/", body)
    chinese = client.post(f"/hq/stores/{store.pk}/", body, **CHINESE)
    # then the editor comes back (400) with the contract form as typed, the error at its date
    assert (english.status_code, chinese.status_code) == (400, 400)
    form = english.context["contract_form"]
    message = f"A contract version starts by {latest.isoformat()} at the latest (two years ahead)."
    assert form.errors == {"valid_from": [message]}
    assert f'name="contract-valid_from" value="{start.isoformat()}"' in _page(english)
    assert 'name="contract-sales_share_rate" value="0.5000"' in _page(english)
    assert f"合同版本最晚须在 {latest.isoformat()} 生效（两年以内）。" in _page(chinese)
    # and the other forms fresh: the store's own values, an empty staff form
    assert english.context["form"].is_bound is False
    assert english.context["staff_form"].is_bound is False
    assert 'name="name" value="Jing\'an franchise"' in _page(english)
    # and nothing was written
    assert _everything(tenant) == before


def test_a_store_saved_with_another_stores_code_is_refused_on_the_store_form_only(tenant, hq_admin, make_store):
    # given two stores
    store = make_store(tenant, "SH-F9")
    make_store(tenant, "SH-D1")
    before = _everything(tenant)
    body = {**NEW_STORE, "action": "store", "code": "SH-D1", "name": "Typed name"}
    client = client_for(tenant, hq_admin)
    # when HQ saves the first with the second's code
    english = client.post(f"/hq/stores/{store.pk}/", body)
    chinese = client.post(f"/hq/stores/{store.pk}/", body, **CHINESE)
    # then the store form comes back as typed, the error at the code, the other forms fresh
    assert (english.status_code, chinese.status_code) == (400, 400)
    assert english.context["form"].errors == {"code": ["A store with code SH-D1 exists already."]}
    assert 'name="name" value="Typed name"' in _page(english)
    assert english.context["contract_form"].is_bound is False
    assert english.context["staff_form"].is_bound is False
    assert "已存在编码为 SH-D1 的门店。" in _page(chinese)
    assert _everything(tenant) == before


def test_a_taken_username_is_refused_on_the_staff_form_keeping_what_was_typed(tenant, hq_admin, make_store):
    store = make_store(tenant, "SH-D1")
    before = _everything(tenant)
    body = {
        "action": "staff",
        "staff-username": "alpha-admin",
        "staff-password": "Long-enough-pw-42",
        "staff-name": "Li Na",
        "staff-role": "guide",
    }
    client = client_for(tenant, hq_admin)
    english = client.post(f"/hq/stores/{store.pk}/", body)
    chinese = client.post(f"/hq/stores/{store.pk}/", body, **CHINESE)
    assert (english.status_code, chinese.status_code) == (400, 400)
    assert english.context["staff_form"].errors == {"username": ["This username is taken."]}
    assert 'name="staff-name" value="Li Na"' in _page(english)
    assert 'name="staff-password"' in _page(english)
    assert "Long-enough-pw-42" not in _page(english)  # a password is never sent back
    assert english.context["form"].is_bound is False
    assert "此用户名已被占用。" in _page(chinese)
    assert _everything(tenant) == before


def test_a_weak_password_is_refused_at_its_field_with_the_apis_message(tenant, hq_admin, make_store, api):
    store = make_store(tenant, "SH-D1")
    before = _everything(tenant)
    account = {"username": "li-guide", "password": "12345678", "name": "Li Na", "role": "guide"}
    page = client_for(tenant, hq_admin).post(
        f"/hq/stores/{store.pk}/", {"action": "staff", **{f"staff-{key}": value for key, value in account.items()}}
    )
    via_api = api(hq_admin, tenant).post(f"/api/v1/stores/{store.pk}/staff/", account, format="json")
    assert (page.status_code, via_api.status_code) == (400, 400)
    assert page.context["staff_form"].errors == {"password": via_api.json()["errors"]["password"]}
    assert 'name="staff-username" value="li-guide"' in _page(page)
    assert _everything(tenant) == before


def test_an_unknown_form_is_named_above_the_editor(tenant, hq_admin, make_store):
    store = make_store(tenant, "SH-D1")
    response = client_for(tenant, hq_admin).post(f"/hq/stores/{store.pk}/", {"action": "other"})
    assert response.status_code == 400
    assert text(response, "page-error") == "Unknown form."


# --- a new store ----------------------------------------------------------------------------------


def test_a_new_store_with_a_taken_code_is_refused_keeping_what_was_typed(tenant, hq_admin, make_store):
    # given a store SH-F9
    make_store(tenant, "SH-F9")
    before = _everything(tenant)
    client = client_for(tenant, hq_admin)
    # when HQ creates another with its code
    english = client.post("/hq/stores/new/", NEW_STORE)
    chinese = client.post("/hq/stores/new/", NEW_STORE, **CHINESE)
    # then the form comes back as typed with the error at the code, and nothing was created
    assert (english.status_code, chinese.status_code) == (400, 400)
    assert english.context["form"].errors == {"code": ["A store with code SH-F9 exists already."]}
    page = _page(english)
    assert 'name="name" value="Jing\'an franchise"' in page
    assert 'name="hours_wed" value="10:00-14:00, 17:00-22:00"' in page
    assert text(english, "page-error") == "A store with code SH-F9 exists already."
    assert "已存在编码为 SH-F9 的门店。" in _page(chinese)
    assert _everything(tenant) == before


# --- the store list -------------------------------------------------------------------------------


def test_a_bad_filter_is_named_on_the_list_page_in_the_readers_language(tenant, hq_admin, make_store):
    make_store(tenant, "SH-D1")
    client = client_for(tenant, hq_admin)
    english = client.get("/hq/stores/", {"capability": "teleport"})
    chinese = client.get("/hq/stores/", {"capability": "teleport"}, **CHINESE)
    assert (english.status_code, chinese.status_code) == (400, 400)
    assert text(english, "page-error") == (
        "capability: Select a valid choice. teleport is not one of the available choices."
    )
    assert text(chinese, "page-error") == "capability: 选择一个有效的选项。 teleport 不在可用的选项中。"
    assert elements(english, "store-row") == []
    assert len(elements(english, "filters")) == 1


# --- the stock edit -------------------------------------------------------------------------------


def test_a_stock_edit_of_a_row_another_store_holds_is_404_and_writes_nothing(tenant, two_stores, make_manager):
    # given the manager of the other store, and gold frames only the first store holds
    other_manager = make_manager(two_stores["other"], "lujiazui-manager")
    gold = two_stores["gold"]
    before = _everything(tenant)
    client = client_for(tenant, other_manager)
    # when they post a count for it
    english = client.post(f"/store/stock/{gold.pk}/", {"on_hand": "9"})
    chinese = client.post(f"/store/stock/{gold.pk}/", {"on_hand": "9"}, HTTP_HX_REQUEST="true", **CHINESE)
    # then there is no such row for them, said in their language, and nothing was written
    assert (english.status_code, chinese.status_code) == (404, 404)
    assert text(english, "page-error") == "This store holds no stock row of that SKU."
    assert text(chinese, "page-error") == "此门店没有该 SKU 的库存记录。"
    assert _everything(tenant) == before


def test_a_refused_stock_edit_without_htmx_shows_the_dashboard_with_the_row_as_typed(tenant, two_stores):
    black = two_stores["black"]
    response = client_for(tenant, two_stores["manager"]).post(f"/store/stock/{black.pk}/", {"on_hand": "1"})
    assert response.status_code == 409
    assert text(response, "page-error") == "SKU RF-BLK: on hand 1 is below the 2 reserved for open orders."
    assert texts(response, "stock-error") == ["SKU RF-BLK: on hand 1 is below the 2 reserved for open orders."]
    assert 'required value="1"' in _page(response)
    assert text(response, "store-name") == "Xintiandi"
    assert stock_row(two_stores["own"], black) == (5, 2)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_hq_sets_a_count_on_the_stores_stock_page_and_a_refusal_keeps_it(tenant, hq_admin, two_stores, htmx):
    store, black = two_stores["own"], two_stores["black"]
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = client_for(tenant, hq_admin)
    # when HQ sets an absurd count, then a good one
    refused = client.post(f"/hq/stores/{store.pk}/stock/{black.pk}/", {"on_hand": "1e9999"}, **headers)
    saved = client.post(f"/hq/stores/{store.pk}/stock/{black.pk}/", {"on_hand": "12"}, **headers)
    # then the first is named at the row as typed, the second saved
    assert refused.status_code == 400
    assert texts(refused, "stock-error") == ["Enter a whole number."]
    assert 'required value="1e9999"' in _page(refused)
    assert saved.status_code == (200 if htmx else 302)
    assert stock_row(store, black) == (12, 2)


def test_hq_sees_a_stores_stock_and_a_foreign_stores_is_404(tenant, other_tenant, hq_admin, two_stores, make_store):
    client = client_for(tenant, hq_admin)
    response = client.get(f"/hq/stores/{two_stores['own'].pk}/stock/")
    assert response.status_code == 200
    assert texts(response, "stock-row") == ["RF-BLK Round frame · Black Save 2 3", "RF-GLD Round frame · Gold Save 0 0"]
    foreign = make_store(other_tenant, "BX001")
    assert client.get(f"/hq/stores/{foreign.pk}/stock/").status_code == 404
    assert client.post(f"/hq/stores/{foreign.pk}/stock/{two_stores['black'].pk}/", {"on_hand": "1"}).status_code == 404
    assert stock_row(two_stores["own"], two_stores["black"]) == (5, 2)


def test_a_guide_reads_the_stores_stock_without_a_form(tenant, two_stores, make_staff):
    guide = make_staff(two_stores["own"], "guide")
    response = client_for(tenant, guide).get("/store/stock/")
    assert response.status_code == 200
    assert texts(response, "stock-row") == ["RF-BLK Round frame · Black 5 2 3", "RF-GLD Round frame · Gold 0 0 0"]
    assert 'name="on_hand"' not in _page(response)
