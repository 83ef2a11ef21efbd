"""HQ's commission rules page (add, change the rate, end, history) and commissions page (filters,
totals, pages, CSV and XLSX)."""

from __future__ import annotations

import re

import pytest

from guides.models import CommissionRule, CommissionRuleVersion
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from tests.orders.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(world, make_user):
    return client_for(world.brand, make_user(world.tenant, Role.HQ_STAFF, username="hq-guides"))


def test_hq_adds_a_rule_changes_its_rate_and_ends_it_keeping_the_history(world, hq):
    # when HQ adds a rule for the store at 5%
    response = hq.post("/hq/commission-rules/new/", {"store": world.store.pk, "category": "", "rate": "0.0500"})
    assert response.status_code == 302
    with tenant_scope(world.tenant):
        rule = CommissionRule.objects.get()
    # and changes it to 6%
    assert hq.post(f"/hq/commission-rules/{rule.pk}/rate/", {"rate": "0.0600"}).status_code == 302
    # then the page shows 0.0600 in force and both rates in its history, the default 0.0300
    html = hq.get("/hq/commission-rules/").content.decode()
    assert re.search(r'data-testid="rate">0\.0600<', html)
    found = re.search(r'data-testid="history">(.*?)</td>', html, re.S)
    assert found is not None
    history = found.group(1)
    assert re.findall(r"<li>(0\.\d{4}):", history) == ["0.0600", "0.0500"]
    assert 'data-testid="default-rate">0.0300<' in html
    # when HQ ends it, then it is listed among the ended rules, with its history
    assert hq.post(f"/hq/commission-rules/{rule.pk}/end/").status_code == 302
    html = hq.get("/hq/commission-rules/").content.decode()
    assert 'data-testid="no-rules"' in html
    assert f'data-testid="ended-row" data-rule="{rule.pk}"' in html
    with tenant_scope(world.tenant):
        assert CommissionRuleVersion.objects.filter(rule=rule).count() == 2


def test_a_rule_naming_neither_store_nor_category_or_a_bad_rate_is_refused(world, hq):
    response = hq.post("/hq/commission-rules/new/", {"store": "", "category": "", "rate": "0.0500"})
    assert response.status_code == 400
    assert "Name a store, a category or both" in response.content.decode()
    response = hq.post("/hq/commission-rules/new/", {"store": world.store.pk, "rate": "1.5"})
    assert response.status_code == 400
    assert 'id="id_rate_error"' in response.content.decode()
    with tenant_scope(world.tenant):
        assert not CommissionRule.objects.exists()


def test_a_second_rule_for_the_same_store_is_a_conflict_shown_on_the_page(world, hq):
    hq.post("/hq/commission-rules/new/", {"store": world.store.pk, "rate": "0.0500"})
    response = hq.post("/hq/commission-rules/new/", {"store": world.store.pk, "rate": "0.0700"})
    assert response.status_code == 409
    assert "change its rate instead" in response.content.decode()


def test_the_rules_page_counts_a_fixed_number_of_queries(world, hq, django_assert_num_queries):
    hq.post("/hq/commission-rules/new/", {"store": world.store.pk, "rate": "0.0500"})
    hq.get("/hq/commission-rules/")
    with django_assert_num_queries(12):
        hq.get("/hq/commission-rules/")
    with tenant_scope(world.tenant):
        category = world.brand.lamp.product.category
    hq.post("/hq/commission-rules/new/", {"category": category.pk, "rate": "0.0800"})
    with tenant_scope(world.tenant):
        rule = CommissionRule.objects.order_by("pk")[0]
    hq.post(f"/hq/commission-rules/{rule.pk}/rate/", {"rate": "0.0400"})
    with django_assert_num_queries(12):
        hq.get("/hq/commission-rules/")


def _commissions(world):
    """Guide A: a lamp and 3 bulbs by code, completed (5.97 + 1.13 pending); guide B: a lamp,
    completed then fully refunded (5.97 reversed)."""
    first = world.place((world.brand.lamp, 1), (world.brand.bulb, 3), code=world.guide.code)
    world.complete(first["id"])
    second = world.place((world.brand.lamp, 1), code=world.other_guide.code)
    world.complete(second["id"])
    world.refund(second["id"], (second["lines"][0]["id"], 1))


def test_hq_filters_the_commissions_and_sees_their_totals(world, hq):
    _commissions(world)
    html = hq.get("/hq/commissions/").content.decode()
    assert re.search(r'data-testid="total-count">3<', html)
    assert re.search(r'data-testid="total-amount">13\.07<', html)
    assert html.count('data-testid="commission-row"') == 3
    pending = hq.get("/hq/commissions/", {"status": "pending"}).content.decode()
    assert re.search(r'data-testid="total-amount">7\.10<', pending)
    by_guide = hq.get("/hq/commissions/", {"guide": world.other_guide.pk}).content.decode()
    assert re.findall(r'data-testid="commission-row" data-status="(\w+)"', by_guide) == ["reversed"]
    by_store = hq.get("/hq/commissions/", {"store": world.store.pk}).content.decode()
    assert by_store.count('data-testid="commission-row"') == 3


def test_a_bad_month_is_a_400_next_to_its_field(world, hq):
    response = hq.get("/hq/commissions/", {"period": "2026-13"})
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM." in response.content.decode()


def test_the_csv_holds_the_filtered_rows(world, hq):
    _commissions(world)
    response = hq.get("/hq/commissions.csv", {"status": "pending"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3  # the header and A's two lines
    assert [line.split(",")[10] for line in lines[1:]] == ["1.13", "5.97"]
    xlsx = hq.get("/hq/commissions.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_the_commissions_page_counts_a_fixed_number_of_queries(world, hq, django_assert_num_queries):
    first = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(first["id"])
    hq.get("/hq/commissions/")
    with django_assert_num_queries(13):
        hq.get("/hq/commissions/")
    _commissions(world)
    with django_assert_num_queries(13):
        response = hq.get("/hq/commissions/")
    assert response.content.decode().count('data-testid="commission-row"') == 4
