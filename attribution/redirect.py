"""`GET /t/{code}`: a tracking link followed (a click, or a QR scan when the URL says `?s=qr`).

The answer is a 302 to the link's target with the visitor cookie (`o2o.visitors.VISITOR_COOKIE`:
kept when the browser has one, else a new random id for two years, SameSite=Lax). The request
path reads the tenant (the middleware) and the link with its campaign (one query); nothing else.

The touchpoint is written after the response is decided, by a task (`record_touchpoint_task`),
so a slow database never holds the redirect. It carries a uid made here, so a retried task
stores it once. It is never lost once answered: the task is queued when the request's
transaction commits, before the response leaves; when the broker does not answer, the request
writes the touchpoint itself (slower, but the click is kept). With eager tasks (the embedded
default, the tests) the task runs there and then.

A link whose campaign has ended (its `ends` before today in the brand's time zone), or a link
switched off, still redirects (printed posters stay useful) but records nothing. An unknown code
is a 404.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import asdict
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from kombu.exceptions import OperationalError as BrokerUnavailable

from attribution.choices import TouchKind
from attribution.selectors.links import RedirectLink, find_redirect_link
from attribution.services.links import SCAN_PARAM, SCAN_VALUE, TouchInput, record_touchpoint, target_path
from o2o.celery import broker_outage, tenant_task
from o2o.errors import NotFound
from o2o.models import Tenant
from o2o.tenancy import tenant_scope
from o2o.tenancy.request import TenantRequest
from o2o.visitors import VISITOR_COOKIE, visitor_id

logger = logging.getLogger(__name__)

VISITOR_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600  # two years: a person's journey spans months


def new_visitor_id() -> str:
    """A new random visitor id (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def campaign_ended(link: RedirectLink, tenant: Tenant, now: dt.datetime) -> bool:
    """The link's campaign ended before today, on the brand's clock."""
    return link.ends is not None and link.ends < now.astimezone(ZoneInfo(tenant.timezone)).date()


def follow_link(request: TenantRequest, code: str) -> HttpResponse:
    """302 to the link's target, the visitor cookie set, the touchpoint recorded after commit."""
    tenant = request.tenant
    if tenant is None:
        raise Http404("No brand")
    try:
        link = find_redirect_link(tenant=tenant, code=code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    response = HttpResponseRedirect(
        target_path(target=link.target, store_id=link.store_id, product_id=link.product_id, service_id=link.service_id)
    )
    add_never_cache_headers(response)  # every click reaches us, none is answered by a cache
    visitor = visitor_id(request)
    if not visitor:
        visitor = new_visitor_id()
        response.set_cookie(
            VISITOR_COOKIE, visitor, max_age=VISITOR_COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure()
        )
    now = timezone.now()
    if link.is_active and not campaign_ended(link, tenant, now):
        touch = TouchInput(
            uid=uuid.uuid4().hex,
            at=now.isoformat(),
            visitor_id=visitor,
            kind=(TouchKind.SCAN if request.GET.get(SCAN_PARAM) == SCAN_VALUE else TouchKind.CLICK).value,
            link_id=link.pk,
            campaign_id=link.campaign_id,
            channel=link.channel,
            store_id=link.store_id,
            guide_id=link.guide_id,
            referrer=request.headers.get("Referer", "")[:500],
            user_agent=request.headers.get("User-Agent", "")[:300],
        )
        transaction.on_commit(partial(enqueue_touchpoint, tenant_id=tenant.pk, touch=asdict(touch)))
    return response


@tenant_task()
def record_touchpoint_task(*, tenant: Tenant, touch: dict[str, Any]) -> None:
    """Store a link's click or scan (`attribution.services.links.record_touchpoint`). Safe to run
    twice: the touch's uid is unique in the brand."""
    record_touchpoint(tenant=tenant, touch=TouchInput(**touch))


def enqueue_touchpoint(*, tenant_id: int, touch: dict[str, Any]) -> None:
    """Queue the touchpoint's task; when the broker is down, write it now (never lose a click)."""
    app = record_touchpoint_task.app
    kwargs = {"tenant_id": tenant_id, "touch": touch}
    if app.conf.task_always_eager:  # not a broker: the task itself runs here
        try:
            record_touchpoint_task.apply_async(kwargs=kwargs)
        except Exception:
            logger.exception("the touchpoint %s could not be recorded", touch)
        return
    outage = broker_outage(app)
    if not outage.is_down():
        try:
            record_touchpoint_task.apply_async(kwargs=kwargs)
        except BrokerUnavailable as error:
            outage.failed(error, "link clicks are recorded by the request itself")
        except Exception:  # a bug: still keep the click
            logger.exception("the touchpoint task could not be queued; recording it now")
        else:
            outage.succeeded()
            return
    write_touchpoint_now(tenant_id=tenant_id, touch=touch)


def write_touchpoint_now(*, tenant_id: int, touch: dict[str, Any]) -> None:
    """Record the touchpoint in this process (the broker did not take it); logged with its data if
    even that fails, so it can be replayed."""
    try:
        with tenant_scope(tenant_id):
            record_touchpoint(tenant=Tenant.objects.get(pk=tenant_id), touch=TouchInput(**touch))
    except Exception:
        logger.exception("the touchpoint %s (brand %s) could not be recorded", touch, tenant_id)
