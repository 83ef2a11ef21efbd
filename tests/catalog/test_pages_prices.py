"""The HQ price-list editor (/hq/price-lists/): the brand's SKUs against its regions, each regional
price edited in its cell and saved on its own (htmx; a plain form without JavaScript).

A bad cell is refused where it was typed: htmx swaps the cell back with the typed value and the
message (the page error boundary marks the 400 so that the browser swaps it in, instead of
django-htmx's debug handler replacing the whole page with the bare fragment); without JavaScript
the whole grid comes back (400) with that cell keeping what was typed, its message next to it.
"""

from __future__ import annotations

import re

import pytest

from catalog.models import Product, Sku
from o2o.tenancy import tenant_scope
from tests.catalog.snapshots import regional_prices_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def cell_input(html: str, sku: Sku, region: str) -> str:
    """The price input of one cell of the page, as rendered."""
    cell = re.search(rf'<form[^>]*data-sku="{sku.code}" data-region="{region}".*?</form>', html, re.S)
    assert cell is not None, f"no cell {sku.code}/{region}"
    price = re.search(r'<input type="text" name="price"[^>]*>', cell.group(0), re.S)
    assert price is not None
    return price.group(0)


def many_skus(tenant, lamps, count: int, *, name: str) -> None:
    with tenant_scope(tenant):
        product = Product.objects.create(tenant=tenant, name=name, category=lamps)
        Sku.objects.bulk_create(
            Sku(tenant=tenant, product=product, code=f"{name}-{n:03}", name=f"{name} {n}", price=n)
            for n in range(count)
        )


def test_the_price_list_shows_skus_against_regions(hq, tenant, reader_skus, set_price, django_assert_num_queries):
    # given a price in the east and one in the north
    set_price(tenant, reader_skus["RD-W"], "east", "189.00")
    set_price(tenant, reader_skus["RD-B"], "north", "219.00")
    # when HQ opens the price lists, asking for a new region too
    with django_assert_num_queries(12):
        response = hq.get("/hq/price-lists/", {"region": "south"})
    # then each SKU shows its price per region, empty where its own price applies
    assert response.status_code == 200
    assert response.context["regions"] == ["east", "north", "south"]
    grid = {(row.sku.code, cell.region): cell.price for row in response.context["rows"] for cell in row.cells}
    assert {key: str(value) if value is not None else None for key, value in grid.items()} == {
        ("RD-B", "east"): None,
        ("RD-B", "north"): "219.00",
        ("RD-B", "south"): None,
        ("RD-W", "east"): "189.00",
        ("RD-W", "north"): None,
        ("RD-W", "south"): None,
    }


def test_the_price_list_costs_the_same_queries_for_one_sku_and_a_full_page(
    hq, tenant, lamps, set_price, django_assert_num_queries
):
    # given one SKU priced in two regions
    many_skus(tenant, lamps, 1, name="One")
    with tenant_scope(tenant):
        first = Sku.objects.get(tenant=tenant)
    set_price(tenant, first, "east", "1.00")
    set_price(tenant, first, "north", "2.00")
    with django_assert_num_queries(12):
        assert len(hq.get("/hq/price-lists/").context["rows"]) == 1
    # when the brand has a page and more of SKUs, then a page of them costs the same
    many_skus(tenant, lamps, 80, name="Many")
    with django_assert_num_queries(12):
        assert len(hq.get("/hq/price-lists/").context["rows"]) == 50


def test_a_price_cell_is_set_and_cleared_in_place(hq, tenant, reader_skus, django_assert_num_queries):
    white = reader_skus["RD-W"].pk
    # when HQ types a price in the south cell (htmx)
    with django_assert_num_queries(18):
        response = hq.post("/hq/price-lists/", {"sku": white, "region": "south", "price": "179"}, **HTMX)
    # then only the cell comes back, saved
    assert response.status_code == 200
    assert response.templates[0].name == "hq/catalog/_price_cell.html"
    assert 'data-testid="price-saved"' in response.content.decode()
    assert regional_prices_of(tenant) == [("south", "RD-W", "179.00")]
    # when HQ empties it, the SKU's own price applies again
    response = hq.post("/hq/price-lists/", {"sku": white, "region": "south", "price": ""}, **HTMX)
    assert response.status_code == 200
    assert regional_prices_of(tenant) == []


def test_a_saved_cell_without_javascript_goes_back_to_the_same_grid(hq, tenant, reader_skus):
    # when HQ saves a cell of page 1 of a search, with a region that has no price yet, without htmx
    url = "/hq/price-lists/?q=RD&regions=west"
    response = hq.post(url, {"sku": reader_skus["RD-B"].pk, "region": "west", "price": "5"})
    # then the grid they were on opens again, saying so
    assert (response.status_code, response["Location"]) == (302, url)
    assert regional_prices_of(tenant) == [("west", "RD-B", "5.00")]
    page = hq.get(url).content.decode()
    assert "Price of RD-B in west saved." in page


def test_a_bad_cell_comes_back_in_place_with_what_was_typed_and_saves_nothing(hq, tenant, reader_skus, set_price):
    # given RD-W at 189.00 in the east
    set_price(tenant, reader_skus["RD-W"], "east", "189.00")
    # when HQ types -1 in that cell (htmx)
    response = hq.post("/hq/price-lists/", {"sku": reader_skus["RD-W"].pk, "region": "east", "price": "-1"}, **HTMX)
    # then the cell comes back, marked so that the browser swaps it in, keeping -1 with the message
    html = response.content.decode()
    assert response.status_code == 400
    assert response["X-Page-Error"] == "invalid"
    assert response.templates[0].name == "hq/catalog/_price_cell.html"
    assert 'value="-1"' in cell_input(html, reader_skus["RD-W"], "east")
    assert 'aria-invalid="true"' in cell_input(html, reader_skus["RD-W"], "east")
    assert re.findall(r'data-testid="price-error"[^>]*>([^<]*)<', html) == [
        "Ensure this value is greater than or equal to 0."
    ]
    # and the price is as it was
    assert regional_prices_of(tenant) == [("east", "RD-W", "189.00")]


def test_without_javascript_a_bad_cell_shows_the_whole_grid_with_what_was_typed(
    hq, tenant, reader_skus, set_price, django_assert_num_queries
):
    # given prices in the east for both SKUs
    set_price(tenant, reader_skus["RD-W"], "east", "189.00")
    set_price(tenant, reader_skus["RD-B"], "east", "199.00")
    # when HQ types 1.234 in RD-W's east cell and saves it without htmx
    with django_assert_num_queries(17):
        response = hq.post("/hq/price-lists/?q=RD", {"sku": reader_skus["RD-W"].pk, "region": "east", "price": "1.234"})
    # then the whole grid comes back (400): the cell keeps 1.234 with its message, the others their prices
    html = response.content.decode()
    assert response.status_code == 400
    assert "hq/catalog/price_list.html" in [t.name for t in response.templates]
    assert [row.sku.code for row in response.context["rows"]] == ["RD-B", "RD-W"]
    assert 'value="1.234"' in cell_input(html, reader_skus["RD-W"], "east")
    assert 'aria-invalid="true"' in cell_input(html, reader_skus["RD-W"], "east")
    assert 'value="199.00"' in cell_input(html, reader_skus["RD-B"], "east")
    assert re.findall(r'data-testid="price-error"[^>]*>([^<]*)<', html) == [
        "Ensure that there are no more than 2 decimal places."
    ]
    # and nothing is saved
    assert regional_prices_of(tenant) == [("east", "RD-B", "199.00"), ("east", "RD-W", "189.00")]


def test_a_bad_cell_of_a_region_with_no_price_yet_is_shown_in_that_regions_column(hq, tenant, reader_skus):
    # when HQ types a bad price in a new region's cell without htmx
    response = hq.post("/hq/price-lists/", {"sku": reader_skus["RD-B"].pk, "region": "west", "price": "abc"})
    # then the grid shows the west column, with the typed text and why in RD-B's cell
    assert response.status_code == 400
    assert response.context["regions"] == ["west"]
    assert 'value="abc"' in cell_input(response.content.decode(), reader_skus["RD-B"], "west")
    assert regional_prices_of(tenant) == []


def test_a_bad_cell_is_explained_in_chinese_to_a_chinese_reader(hq, tenant, reader_skus):
    response = hq.post(
        "/hq/price-lists/",
        {"sku": reader_skus["RD-W"].pk, "region": "east", "price": "99999999999999999999"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **HTMX,
    )
    assert response.status_code == 400
    assert re.findall(r'data-testid="price-error"[^>]*>([^<]*)<', response.content.decode()) == [
        "确认总共不超过 14 个数字."
    ]
    assert 'value="99999999999999999999"' in cell_input(response.content.decode(), reader_skus["RD-W"], "east")
    assert regional_prices_of(tenant) == []


def test_a_price_cell_of_another_brands_sku_is_a_404(hq, tenant, other_tenant, make_category, make_product):
    theirs = make_product(other_tenant, "Theirs", make_category(other_tenant, "X"), [("T-1", "One", "1.00")])
    with tenant_scope(other_tenant):
        their_sku = theirs.skus.get().pk
    for headers in (HTMX, {}):
        response = hq.post("/hq/price-lists/", {"sku": their_sku, "region": "east", "price": "1"}, **headers)
        assert response.status_code == 404
    assert regional_prices_of(tenant) == regional_prices_of(other_tenant) == []


@pytest.mark.parametrize(
    "cell", [{"region": "east", "price": "1"}, {"sku": "x", "region": "east"}, {"sku": "1", "region": "e" * 65}]
)
def test_a_cell_naming_no_sku_or_region_is_a_400_page(hq, tenant, cell):
    response = hq.post("/hq/price-lists/", cell)
    assert response.status_code == 400
    assert regional_prices_of(tenant) == []
