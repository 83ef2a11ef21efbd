"""The store dashboard: the manager's own store, its stock edited inline, its staff and QR code."""

from __future__ import annotations

import pytest

from o2o.choices import Role
from o2o.tenancy import tenant_scope
from stores.models import Stock
from tests.pages import client_for, elements, queries_for, text, texts
from tests.stores.conftest import stock_row

pytestmark = pytest.mark.django_db


# --- the store dashboard ------------------------------------------------------------------------


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
    assert 'name="on_hand" min="0" max="2000000000" step="1" required value="7"' in response.content.decode()
    assert stock_row(two_stores["own"], black) == (7, 2)
    assert stock_row(two_stores["other"], black) == (9, 1)


def test_an_on_hand_below_reserved_shows_the_error_in_the_row_and_changes_nothing(tenant, two_stores):
    black = two_stores["black"]
    response = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{black.pk}/", {"on_hand": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert texts(response, "stock-error") == ["SKU RF-BLK: on hand 1 is below the 2 reserved for open orders."]
    assert texts(response, "available") == ["3"]
    assert stock_row(two_stores["own"], black) == (5, 2)


def test_a_negative_on_hand_shows_the_error_in_the_row_and_changes_nothing(tenant, two_stores):
    black = two_stores["black"]
    response = client_for(tenant, two_stores["manager"]).post(
        f"/store/stock/{black.pk}/", {"on_hand": "-1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
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


def test_the_dashboard_takes_as_many_queries_for_five_stock_rows_as_for_one(tenant, two_stores, make_sku, stock_of):
    client = client_for(tenant, two_stores["manager"])
    with tenant_scope(tenant):
        Stock.objects.filter(store=two_stores["own"], sku=two_stores["gold"]).delete()
    one = queries_for(client, "/store/")
    for number in range(4):
        stock_of(two_stores["own"], make_sku(tenant, f"X-{number}", f"Extra {number}", product=f"Extra {number}"), 1)
    five = queries_for(client, "/store/")
    assert one == five
