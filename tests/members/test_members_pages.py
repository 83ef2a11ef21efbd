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
@pytest.mark.parametrize("path", ["/hq/members/", "/store/members/"])
def test_a_bad_filter_is_a_400_naming_it_on_the_form_with_no_rows(brand, hq_admin, path):
    # given HQ or a store's manager
    user = hq_admin if path.startswith("/hq/") else brand.home_manager
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    client.force_login(user)
    # when a filter is not a store id (what the API refuses alike)
    response = client.get(path, {"home_store": "SH01", "q": "138"})
    # then the page says which, keeps what was typed, and lists nobody
    html = response.content.decode()
    assert response.status_code == 400
    assert response["X-Page-Error"] == "invalid"
    assert '<li class="error">Home store: Enter a whole number.</li>' in html
    assert 'value="138"' in html
    assert 'data-testid="member-row"' not in html


@pytest.mark.django_db
def test_a_bad_filter_is_named_in_chinese_to_a_chinese_reader(brand, hq_admin):
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(hq_admin)
    response = client.get("/hq/members/", {"home_store": "SH01"})
    assert response.status_code == 400
    assert '<li class="error">归属门店: 输入整数。</li>' in response.content.decode()


def _add_members(brand, count):
    with tenant_scope(brand.tenant):
        for number in range(1, count):
            join_brand(tenant=brand.tenant, phone=f"+86139{number:08d}", name="会员", home_store=brand.home)


# tenant, scope (savepoint, set_config, reset, release), session, user, roles, store post (once for
# the page and the list), count, page (masking in SQL, home store joined), stores of the filter
STORE_PAGE_QUERIES = 12
# the same without the store post
HQ_PAGE_QUERIES = 11


@pytest.mark.django_db
@pytest.mark.parametrize("members", [1, 30])
def test_the_store_page_costs_the_same_queries_for_1_or_30_members(brand, members, django_assert_num_queries):
    _add_members(brand, members)
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    client.force_login(brand.other_manager)
    with django_assert_num_queries(STORE_PAGE_QUERIES):
        response = client.get("/store/members/")
    assert response.content.decode().count('data-testid="member-row"') == members


@pytest.mark.django_db
@pytest.mark.parametrize("members", [1, 30])
def test_the_hq_page_costs_the_same_queries_for_1_or_30_members(brand, hq_admin, members, django_assert_num_queries):
    _add_members(brand, members)
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost")
    client.force_login(hq_admin)
    with django_assert_num_queries(HQ_PAGE_QUERIES):
        response = client.get("/hq/members/")
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
