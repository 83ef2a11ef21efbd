"""The queries of every HQ catalog page that lists or acts, measured and pinned: the same with one
row as with many (no N+1). The price-list grid and a price cell are pinned in test_pages_prices.py.

What a page costs before its own work (measured): the tenant, its scope, the session, the user and
their roles (5), plus savepoints and the scope's reset around a POST.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Category, Product, Sku
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from tests.catalog.test_pages_products import sku_formset

pytestmark = pytest.mark.django_db


def products(tenant: Tenant, category: Category, count: int, *, skus: int = 1, prefix: str = "P") -> list[Product]:
    with tenant_scope(tenant):
        made = Product.objects.bulk_create(
            Product(tenant=tenant, name=f"{prefix} {n:03}", category=category) for n in range(count)
        )
        Sku.objects.bulk_create(
            Sku(tenant=tenant, product=product, code=f"{product.name}-{k}", name=f"V{k}", price=k)
            for product in made
            for k in range(skus)
        )
        return made


def categories(tenant: Tenant, count: int, parent: Category) -> None:
    with tenant_scope(tenant):
        Category.objects.bulk_create(Category(tenant=tenant, name=f"C {n:03}", parent=parent) for n in range(count))


def test_the_product_list(hq, tenant, lamps, django_assert_num_queries):
    products(tenant, lamps, 1, prefix="Q1")
    filtered = {"category": lamps.pk, "q": "Q", "is_active": "true"}
    with django_assert_num_queries(13):
        assert len(hq.get("/hq/products/").context["rows"]) == 1
    with django_assert_num_queries(15):
        assert len(hq.get("/hq/products/", filtered).context["rows"]) == 1
    products(tenant, lamps, 40, skus=3, prefix="R")
    products(tenant, lamps, 40, skus=3, prefix="Q")
    categories(tenant, 10, lamps)
    with django_assert_num_queries(13):
        assert len(hq.get("/hq/products/").context["rows"]) == 25
    with django_assert_num_queries(15):
        assert len(hq.get("/hq/products/", filtered).context["rows"]) == 25


def test_the_product_editor_opens(hq, tenant, lamps, django_assert_num_queries):
    one, many = products(tenant, lamps, 1, skus=1)[0], products(tenant, lamps, 1, skus=30, prefix="M")[0]
    for product in (one, many):
        with django_assert_num_queries(13):
            assert hq.get(f"/hq/products/{product.pk}/").status_code == 200


def test_the_product_editor_saves(hq, tenant, lamps, django_assert_num_queries):
    # a product with one SKU, then one with twenty: the same writes (bulk, with their history)
    for count in (1, 20):
        data = {"name": f"Saved {count}", "category": lamps.pk, "is_active": "on"}
        data |= sku_formset(*[(None, f"S{count}-{n}", "V", "1.00", True) for n in range(count)])
        with django_assert_num_queries(21):
            assert hq.post("/hq/products/new/", data).status_code == 302


def test_a_refused_product_editor_save(hq, tenant, lamps, django_assert_num_queries):
    products(tenant, lamps, 1, skus=20, prefix="Taken")
    for count in (1, 20):
        data = {"name": "Taken 000", "category": lamps.pk, "is_active": "on"}
        data |= sku_formset(*[(None, f"R{count}-{n}", "V", "1.00", True) for n in range(count)])
        with django_assert_num_queries(22):
            assert hq.post("/hq/products/new/", data).status_code == 400


def test_the_category_page(hq, tenant, lamps, make_product, django_assert_num_queries):
    products(tenant, lamps, 1)
    with django_assert_num_queries(12):
        assert len(hq.get("/hq/categories/").context["rows"]) == 1
    categories(tenant, 30, lamps)
    products(tenant, lamps, 30, prefix="More")
    with django_assert_num_queries(12):
        assert len(hq.get("/hq/categories/").context["rows"]) == 31


def test_adding_and_deleting_a_category(hq, tenant, lamps, make_category, django_assert_num_queries):
    categories(tenant, 30, lamps)
    with django_assert_num_queries(18):
        assert hq.post("/hq/categories/", {"name": "New", "parent": lamps.pk}).status_code == 302
    empty = make_category(tenant, "Empty")
    with django_assert_num_queries(22):  # 21, and one for the commission rules that would protect it
        assert hq.post(f"/hq/categories/{empty.pk}/delete/").status_code == 302
    products(tenant, lamps, 30)
    with django_assert_num_queries(21):
        assert hq.post(f"/hq/categories/{lamps.pk}/delete/").status_code == 409


def test_the_export(hq, tenant, lamps, django_assert_num_queries):
    products(tenant, lamps, 1)
    with django_assert_num_queries(10):
        assert hq.get("/hq/products/export/").status_code == 200
    products(tenant, lamps, 50, skus=4, prefix="Q")
    with django_assert_num_queries(10):
        assert hq.get("/hq/products/export/").status_code == 200


def _file(rows: list[str]) -> SimpleUploadedFile:
    text = "category,product,sku_code,sku_name,price\n" + "".join(f"{row}\n" for row in rows)
    return SimpleUploadedFile("p.csv", text.encode(), content_type="text/csv")


def test_the_import_costs_the_same_for_one_row_of_a_product_as_for_many(hq, tenant, lamps, django_assert_num_queries):
    # a new product with one SKU, then a new product with thirty: its SKUs are written in bulk
    def upload(name: str, count: int) -> SimpleUploadedFile:
        return _file([f"Lamps,{name},{name}-{n},V,1.00" for n in range(count)])

    for name, count in (("One", 1), ("Thirty", 30)):
        with django_assert_num_queries(23):
            assert hq.post("/hq/products/import/", {"file": upload(name, count)}).status_code == 302
    # an update of an existing product with one row, then with thirty
    for name, count in (("One", 1), ("Thirty", 30)):
        with django_assert_num_queries(24):
            assert hq.post("/hq/products/import/", {"file": upload(name, count)}).status_code == 302


def test_the_import_grows_by_the_same_count_for_each_product(hq, tenant, lamps, django_assert_num_queries):
    # Each product of the file is written by the catalog's own create_product (its checks, its
    # locks, its history): a fixed count per product, whatever its number of rows.
    for count, expected in ((1, 23), (2, 32), (3, 41)):
        rows = [f"Lamps,N{count}-{n},N{count}-{n}-A,V,1.00" for n in range(count)]
        with django_assert_num_queries(expected):
            assert hq.post("/hq/products/import/", {"file": _file(rows)}).status_code == 302
