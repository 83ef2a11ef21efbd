"""The demo's attribution (issue 11 item 8): after `seed_demo`, every grouping of the funnel report
shows real numbers under the brand's model, the Tmall campaign's touchpoints count nowhere, the
poster walkthrough's member is followed from the scan to the visit and the order on the poster
campaign's page, and seeding again changes nothing. One seeding for all of it (it takes a while)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from attribution.choices import B2C_CHANNELS, Channel
from attribution.demo_walkthrough import WALK_CODE, WALK_VISITOR, walk_member
from attribution.models import Campaign, CampaignSpend, Conversion, Credit, Touchpoint, TrackingLink, VisitorIdentity
from attribution.selectors.funnel import GROUPS
from o2o.choices import Role
from o2o.demo import BRANDS, DEMO_PASSWORD
from o2o.models import Tenant
from o2o.tenancy import tenant_scope

pytestmark = pytest.mark.django_db
MODELS = ("first_touch", "last_touch", "linear", "position_based", "time_decay")


def counts(tenant: Tenant) -> dict[str, int]:
    with tenant_scope(tenant):
        return {
            model.__name__: model.objects.filter(tenant=tenant).count()
            for model in (Campaign, CampaignSpend, TrackingLink, Touchpoint, VisitorIdentity, Conversion, Credit)
        }


def totals(rows: list[dict[str, object]]) -> tuple[int, Decimal, Decimal, Decimal, Decimal, Decimal]:
    return (
        sum(int(str(row["visitors"])) for row in rows),
        sum((Decimal(str(row["bookings"])) for row in rows), Decimal(0)),
        sum((Decimal(str(row["visits"])) for row in rows), Decimal(0)),
        sum((Decimal(str(row["orders"])) for row in rows), Decimal(0)),
        sum((Decimal(str(row["revenue"])) for row in rows), Decimal(0)),
        sum((Decimal(str(row["cost"])) for row in rows), Decimal(0)),
    )


def test_the_demo_shows_a_real_funnel_a_poster_walkthrough_and_seeding_twice_changes_nothing(make_tenant, api):
    tenants = [make_tenant(brand.slug, name=brand.name, timezone=brand.timezone) for brand in BRANDS]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    seeded = {tenant.slug: counts(tenant) for tenant in tenants}
    for tenant, brand in zip(tenants, BRANDS, strict=True):
        # the brand has its six campaigns, a poster per store and a month of touchpoints
        assert seeded[tenant.slug]["Campaign"] == 6
        assert seeded[tenant.slug]["Touchpoint"] > 2000
        hq = api(_hq_admin(tenant), tenant)
        # every grouping under every heuristic model (the brand's among them) has real numbers
        for model in MODELS:
            for group_by in GROUPS:
                answer = hq.get("/api/v1/reports/funnel/", {"group_by": group_by, "model": model})
                assert answer.status_code == 200, answer.json()
                visitors, bookings, visits, orders, revenue, cost = totals(answer.json()["rows"])
                assert min(Decimal(visitors), bookings, visits, orders, revenue, cost) > 0, (model, group_by)
        by_channel = hq.get("/api/v1/reports/funnel/", {"group_by": "channel", "model": tenant.attribution_model})
        channels = {row["key"]: row for row in by_channel.json()["rows"]}
        # the Tmall shop's touchpoints and spend are there, and count nowhere: no row, no credit
        with tenant_scope(tenant):
            tmall = Campaign.objects.get(tenant=tenant, channel=Channel.TMALL)
            assert Touchpoint.objects.filter(tenant=tenant, campaign=tmall).count() > 100
            assert not Credit.objects.filter(tenant=tenant, channel__in=B2C_CHANNELS).exists()
            assert CampaignSpend.objects.filter(tenant=tenant, campaign=tmall).exists()
        assert "tmall" not in channels
        assert channels["poster"]["visitors"] > 0
        _follow_the_poster_walkthrough(tenant, brand, printed)
    # seeding again changes nothing
    call_command("seed_demo", stdout=io.StringIO())
    assert {tenant.slug: counts(tenant) for tenant in tenants} == seeded


def _hq_admin(tenant: Tenant):
    from o2o.models import User

    return User.objects.get(username=f"{tenant.slug}-admin")


def _follow_the_poster_walkthrough(tenant: Tenant, brand, printed: str) -> None:
    with tenant_scope(tenant):
        link = TrackingLink.objects.select_related("store", "campaign").get(tenant=tenant, code=WALK_CODE)
        member = walk_member(tenant=tenant)
        assert member is not None
        scans = list(Touchpoint.objects.filter(tenant=tenant, link=link, visitor_id=WALK_VISITOR))
    # the demo prints where to look: the poster campaign's page
    line = next(line for line in printed.splitlines() if "poster walkthrough" in line and f"{brand.slug} " in line)
    assert re.search(rf"/hq/campaigns/{link.campaign_id}/ \(QR {WALK_CODE} at SH01: ", line)
    assert link.campaign is not None
    assert (link.campaign.channel, len(scans)) == (Channel.POSTER, 1)
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost", HTTP_ACCEPT_LANGUAGE="en")
    username = line.split()[1]
    assert username == f"{brand.slug}-marketing"
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/hq/campaigns/{link.campaign_id}/")
    assert page.status_code == 200
    # the member's booking, visit and order are the poster's, at the flagship store, each opening its page
    journey = [row for row in page.context["recent"] if row.member_name == member.name and row.store_code == "SH01"]
    kinds = [row.kind for row in journey]
    assert kinds[-3:] == ["order", "visit", "booking"], kinds
    order, visit, booking = journey[-3:]
    assert (order.share, visit.share, booking.share) == (1, 1, 1)
    assert order.at > visit.at > booking.at > scans[0].at
    assert visit.booking_id == booking.booking_id is not None
    html = page.content.decode()
    assert f'href="/hq/orders/{order.order_id}/"' in html
    assert f'href="/hq/bookings/{booking.booking_id}/"' in html
    assert client.get(f"/hq/orders/{order.order_id}/").status_code == 200
    assert client.get(f"/hq/bookings/{booking.booking_id}/").status_code == 200
    assert Role.HQ_STAFF in line
