"""`/t/{code}` on real processes (gunicorn, a Celery worker, a Redis of the test's own): the click
is answered before any worker runs, its touchpoint waits in the queue and is stored once a worker
takes it; with Redis down, the request stores it itself. Nothing answered is lost."""

from __future__ import annotations

import http.client

import pytest

from attribution.models import Touchpoint
from o2o.tenancy import tenant_scope
from tests.attribution.factories import make_campaign, make_link
from tests.integration.processes import RedisServer, Web, start_worker, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.usefixtures("transactional_db"),  # the processes see what the test commits
]

STORED_SECONDS = 60  # a worker's start is seconds on a loaded machine


def follow(web: Web, tenant_slug: str, code: str) -> tuple[int, str]:
    client = http.client.HTTPConnection("127.0.0.1", web.port, timeout=30)
    try:
        client.request("GET", f"/t/{code}?s=qr", headers={"Host": f"{tenant_slug}.localhost", "User-Agent": "Phone/1"})
        response = client.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        client.close()


def stored(tenant) -> list[tuple[str, int | None]]:
    with tenant_scope(tenant):
        return list(Touchpoint.objects.filter(tenant=tenant).values_list("kind", "link_id"))


def test_a_click_is_queued_then_stored_by_a_worker_and_kept_when_redis_is_down(
    tenant, own_redis: RedisServer, web: Web, workers
):
    # given a link of a running campaign
    with tenant_scope(tenant):
        link = make_link(tenant, campaign_id=make_campaign(tenant, name="Posters").pk)
    # when a phone scans it while no worker runs, then it is redirected and the touch waits queued
    assert follow(web, tenant.slug, link.code) == (302, "/")
    assert stored(tenant) == []
    assert own_redis.client().llen("celery") == 1
    # when a worker starts, then it stores the touchpoint
    workers.append(start_worker(own_redis.url()))
    wait_for(lambda: stored(tenant), seconds=STORED_SECONDS, what="touchpoint stored", logs=workers[0].log)
    assert stored(tenant) == [("scan", link.pk)]
    # when Redis is down, then the redirect still answers and the request stores the touch itself
    own_redis.stop()
    assert follow(web, tenant.slug, link.code) == (302, "/")
    assert stored(tenant) == [("scan", link.pk), ("scan", link.pk)]
