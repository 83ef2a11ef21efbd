"""HQ's campaign pages: the list with spend so far, the campaign form, a campaign's page with its
links (URL, QR as PNG and SVG) and spend, the forms adding them; refusals shown on the form with
the input kept and nothing saved; constant query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from attribution.models import Campaign, CampaignSpend, TrackingLink
from attribution.services.campaigns import SpendInput, add_spend
from o2o.tenancy import tenant_scope
from tests.attribution.conftest import post_of
from tests.attribution.factories import make_campaign, make_link
from tests.stores.factories import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(tenant, hq_admin):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


def spend(tenant, campaign, day, amount):
    with tenant_scope(tenant):
        add_spend(tenant=tenant, campaign=campaign, data=SpendInput(date=day, amount=Decimal(amount)), by=None)


# in the test's transaction: the tenant scope (3), the tenant, the session, its user, the roles,
# the count and the page with the spend summed; the messages and the menu read nothing more
LIST_PAGE_QUERIES = 10
# the campaign with its total, its links with store, guide, product and service, its spend, and the
# link form's stores, guides, products and services (15); its funnel of the last 30 days, with no
# touch, credit or spend in them (visitors, credits, spend; by store the same three) and its recent
# conversions (7): tests/attribution/test_campaign_funnel_page.py pins the page with a funnel
DETAIL_PAGE_QUERIES = 15 + 7


def test_the_list_shows_channel_dates_budget_and_spend_so_far(
    hq, tenant, other_tenant, campaign, django_assert_num_queries
):
    spend(tenant, campaign, dt.date(2026, 3, 1), "120.50")
    spend(tenant, campaign, dt.date(2026, 3, 2), "79.50")
    with tenant_scope(other_tenant):
        make_campaign(other_tenant, name="Theirs")
    with django_assert_num_queries(LIST_PAGE_QUERIES):
        page = hq.get("/hq/campaigns/")
    assert page.status_code == 200
    [row] = page.context["page"].object_list
    assert (row.name, row.get_channel_display(), row.starts, row.ends, row.budget, row.spent) == (
        "Spring posters",
        "Poster and print",
        dt.date(2026, 3, 1),
        None,
        Decimal("1000.00"),
        Decimal("200.00"),
    )
    assert "Theirs" not in page.content.decode()
    # more campaigns with spend cost no more queries
    with tenant_scope(tenant):
        for n in range(4):
            spend(tenant, make_campaign(tenant, name=f"More {n}"), dt.date(2026, 3, 3), "1.00")
    with django_assert_num_queries(LIST_PAGE_QUERIES):
        assert len(hq.get("/hq/campaigns/").context["page"].object_list) == 5


def test_hq_creates_and_edits_a_campaign(hq, tenant):
    form = {"name": "Douyin live", "channel": "douyin", "starts": "2026-04-01", "ends": "2026-04-30", "budget": "8000"}
    created = hq.post("/hq/campaigns/new/", form)
    assert created.status_code == 302
    with tenant_scope(tenant):
        campaign = Campaign.objects.get(tenant=tenant)
    assert created["Location"] == f"/hq/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.channel, campaign.ends, campaign.budget) == (
        "Douyin live",
        "douyin",
        dt.date(2026, 4, 30),
        Decimal("8000.00"),
    )
    assert hq.get(f"/hq/campaigns/{campaign.pk}/edit/").status_code == 200
    edited = hq.post(f"/hq/campaigns/{campaign.pk}/edit/", {**form, "ends": "", "budget": ""})
    assert edited.status_code == 302
    with tenant_scope(tenant):
        campaign.refresh_from_db()
    assert (campaign.ends, campaign.budget) == (None, None)


def test_a_refused_campaign_is_shown_on_its_form_with_the_input_kept_and_nothing_saved(hq, tenant, campaign):
    before = snapshot(Campaign, tenant)
    # a name taken (the service's rule) and an end before the start
    taken = hq.post("/hq/campaigns/new/", {"name": "Spring posters", "channel": "poster", "starts": "2026-03-01"})
    backwards = hq.post(
        f"/hq/campaigns/{campaign.pk}/edit/",
        {"name": "Spring posters", "channel": "poster", "starts": "2026-03-10", "ends": "2026-03-01"},
    )
    assert taken.status_code == backwards.status_code == 400
    assert taken.context["form"].errors == {"name": ["A campaign with this name exists already."]}
    assert backwards.context["form"].errors == {"ends": ["A campaign cannot end before it starts."]}
    assert backwards.context["form"]["starts"].value() == "2026-03-10"
    assert snapshot(Campaign, tenant) == before
    # in Chinese, a field the form itself refuses
    chinese = hq.post(
        "/hq/campaigns/new/", {"channel": "poster", "starts": "2026-03-01"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert chinese.status_code == 400
    assert "此项为必填项。" in chinese.content.decode()


def test_the_campaign_page_shows_its_links_with_qr_codes_and_its_spend(
    hq, tenant, campaign, store, guide, django_assert_num_queries
):
    spend(tenant, campaign, dt.date(2026, 3, 1), "10.00")
    with tenant_scope(tenant):
        link = make_link(tenant, campaign_id=campaign.pk, store_id=store.pk, target="store")
        make_link(tenant, store_id=store.pk)  # not the campaign's
    with django_assert_num_queries(DETAIL_PAGE_QUERIES):
        page = hq.get(f"/hq/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert (row.link.pk, row.url, row.qr_png) == (
        link.pk,
        f"http://alpha.localhost:8000/t/{link.code}",
        f"/t/{link.code}/qr.png",  # on the page's own host: the image shows wherever HQ opened it
    )
    html = page.content.decode()
    assert f'value="http://alpha.localhost:8000/t/{link.code}"' in html
    assert f"/t/{link.code}/qr.svg?download=1" in html
    assert [(s.date, s.amount) for s in page.context["spend"]] == [(dt.date(2026, 3, 1), Decimal("10.00"))]
    # more links and spend, the same queries
    with tenant_scope(tenant):
        for _ in range(4):
            make_link(tenant, campaign_id=campaign.pk, guide_id=post_of(tenant, guide).pk)
    spend(tenant, campaign, dt.date(2026, 3, 2), "5.00")
    with django_assert_num_queries(DETAIL_PAGE_QUERIES):
        assert len(hq.get(f"/hq/campaigns/{campaign.pk}/").context["rows"]) == 5


def test_hq_makes_a_link_and_adds_spend_on_the_campaign_page(hq, tenant, campaign, store, service):
    made = hq.post(
        f"/hq/campaigns/{campaign.pk}/links/",
        {"target": "booking", "store": store.pk, "service": service.pk, "label": "Poster A"},
    )
    assert (made.status_code, made["Location"]) == (302, f"/hq/campaigns/{campaign.pk}/")
    with tenant_scope(tenant):
        link = TrackingLink.objects.get(tenant=tenant)
    assert (link.campaign_id, link.store_id, link.service_id, link.target, link.label) == (
        campaign.pk,
        store.pk,
        service.pk,
        "booking",
        "Poster A",
    )
    added = hq.post(
        f"/hq/campaigns/{campaign.pk}/spend/", {"date": "2026-03-05", "amount": "300.25", "note": "print run"}
    )
    assert added.status_code == 302
    with tenant_scope(tenant):
        assert list(CampaignSpend.objects.values_list("date", "amount", "note")) == [
            (dt.date(2026, 3, 5), Decimal("300.25"), "print run")
        ]


def test_refused_links_and_spend_stay_on_the_campaign_page_with_nothing_saved(hq, tenant, campaign, store):
    no_store = hq.post(f"/hq/campaigns/{campaign.pk}/links/", {"target": "store", "label": "kept"})
    assert no_store.status_code == 400
    assert no_store.context["link_form"].errors == {"store": ["Choose the store the link leads to."]}
    assert no_store.context["link_form"]["label"].value() == "kept"
    negative = hq.post(f"/hq/campaigns/{campaign.pk}/spend/", {"date": "2026-03-05", "amount": "-1"})
    assert negative.status_code == 400
    assert list(negative.context["spend_form"].errors) == ["amount"]
    assert snapshot(TrackingLink, tenant) == snapshot(CampaignSpend, tenant) == []


def test_another_brands_campaign_page_is_404(hq, other_tenant):
    with tenant_scope(other_tenant):
        theirs = make_campaign(other_tenant)
    assert hq.get(f"/hq/campaigns/{theirs.pk}/").status_code == 404
    assert hq.post(f"/hq/campaigns/{theirs.pk}/spend/", {"date": "2026-03-05", "amount": "1"}).status_code == 404
    assert snapshot(CampaignSpend, other_tenant) == []


def test_the_admin_lists_the_brands_campaigns_links_and_touchpoints_read_only(hq, tenant, other_tenant, campaign):
    with tenant_scope(other_tenant):
        make_campaign(other_tenant, name="Theirs")
    with tenant_scope(tenant):
        link = make_link(tenant, campaign_id=campaign.pk)
    campaigns = hq.get("/admin/attribution/campaign/")
    assert campaigns.status_code == 200
    assert "Spring posters" in campaigns.content.decode()
    assert "Theirs" not in campaigns.content.decode()
    assert link.code in hq.get("/admin/attribution/trackinglink/").content.decode()
    assert hq.get("/admin/attribution/touchpoint/").status_code == 200
    assert hq.get("/admin/attribution/campaign/add/").status_code == 403
