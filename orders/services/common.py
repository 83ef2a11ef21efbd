"""What the order services share: input records, the order lock, transitions and their audit,
order numbers and the accept deadline."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Sku
from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant, User
from orders.choices import Exclusion, Fulfilment
from orders.models import PICKUP_CODE_LENGTH, Order, OrderEvent
from orders.routing import Decision, Detail, Location
from stores.models import Store

# Crockford's base32: no I, L, O, U (read aloud, typed by hand, never a rude word by accident)
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_SUFFIX_LENGTH = 6
NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class LineInput:
    sku_id: int
    quantity: int


@dataclass(frozen=True)
class SlotInput:
    """The visit an experience order books: a service of the routed store at `start_at`."""

    service_id: int
    start_at: dt.datetime


@dataclass(frozen=True)
class RefundLineInput:
    line_id: int
    quantity: int


@dataclass(frozen=True)
class Customer:
    """Who orders by phone (no account, or staff ordering for a customer)."""

    name: str
    phone: str


def illegal(order: Order, action: str) -> Conflict:
    """The 409 of a transition the order's current status does not allow (`action` translated, "accept")."""
    # the status's label, lower-cased: in English it reads as the status value ("cancelled")
    status = str(order.get_status_display()).lower()
    return Conflict(
        _("Cannot %(action)s order %(number)s: it is %(status)s.")
        % {"action": action, "number": order.number, "status": status},
        code="illegal_transition",
        extra={"status": order.status},
    )


def lock_order(*, tenant: Tenant, order: Order | int) -> Order:
    """The order's row, locked for this transaction (every transition takes this lock first)."""
    order_id = order if isinstance(order, int) else order.pk
    return Order.objects.select_for_update(of=("self",)).get(tenant=tenant, pk=order_id)


def require_status(order: Order, allowed: Collection[str], action: str) -> None:
    if order.status not in allowed:
        raise illegal(order, action)


def log_order_event(
    *,
    tenant: Tenant,
    order: Order,
    from_status: str,
    by: User | None,
    reason: str = "",
    rule: str = "",
    amount: Decimal | None = None,
    note: str = "",
    store_id: int | None = None,
) -> OrderEvent:
    """Audit one transition of `order` (to its current status): what happened as data (`reason`,
    an `EventReason`; the routing `rule` that chose the store it went to; a refund's `amount`),
    shown in each reader's language, and `note`, what a person wrote, kept as written."""
    return OrderEvent.objects.create(
        tenant=tenant,
        order=order,
        from_status=from_status,
        to_status=order.status,
        store_id=store_id if store_id is not None else order.store_id,
        reason=reason,
        rule=rule,
        amount=amount,
        note=note[:300],
        by=by if by is not None and by.is_authenticated else None,
    )


def new_pickup_code() -> str:
    """Six random digits: what the customer of a pick-up order shows at the counter."""
    return f"{secrets.randbelow(10**PICKUP_CODE_LENGTH):0{PICKUP_CODE_LENGTH}d}"


def new_number(*, tenant: Tenant, at: dt.datetime) -> str:
    """`YYMMDD-XXXXXX`: the day in the brand's time zone and six random Crockford base32 characters."""
    day = at.astimezone(ZoneInfo(tenant.timezone)).strftime("%y%m%d")
    return f"{day}-{''.join(secrets.choice(CROCKFORD) for _ in range(NUMBER_SUFFIX_LENGTH))}"


def set_deadline(*, tenant: Tenant, order: Order, now: dt.datetime) -> None:
    """The store must accept by now + the brand's `accept_within_minutes` (rules.md 1.6).

    The deadline lives in the database only: beat's sweep (`sweep_expired_orders`, every minute)
    re-routes the order once it has passed. No countdown task is queued for it: a countdown is held
    unacknowledged by a worker until it is due, so a worker killed or cut from Redis meanwhile would
    leave it to the broker's visibility timeout, and a deadline longer than that timeout (a brand may
    give a week) would be delivered twice.
    """
    order.accept_by = now + dt.timedelta(minutes=tenant.accept_within_minutes)


def location_of(order: Order) -> Location:
    return Location(order.lat, order.lng, order.district)


def sku_codes(*, tenant: Tenant, sku_ids: Collection[int]) -> dict[int, str]:
    return dict(Sku.objects.filter(tenant=tenant, pk__in=list(sku_ids)).values_list("pk", "code"))


def routing_record(decision: Decision, *, guide_store_id: int | None, translated: bool = False) -> dict[str, Any]:
    """The routing record kept on the order (rules.md 1.4), plus the bound guide's store used
    (`translated`: as a 422 shows it, in the caller's language; see `Considered.as_record`)."""
    return {**decision.as_record(translated=translated), "guide_store": guide_store_id}


def unavailable_for_service(*, tenant: Tenant, service_id: int, service_name: str) -> dict[int, tuple[str, Detail]]:
    """The active stores that do not offer the booked service, as routing exclusions (one query)."""
    missing = (
        Store.objects.filter(tenant=tenant, is_active=True, offers_services=True)
        .exclude(services__service_id=service_id)
        .values_list("pk", flat=True)
    )
    return dict.fromkeys(missing, (Exclusion.NO_CAPABILITY, Detail("no_service", service_name)))


def resolve_store(*, tenant: Tenant, store_id: int, field: str) -> Store:
    """A store of `tenant` named in a request body (active or not); InvalidInput naming `field` else."""
    store = Store.objects.filter(tenant=tenant, pk=store_id).first()
    if store is None:
        raise InvalidInput(field, _("No such store: %(id)s.") % {"id": store_id})
    return store


def check_fulfilment(fulfilment: str) -> Fulfilment:
    try:
        return Fulfilment(fulfilment)
    except ValueError:
        raise InvalidInput("fulfilment", _("One of %(choices)s.") % {"choices": ", ".join(Fulfilment.values)}) from None


def now() -> dt.datetime:
    return timezone.now()
