"""/hq/members/ and /store/members/: the same masking as the API, on the portal pages."""

from __future__ import annotations

import pytest
from django.test import Client

from members.services import join_brand
from o2o.choices import Role
from o2o.tenancy import tenant_scope


def page(user, tenant, path, **params):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_hq_sees_every_member_with_their_data(brand, hq_admin):
    html = page(hq_admin, brand.tenant, "/hq/members/")
    assert "+8613812345678" in html
    assert "张伟" in html
    assert "138****5678" not in html
    assert "SH01 Store SH01" in html


@pytest.mark.django_db
def test_another_stores_manager_sees_the_member_masked(brand):
    html = page(brand.other_manager, brand.tenant, "/store/members/")
    assert "138****5678" in html
    assert "张*" in html
    assert "13812345678" not in html
    assert "张伟" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["home_manager", "home_guide"])
def test_the_home_stores_staff_see_the_member_unmasked(brand, who):
    html = page(getattr(brand, who), brand.tenant, "/store/members/")
    assert "+8613812345678" in html
    assert "张伟" in html
    assert "138****5678" not in html


@pytest.mark.django_db
def test_the_store_page_searches_like_the_api(brand):
    # a store that does not serve the member cannot find them by full number, only by the last 4 digits
    assert "138****5678" not in page(brand.other_manager, brand.tenant, "/store/members/", q="13812345678")
    assert "138****5678" in page(brand.other_manager, brand.tenant, "/store/members/", q="5678")


@pytest.mark.django_db
def test_a_bad_filter_shows_an_error_and_no_rows(brand, hq_admin):
    html = page(hq_admin, brand.tenant, "/hq/members/", home_store="SH01")
    assert 'data-testid="filter-errors"' in html
    assert "+8613812345678" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("members", [3, 30])
def test_the_store_page_costs_the_same_queries_for_3_or_30_members(brand, members, django_assert_num_queries):
    with tenant_scope(brand.tenant):
        for number in range(1, members):
            join_brand(tenant=brand.tenant, phone=f"+86139{number:08d}", name="会员", home_store=brand.home)
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    client.force_login(brand.other_manager)
    # tenant, scope (4), session, user, roles, store post (page), store post (list), count, page, stores
    with django_assert_num_queries(13):
        response = client.get("/store/members/")
    assert response.content.decode().count('data-testid="member-row"') == members


@pytest.mark.django_db
def test_the_hq_page_is_paginated(brand, hq_admin):
    with tenant_scope(brand.tenant):
        for number in range(1, 60):
            join_brand(tenant=brand.tenant, phone=f"+86139{number:08d}", name="会员")
    first = page(hq_admin, brand.tenant, "/hq/members/")
    last = page(hq_admin, brand.tenant, "/hq/members/", page=2)
    assert first.count('data-testid="member-row"') == 50
    assert last.count('data-testid="member-row"') == 10
    assert "+8613812345678" in last  # the oldest member comes last


@pytest.mark.django_db
def test_a_consumer_may_not_open_the_member_pages(brand, make_user):
    consumer = make_user(brand.tenant, Role.CONSUMER)
    for path in ("/hq/members/", "/store/members/"):
        client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
        client.force_login(consumer)
        assert client.get(path).status_code == 403
