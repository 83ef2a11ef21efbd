"""`GET /t/{code}`: the 302 to each target, the visitor cookie kept or set, the touchpoint recorded
after commit with the link's campaign, channel, store and guide (a scan told from a click), once
per click however often its task runs, kept when the broker is down; an unknown or foreign code is
a 404; an ended campaign's link redirects and records nothing; two queries on the request path."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from attribution import redirect
from attribution.models import Touchpoint
from attribution.services.campaigns import CampaignInput, update_campaign
from o2o.tenancy import tenant_scope
from o2o.visitors import VISITOR_COOKIE
from tests.attribution.conftest import post_of
from tests.attribution.factories import make_campaign, make_link

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def browser(tenant, **cookies):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def touchpoints(tenant):
    with tenant_scope(tenant):
        return list(Touchpoint.objects.filter(tenant=tenant).order_by("pk"))


@pytest.fixture
def guide_link(tenant, campaign, guide):
    with tenant_scope(tenant):
        return make_link(tenant, campaign_id=campaign.pk, guide_id=post_of(tenant, guide).pk, target="store")


def test_a_click_redirects_sets_the_visitor_cookie_and_records_the_touchpoint(
    tenant, guide_link, campaign, store, guide, django_capture_on_commit_callbacks
):
    # when a new browser follows the guide's link from a WeChat article
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(tenant).get(
            f"/t/{guide_link.code}", HTTP_REFERER="https://mp.weixin.qq.com/s/abc", HTTP_USER_AGENT="MicroMessenger/8.0"
        )
    # then it lands on the store's page with a new long-lived visitor cookie
    assert (response.status_code, response["Location"]) == (302, f"/stores/{store.pk}/")
    cookie = response.cookies[VISITOR_COOKIE]
    assert len(cookie.value) == 22
    assert (cookie["max-age"], cookie["samesite"]) == (2 * 365 * 24 * 3600, "Lax")
    assert "no-cache" in response["Cache-Control"]
    # and the touchpoint carries the link's campaign, channel, store and guide
    [touch] = touchpoints(tenant)
    assert (touch.kind, touch.visitor_id, touch.link_id, touch.campaign_id, touch.channel) == (
        "click",
        cookie.value,
        guide_link.pk,
        campaign.pk,
        "poster",
    )
    assert (touch.store_id, touch.guide_id) == (store.pk, post_of(tenant, guide).pk)
    assert (touch.referrer, touch.user_agent) == ("https://mp.weixin.qq.com/s/abc", "MicroMessenger/8.0")
    assert abs((timezone.now() - touch.at).total_seconds()) < 60
    assert touch.client_event_id.startswith("t:")
    assert len(touch.client_event_id) == 34


def test_a_scan_keeps_the_browsers_visitor_cookie(tenant, guide_link, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(tenant, **{VISITOR_COOKIE: "vid-known"}).get(f"/t/{guide_link.code.lower()}?s=qr")
    assert response.status_code == 302
    assert VISITOR_COOKIE not in response.cookies
    assert [(t.kind, t.visitor_id) for t in touchpoints(tenant)] == [("scan", "vid-known")]


def test_each_target(tenant, store, product, service, django_capture_on_commit_callbacks):
    with tenant_scope(tenant):
        links = {
            "shop": make_link(tenant),
            "product": make_link(tenant, target="product", product_id=product.pk),
            "booking": make_link(tenant, target="booking", service_id=service.pk, store_id=store.pk),
            "booking anywhere": make_link(tenant, target="booking", service_id=service.pk),
        }
    locations = {name: browser(tenant).get(f"/t/{link.code}")["Location"] for name, link in links.items()}
    assert locations == {
        "shop": "/",
        "product": f"/?product={product.pk}",
        "booking": f"/book/slots/?service={service.pk}&store={store.pk}",
        "booking anywhere": f"/book/store/?service={service.pk}",
    }


def test_an_unknown_code_and_another_brands_code_are_404(tenant, other_tenant, django_capture_on_commit_callbacks):
    with tenant_scope(other_tenant):
        foreign = make_link(other_tenant)
    with django_capture_on_commit_callbacks(execute=True):
        assert browser(tenant).get("/t/NOSUCH23").status_code == 404
        assert browser(tenant).get(f"/t/{foreign.code}").status_code == 404
    assert browser(other_tenant).get(f"/t/{foreign.code}").status_code == 302
    assert touchpoints(tenant) == []


def test_an_ended_campaigns_link_still_redirects_but_records_nothing(tenant, django_capture_on_commit_callbacks):
    today = timezone.now().astimezone(SHANGHAI).date()
    with tenant_scope(tenant):
        ending_today = make_campaign(tenant, name="Ends today", starts=today - dt.timedelta(days=9), ends=today)
        ended = make_campaign(
            tenant, name="Ended", starts=today - dt.timedelta(days=9), ends=today - dt.timedelta(days=1)
        )
        live, dead = make_link(tenant, campaign_id=ending_today.pk), make_link(tenant, campaign_id=ended.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert browser(tenant).get(f"/t/{dead.code}").status_code == 302
        assert browser(tenant).get(f"/t/{live.code}").status_code == 302
    assert [t.campaign_id for t in touchpoints(tenant)] == [ending_today.pk]


def test_a_b2c_marketplace_campaigns_touchpoint_keeps_its_channel(tenant, django_capture_on_commit_callbacks):
    with tenant_scope(tenant):
        tmall = make_link(tenant, campaign_id=make_campaign(tenant, name="Tmall 618", channel="tmall").pk)
    with django_capture_on_commit_callbacks(execute=True):
        browser(tenant).get(f"/t/{tmall.code}")
    assert [t.channel for t in touchpoints(tenant)] == ["tmall"]


def test_a_retried_task_stores_the_click_once(tenant, guide_link, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        browser(tenant).get(f"/t/{guide_link.code}")
    [enqueue] = callbacks
    enqueue()
    enqueue()  # the same touch (same uid) delivered twice
    assert len(touchpoints(tenant)) == 1


def test_with_the_broker_down_the_request_writes_the_touchpoint_itself(
    request, tenant, guide_link, monkeypatch, django_capture_on_commit_callbacks
):
    # given a real broker (not eager) that refuses the task
    app = redirect.record_touchpoint_task.app
    app.conf.CELERY_TASK_ALWAYS_EAGER = False  # the key the app reads (its Django namespace)
    request.addfinalizer(lambda: setattr(app.conf, "CELERY_TASK_ALWAYS_EAGER", True))

    def refuse(*args, **kwargs):
        raise BrokerUnavailable("connection refused")

    monkeypatch.setattr(redirect.record_touchpoint_task, "apply_async", refuse)
    monkeypatch.setattr(redirect.broker_outage(app), "is_down", lambda: False)
    # when a browser follows the link
    with django_capture_on_commit_callbacks(execute=True):
        assert browser(tenant).get(f"/t/{guide_link.code}").status_code == 302
    # then the click is kept all the same
    assert [t.link_id for t in touchpoints(tenant)] == [guide_link.pk]


def test_a_switched_off_link_redirects_and_records_nothing(tenant, guide_link, django_capture_on_commit_callbacks):
    with tenant_scope(tenant):
        guide_link.is_active = False
        guide_link.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert browser(tenant).get(f"/t/{guide_link.code}").status_code == 302
    assert touchpoints(tenant) == []


# On the request path: the tenant, then the link with its campaign, in the tenant scope (its
# set_config). In the test's transaction the scope is a savepoint that also resets set_config: 6.
# The touchpoint's task runs after commit, off this path.
REDIRECT_QUERIES = 6


def test_the_redirect_reads_the_tenant_and_the_link_only(tenant, guide_link, campaign, django_assert_num_queries):
    client = browser(tenant, **{VISITOR_COOKIE: "vid-known"})
    with django_assert_num_queries(REDIRECT_QUERIES) as captured:
        assert client.get(f"/t/{guide_link.code}").status_code == 302
    reads = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT") and "set_config" not in q["sql"]
    ]
    assert len(reads) == 2
    assert '"o2o_tenant"' in reads[0]
    assert "attribution_trackinglink" in reads[1]
    # the same with a campaign changed (its channel and end are read with the link)
    with tenant_scope(tenant):
        update_campaign(
            tenant=tenant, campaign=campaign, data=CampaignInput(name="X", channel="douyin", starts=campaign.starts)
        )
    with django_assert_num_queries(REDIRECT_QUERIES):
        assert client.get(f"/t/{guide_link.code}?s=qr").status_code == 302


def test_the_qr_code_is_a_png_and_an_svg_download(tenant, guide_link):
    png = browser(tenant).get(f"/t/{guide_link.code}/qr.png?download=1")
    svg = browser(tenant).get(f"/t/{guide_link.code}/qr.svg")
    assert (png.status_code, png["Content-Type"], png.content[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
    assert png["Content-Disposition"] == f'attachment; filename="link-{guide_link.code}-qr.png"'
    assert (svg.status_code, svg["Content-Type"]) == (200, "image/svg+xml")
    assert svg.content.startswith(b"<svg")
    assert browser(tenant).get("/t/NOSUCH23/qr.png").status_code == 404
