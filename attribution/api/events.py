"""`POST /api/v1/events/` (api.md, Attribution): the touchpoints a shop, an app or a mini-program
sends, in batches of up to 1,000.

Open to anyone in the brand (a device posts for an anonymous visitor), throttled per brand (one
budget for all the brand's clients, `BrandRateThrottle`: devices behind one carrier's NAT share an
address, so a budget per address would refuse them while one brand could still flood the rest),
with `Idempotency-Key` honoured. Each event is checked on its own: 202 `{accepted, rejected:
[{index, errors}]}` lists the bad ones with their field errors, and the good ones are stored
(`attribution.services.ingest`); a body that is not a batch (no `events` list, more than 1,000
events, none) is a 400 naming `events`.

What an event must be: `visitor_id` (1 to 64 characters), `type` (view, click or scan), `ts` (ISO
8601 with an offset, at most 5 minutes ahead of the server's clock, and not older than the
brand's lookback window or 90 days, whichever is longer), a `link` (a link code of the brand) or a
`campaign` (an id of the brand), or both; `id` (the client's event id, at most 64 characters,
deduplicated per brand) and `props` (a JSON object of at most 1 KB) are optional. An event with
neither a link nor a campaign is rejected (rules.md 3.1: it is not a touchpoint, and storing it
would make `accepted` count events that are never counted anywhere).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution.choices import TouchKind
from attribution.models import CODE_LENGTH, Touchpoint
from attribution.services import ingest
from o2o.api.base import PUBLIC, TenantApi
from o2o.api.idempotency import idempotent
from o2o.api.throttling import ScopedRateThrottle
from o2o.fields import MAX_ID, id_field
from o2o.tenancy.request import TenantApiRequest
from o2o.visitors import VISITOR_ID_MAX_LENGTH

EVENTS_RATE = "3000/min"  # per brand, unless the settings' DEFAULT_THROTTLE_RATES name "events"
CLIENT_EVENT_ID_MAX = 64  # Touchpoint.client_event_id


class BrandRateThrottle(ScopedRateThrottle):
    """A scoped throttle with one budget per brand (the view's `throttle_scope`), whoever calls."""

    def get_rate(self) -> str:
        return self.THROTTLE_RATES.get(self.scope or "") or EVENTS_RATE

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"tenant-{tenant.pk}"}


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with its offset: a naive time is refused (whose clock would it be on?)."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip()) if len(value) <= 64 else None
            except ValueError:  # well formed but no such time (minute 99): the field's own "invalid"
                self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")
            if parsed is not None and parsed.tzinfo is None:
                raise serializers.ValidationError(
                    _("Give the time with its offset, such as 2026-05-01T10:00:00+08:00.")
                )
        return super().to_internal_value(value)


def _has_nul(value: Any) -> bool:
    """Whether a NUL character is in a string or key of the JSON `value` (PostgreSQL cannot store it)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class EventInput(serializers.Serializer):
    """One event of a batch. The context holds `now` and `oldest` (the bounds of `ts`)."""

    id = serializers.CharField(max_length=CLIENT_EVENT_ID_MAX, required=False, allow_null=True, default=None)
    visitor_id = serializers.CharField(max_length=VISITOR_ID_MAX_LENGTH)
    type = serializers.ChoiceField(choices=TouchKind.choices)
    ts = AwareDateTimeField()
    link = serializers.CharField(max_length=CODE_LENGTH, required=False, allow_blank=True, allow_null=True, default="")
    campaign = id_field(required=False, allow_null=True, default=None)
    props = serializers.JSONField(required=False, default=dict, help_text="a JSON object of at most 1 KB")

    def validate_ts(self, value: dt.datetime) -> dt.datetime:
        if value > self.context["now"] + ingest.MAX_AHEAD:
            raise serializers.ValidationError(_("This time is in the future."))
        if value < self.context["oldest"]:
            raise serializers.ValidationError(_("This event is too old to be recorded."))
        return value

    def validate_props(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("Give a JSON object."))
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
        if size > ingest.MAX_PROPS_BYTES:
            raise serializers.ValidationError(
                _("Keep the properties under %(max)d bytes of JSON.") % {"max": ingest.MAX_PROPS_BYTES}
            )
        if _has_nul(value):
            raise serializers.ValidationError(_("Null characters are not allowed."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("link") and attrs.get("campaign") is None:
            raise serializers.ValidationError(
                _("Give a link or a campaign: an event with neither is not a touchpoint.")
            )
        return attrs


KINDS = frozenset(TouchKind.values)


def _plain_text(value: Any, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length and value == value.strip() and "\x00" not in value


def plain_event(item: Any, *, now: dt.datetime, oldest: dt.datetime) -> dict[str, Any] | None:
    """The values `EventInput` gives an event written plainly and valid in every field (the common
    case, checked about ten times faster); None for any other, which `EventInput` then checks and
    names the errors of. Never accepts what `EventInput` refuses (tests/attribution/test_ingest_fast_path.py)."""
    if not isinstance(item, dict):
        return None
    event_id, visitor, kind, ts = item.get("id"), item.get("visitor_id"), item.get("type"), item.get("ts")
    link, campaign, props = item.get("link", ""), item.get("campaign"), item.get("props", {})
    if not (_plain_text(visitor, VISITOR_ID_MAX_LENGTH) and isinstance(kind, str) and kind in KINDS):
        return None
    if not isinstance(ts, str) or (event_id is not None and not _plain_text(event_id, CLIENT_EVENT_ID_MAX)):
        return None
    if link is not None and link != "" and not _plain_text(link, CODE_LENGTH):
        return None
    if campaign is not None and not (type(campaign) is int and 1 <= campaign <= MAX_ID):
        return None
    if not link and campaign is None:
        return None
    if not isinstance(props, dict) or _has_nul(props):
        return None
    if len(json.dumps(props, ensure_ascii=False, separators=(",", ":")).encode()) > ingest.MAX_PROPS_BYTES:
        return None
    try:
        at = parse_datetime(ts)
        if at is None or at.tzinfo is None:
            return None
        at = at.astimezone(timezone.get_current_timezone())
    except (ValueError, OverflowError):
        return None
    if not oldest <= at <= now + ingest.MAX_AHEAD:
        return None
    return {
        "id": event_id,
        "visitor_id": visitor,
        "type": kind,
        "ts": at,
        "link": link,
        "campaign": campaign,
        "props": props,
    }


class EventBatchInput(serializers.Serializer):
    """The schema's view of the body (each event is validated on its own, `EventInput`)."""

    events = EventInput(many=True)


class EventBatchOutput(serializers.Serializer):
    class RejectedOutput(serializers.Serializer):
        index = serializers.IntegerField()
        errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]  # the field, not the property

    accepted = serializers.IntegerField(help_text="events stored, or stored already (a retried duplicate)")
    rejected = RejectedOutput(many=True)


def _messages(detail: Any) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
    return {
        key: [str(message) for message in value] if isinstance(value, list) else [str(value)]
        for key, value in detail.items()
    }


class EventListApi(TenantApi):
    """POST /api/v1/events/: a batch of touchpoints, each event accepted or rejected on its own."""

    allowed_roles: ClassVar = {"POST": frozenset({PUBLIC})}
    resource_model = Touchpoint
    error_responses: ClassVar = {"POST": {409: "The Idempotency-Key used with another body (`idempotency_key_reused`)"}}
    throttle_classes: ClassVar[list[type]] = [BrandRateThrottle]  # type: ignore[misc]
    throttle_scope = "events"

    class Input(serializers.Serializer):
        events = serializers.ListField(max_length=ingest.MAX_BATCH, allow_empty=False)

    @extend_schema(request=EventBatchInput, responses={202: EventBatchOutput})
    @idempotent
    def post(self, request: TenantApiRequest) -> Response:
        batch = self.Input(data=request.data)
        batch.is_valid(raise_exception=True)
        now = timezone.now()
        oldest = ingest.oldest_accepted(tenant=request.tenant, now=now)
        checker = EventInput(context={"now": now, "oldest": oldest})
        events: list[ingest.EventInput] = []
        rejected: list[ingest.Rejection] = []
        for index, item in enumerate(batch.validated_data["events"]):
            values = plain_event(item, now=now, oldest=oldest)
            if values is None:
                try:
                    values = checker.run_validation(item)
                except serializers.ValidationError as exc:
                    rejected.append(ingest.Rejection(index=index, errors=_messages(exc.detail)))
                    continue
            events.append(
                ingest.EventInput(
                    index=index,
                    visitor_id=values["visitor_id"],
                    kind=values["type"],
                    at=values["ts"],
                    client_event_id=values["id"],
                    link_code=values["link"] or "",
                    campaign_id=values["campaign"],
                    props=values["props"],
                )
            )
        result = ingest.ingest_events(
            tenant=request.tenant, events=events, user_agent=request.headers.get("User-Agent", "")
        )
        rejected = sorted([*rejected, *result.rejected], key=lambda rejection: rejection.index)
        body = {
            "accepted": result.accepted,
            "rejected": [{"index": rejection.index, "errors": rejection.errors} for rejection in rejected],
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


urlpatterns = [path("events/", EventListApi.as_view(), name="event-list")]
