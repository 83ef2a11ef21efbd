"""/api/v1/categories/: the category tree, written by HQ, read by anyone."""

from __future__ import annotations

import pytest

from o2o.choices import Role
from tests.catalog.snapshots import categories_of

pytestmark = pytest.mark.django_db


def test_hq_creates_a_category_under_a_parent(api, tenant, hq_admin, lamps, django_assert_num_queries):
    client = api(hq_admin, tenant)
    with django_assert_num_queries(14):
        response = client.post("/api/v1/categories/", {"name": "Desk lamps", "parent": lamps.pk}, format="json")
    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "name": "Desk lamps", "parent": lamps.pk}
    assert categories_of(tenant) == [("Desk lamps", "Lamps"), ("Lamps", None)]


def test_anyone_lists_the_categories_in_a_fixed_number_of_queries(
    api, tenant, make_category, django_assert_num_queries
):
    # given 2 categories, then 20
    client = api(None, tenant)
    for number in range(2):
        make_category(tenant, f"Category {number:02}")
    with django_assert_num_queries(7):
        assert client.get("/api/v1/categories/").json()["count"] == 2
    for number in range(2, 20):
        make_category(tenant, f"Category {number:02}")
    with django_assert_num_queries(7):
        body = client.get("/api/v1/categories/").json()
    assert [row["name"] for row in body["results"]] == [f"Category {number:02}" for number in range(20)]


def test_a_name_taken_under_the_same_parent_is_a_400_naming_it(api, tenant, hq_admin, make_category, lamps):
    # given "Desk" under "Lamps" and a top-level "Fans"
    make_category(tenant, "Desk", parent=lamps)
    make_category(tenant, "Fans")
    before = categories_of(tenant)
    client = api(hq_admin, tenant)
    # when HQ adds them again at the same place
    under = client.post("/api/v1/categories/", {"name": "Desk", "parent": lamps.pk}, format="json")
    top = client.post("/api/v1/categories/", {"name": "Fans"}, format="json")
    # then the name is named, and nothing is written
    assert under.status_code == top.status_code == 400
    assert under.json()["errors"] == {"name": ["A category with this name exists already under this parent."]}
    assert top.json()["errors"] == {"name": ["A category with this name exists already under this parent."]}
    assert categories_of(tenant) == before
    # while the same name elsewhere is fine
    assert client.post("/api/v1/categories/", {"name": "Desk"}, format="json").status_code == 201


def test_moving_a_category_under_itself_or_its_subcategory_is_a_400_and_nothing_moves(
    api, tenant, hq_admin, make_category, lamps, django_assert_num_queries
):
    # given Lamps > Desk > Reading
    desk = make_category(tenant, "Desk", parent=lamps)
    reading = make_category(tenant, "Reading", parent=desk)
    before = categories_of(tenant)
    client = api(hq_admin, tenant)
    # when HQ puts Lamps under Reading, or under itself
    with django_assert_num_queries(14):
        response = client.patch(f"/api/v1/categories/{lamps.pk}/", {"parent": reading.pk}, format="json")
    itself = client.patch(f"/api/v1/categories/{lamps.pk}/", {"parent": lamps.pk}, format="json")
    # then the parent is named and the tree is unchanged
    message = {"parent": ["A category cannot be placed under itself or one of its subcategories."]}
    assert response.status_code == itself.status_code == 400
    assert response.json()["errors"] == itself.json()["errors"] == message
    assert categories_of(tenant) == before


def test_hq_renames_and_moves_a_category(api, tenant, hq_admin, make_category, lamps):
    fans = make_category(tenant, "Fans")
    response = api(hq_admin, tenant).put(
        f"/api/v1/categories/{fans.pk}/", {"name": "Ceiling fans", "parent": lamps.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"id": fans.pk, "name": "Ceiling fans", "parent": lamps.pk}
    assert categories_of(tenant) == [("Ceiling fans", "Lamps"), ("Lamps", None)]


def test_deleting_a_category_with_products_is_a_409_and_it_stays(
    api, tenant, hq_admin, lamps, make_product, django_assert_num_queries
):
    make_product(tenant, "Lamp", lamps, [("L-1", "One", "1.00")])
    client = api(hq_admin, tenant)
    with django_assert_num_queries(13):  # the category is locked before its products are counted
        response = client.delete(f"/api/v1/categories/{lamps.pk}/")
    assert response.status_code == 409
    assert response.json() == {"code": "category_in_use", "detail": "The category holds products: move them first."}
    assert categories_of(tenant) == [("Lamps", None)]


def test_deleting_a_category_with_subcategories_is_a_409(api, tenant, hq_admin, make_category, lamps):
    make_category(tenant, "Desk", parent=lamps)
    response = api(hq_admin, tenant).delete(f"/api/v1/categories/{lamps.pk}/")
    assert response.status_code == 409
    assert categories_of(tenant) == [("Desk", "Lamps"), ("Lamps", None)]


def test_hq_deletes_an_empty_category(api, tenant, hq_admin, lamps):
    assert api(hq_admin, tenant).delete(f"/api/v1/categories/{lamps.pk}/").status_code == 204
    assert categories_of(tenant) == []


@pytest.mark.parametrize("role", [Role.STORE_MANAGER, Role.GUIDE, Role.CONSUMER])
def test_other_roles_read_categories_but_may_not_write_them(api, tenant, make_user, lamps, role):
    client = api(make_user(tenant, role), tenant)
    assert client.get(f"/api/v1/categories/{lamps.pk}/").json() == {"id": lamps.pk, "name": "Lamps", "parent": None}
    assert client.post("/api/v1/categories/", {"name": "New"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/categories/{lamps.pk}/", {"name": "X"}, format="json").status_code == 403
    assert client.delete(f"/api/v1/categories/{lamps.pk}/").status_code == 403
    assert categories_of(tenant) == [("Lamps", None)]
