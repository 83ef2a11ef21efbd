"""HQ's category page (/hq/categories/): the tree by path, adding a category, deleting an empty one;
a refusal is shown on the page, in the reader's language, with what was typed and nothing changed."""

from __future__ import annotations

import re

import pytest

from catalog.models import Category
from o2o.tenancy import tenant_scope
from tests.catalog.snapshots import catalog_of, categories_of

pytestmark = pytest.mark.django_db


def name_input(html: str) -> str:
    found = re.search(r'<input type="text" name="name"[^>]*>', html)
    assert found is not None
    return found.group(0)


def test_the_page_lists_the_categories_by_path_with_what_they_hold(
    hq, tenant, other_tenant, lamps, make_category, make_product
):
    # given Lamps with a product and a subcategory, and another brand's category
    make_category(tenant, "Desk", parent=lamps)
    make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    make_category(other_tenant, "Theirs")
    # when HQ opens the category page
    response = hq.get("/hq/categories/")
    # then the brand's categories show by path, with their products and subcategories
    assert response.status_code == 200
    rows = [(row.path, row.products, row.subcategories) for row in response.context["rows"]]
    assert rows == [("Lamps", 1, 1), ("Lamps / Desk", 0, 0)]
    assert "Theirs" not in response.content.decode()


def test_hq_adds_a_category_under_another(hq, tenant, lamps):
    response = hq.post("/hq/categories/", {"name": "Desk", "parent": lamps.pk})
    assert (response.status_code, response["Location"]) == (302, "/hq/categories/")
    assert categories_of(tenant) == [("Desk", "Lamps"), ("Lamps", None)]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "A category with this name exists already under this parent."),
        ("zh-hans", "该上级分类下已存在同名分类。"),
    ],
)
def test_a_taken_name_is_refused_next_to_it_keeping_what_was_typed(hq, tenant, lamps, make_category, language, message):
    # given Lamps / Desk
    make_category(tenant, "Desk", parent=lamps)
    before = catalog_of(tenant)
    # when HQ adds another Desk under Lamps
    response = hq.post("/hq/categories/", {"name": " Desk ", "parent": lamps.pk}, HTTP_ACCEPT_LANGUAGE=language)
    # then the form comes back with what was typed and why, in the reader's language; nothing is added
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": [message]}
    assert 'value=" Desk "' in name_input(response.content.decode())
    assert f'<option value="{lamps.pk}" selected>' in response.content.decode()
    assert catalog_of(tenant) == before


def test_a_name_too_long_is_a_400_keeping_it(hq, tenant):
    response = hq.post("/hq/categories/", {"name": "x" * 121})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert "x" * 121 in name_input(response.content.decode())
    assert categories_of(tenant) == []


def test_hq_deletes_an_empty_category(hq, tenant, lamps):
    response = hq.post(f"/hq/categories/{lamps.pk}/delete/")
    assert (response.status_code, response["Location"]) == (302, "/hq/categories/")
    assert categories_of(tenant) == []


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The category holds products: move them first."), ("zh-hans", "该分类下还有商品，请先将其移走。")],
)
def test_a_category_in_use_stays_and_the_page_says_why(hq, tenant, lamps, make_product, language, message):
    # given Lamps holding a product
    make_product(tenant, "Reader", lamps, [("RD-W", "White", "199.00")])
    before = catalog_of(tenant)
    # when HQ deletes Lamps
    response = hq.post(f"/hq/categories/{lamps.pk}/delete/", HTTP_ACCEPT_LANGUAGE=language)
    # then the page says why at that category, in the reader's language, and it stays
    assert response.status_code == 409
    assert response["X-Page-Error"] == "category_in_use"
    assert re.findall(r'data-testid="category-error"[^>]*>([^<]*)<', response.content.decode()) == [message]
    assert catalog_of(tenant) == before


def test_deleting_another_brands_category_is_a_404_and_it_stays(hq, other_tenant, make_category):
    theirs = make_category(other_tenant, "Theirs")
    assert hq.post(f"/hq/categories/{theirs.pk}/delete/").status_code == 404
    assert hq.get(f"/hq/categories/{theirs.pk}/delete/").status_code == 404
    assert categories_of(other_tenant) == [("Theirs", None)]


def test_deleting_takes_a_post(hq, tenant, lamps):
    assert hq.get(f"/hq/categories/{lamps.pk}/delete/").status_code == 405
    with tenant_scope(tenant):
        assert Category.objects.filter(pk=lamps.pk).exists()
