"""Business operations of the stores app: stores, contracts, staff, stock and service offerings."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import available_timezones

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Service, Sku
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant, User
from o2o.services import grant_role
from stores.choices import WEEKDAYS, Capability, StaffRole, StoreKind
from stores.models import (
    CONTRACT_DEFAULTS,
    EPOCH,
    Stock,
    Store,
    StoreContract,
    StoreService,
    StoreStaff,
    TerritoryDistrict,
)
from stores.selectors import CAPABILITY_FIELDS, current_contract, tenant_today

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
DISTRICT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,15}$")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$")
STAFF_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
STAFF_CODE_PREFIX = {StaffRole.STORE_MANAGER: "M", StaffRole.GUIDE: "G"}
TIMEZONES = frozenset(available_timezones())


# --- opening hours ----------------------------------------------------------------------------


def validate_opening_hours(value: Any) -> dict[str, list[list[str]]]:
    """The weekly opening hours `value`, checked and with each day's intervals in order.

    Format: `{"mon": [["10:00", "22:00"]], ..., "sun": []}`: all seven days, times `HH:MM` (a day
    may close at "24:00"), each interval opening before it closes, no two intervals of a day
    overlapping (touching is fine); an empty list is a closed day. Raises InvalidInput naming
    `opening_hours`.
    """

    def bad(message: str) -> InvalidInput:
        return InvalidInput("opening_hours", message)

    if not isinstance(value, dict):
        raise bad(_('Give an object with the seven days, e.g. {"mon": [["10:00", "22:00"]], ..., "sun": []}.'))
    missing = [day for day in WEEKDAYS if day not in value]
    unknown = sorted(str(key) for key in value if key not in WEEKDAYS)
    if missing or unknown:
        parts = ([_("missing %(days)s") % {"days": ", ".join(missing)}] if missing else []) + (
            [_("unknown %(days)s") % {"days": ", ".join(unknown)}] if unknown else []
        )
        raise bad(
            _("Name each of the days %(days)s once: %(problems)s.")
            % {"days": ", ".join(WEEKDAYS), "problems": "; ".join(parts)}
        )
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        intervals = value[day]
        if not isinstance(intervals, list):
            raise bad(_("%(day)s: give a list of [open, close] pairs.") % {"day": day})
        checked = []
        for interval in intervals:
            if not (isinstance(interval, list | tuple) and len(interval) == 2):
                raise bad(_("%(day)s: each interval is a pair [open, close].") % {"day": day})
            opens, closes = interval
            for time in (opens, closes):
                if not isinstance(time, str) or not _TIME.match(time):
                    raise bad(_("%(day)s: %(time)s is not a time HH:MM.") % {"day": day, "time": repr(time)})
            if opens == "24:00":
                raise bad(_("%(day)s: a day cannot open at 24:00.") % {"day": day})
            if opens >= closes:
                raise bad(
                    _("%(day)s: %(opens)s-%(closes)s must open before it closes.")
                    % {"day": day, "opens": opens, "closes": closes}
                )
            checked.append([opens, closes])
        checked.sort()
        for (_open, previous_close), (next_open, _close) in itertools.pairwise(checked):
            if next_open < previous_close:
                raise bad(_("%(day)s: the intervals overlap at %(time)s.") % {"day": day, "time": next_open})
        hours[day] = checked
    return hours


# --- stores -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreInput:
    """Everything HQ says about a store (the contract apart)."""

    code: str
    name: str
    kind: str
    region: str
    city: str
    address: str
    lat: float
    lng: float
    district: str = ""
    phone: str = ""
    service_radius_km: Decimal = Decimal("5.00")
    timezone: str = "Asia/Shanghai"
    opening_hours: dict[str, list[list[str]]] | None = None  # None: 10:00-22:00 every day
    capabilities: list[str] = field(default_factory=lambda: [Capability.PICKUP.value])
    territory: list[str] = field(default_factory=list)
    active: bool = True


@dataclass(frozen=True)
class ContractTerms:
    """The settlement terms of rules.md 5.2."""

    sales_share_rate: Decimal
    tac_chargeable: bool
    commission_borne_by_store: bool

    @classmethod
    def defaults_for(cls, kind: str) -> ContractTerms:
        """The opening terms of a store of `kind` (direct 0.00, franchise 0.92 + TAC + commission, counter 0.20)."""
        return cls(**CONTRACT_DEFAULTS[kind])  # type: ignore[arg-type]


def check_store_input(data: StoreInput) -> dict[str, Any]:
    """The model fields of `data` checked (and normalised); InvalidInput naming the first bad field."""
    if not isinstance(data.code, str) or not _CODE.match(data.code):
        raise InvalidInput("code", _("Use 1-32 letters, digits, '-', '_' or '.'."))
    if not data.name or not data.name.strip():
        raise InvalidInput("name", _("Give the store a name."))
    if data.kind not in StoreKind.values:
        raise InvalidInput("kind", _("One of %(choices)s.") % {"choices": ", ".join(StoreKind.values)})
    for name in ("region", "city", "address"):
        if not str(getattr(data, name) or "").strip():
            raise InvalidInput(name, _("This field is required."))
    try:
        lat, lng = float(data.lat), float(data.lng)
    except (TypeError, ValueError):
        raise InvalidInput("lat", _("Give the coordinates as numbers."))
    if not -90 <= lat <= 90:
        raise InvalidInput("lat", _("A latitude is between -90 and 90."))
    if not -180 <= lng <= 180:
        raise InvalidInput("lng", _("A longitude is between -180 and 180."))
    try:
        radius = Decimal(data.service_radius_km)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput("service_radius_km", _("Give a number of km."))
    if not radius.is_finite() or radius < 0 or radius >= 10_000:
        raise InvalidInput("service_radius_km", _("Between 0 and 9999.99 km."))
    if data.timezone not in TIMEZONES:
        raise InvalidInput("timezone", _("Unknown time zone %(timezone)s.") % {"timezone": repr(data.timezone)})
    unknown = [c for c in data.capabilities if c not in Capability.values]
    if unknown:
        known = ", ".join(Capability.values)
        raise InvalidInput(
            "capabilities",
            _("Unknown %(unknown)s; use %(known)s.") % {"unknown": ", ".join(map(str, unknown)), "known": known},
        )
    bad_districts = [d for d in data.territory if not isinstance(d, str) or not DISTRICT_CODE.match(d)]
    if bad_districts:
        raise InvalidInput(
            "territory", _("Not a district code: %(codes)s.") % {"codes": ", ".join(map(str, bad_districts))}
        )
    if data.district and not DISTRICT_CODE.match(data.district):
        raise InvalidInput("district", _("Not a district code."))
    hours = validate_opening_hours(data.opening_hours) if data.opening_hours is not None else None
    values: dict[str, Any] = {
        "code": data.code,
        "name": data.name.strip(),
        "kind": data.kind,
        "region": data.region.strip(),
        "city": data.city.strip(),
        "district": data.district,
        "address": data.address.strip(),
        "phone": data.phone or "",
        "lat": lat,
        "lng": lng,
        "service_radius_km": radius.quantize(Decimal("0.01")),
        "timezone": data.timezone,
        "is_active": bool(data.active),
        **{flag: capability in data.capabilities for capability, flag in CAPABILITY_FIELDS.items()},
    }
    if hours is not None:
        values["opening_hours"] = hours
    return values


def _set_territory(*, tenant: Tenant, store: Store, districts: Sequence[str]) -> None:
    wanted = set(districts)
    TerritoryDistrict.objects.filter(tenant=tenant, store=store).exclude(district__in=wanted).delete()
    have = set(TerritoryDistrict.objects.filter(tenant=tenant, store=store).values_list("district", flat=True))
    TerritoryDistrict.objects.bulk_create(
        [TerritoryDistrict(tenant=tenant, store=store, district=d) for d in sorted(wanted - have)]
    )


def _code_taken(exc: IntegrityError) -> bool:
    return "store_unique_code" in str(exc)


def _lock_store(*, tenant: Tenant, store: Store, no_key: bool = False) -> Store:
    """`store` read afresh under a row lock; NotFound when it is gone (deleted by a transaction
    that committed while this one waited for the lock, after the caller had read it).

    `no_key` takes the weaker lock (FOR NO KEY UPDATE) of a write that only adds rows referring to
    the store: it still waits for a delete, but not for orders and bookings being placed there.
    """
    locked = Store.objects.select_for_update(no_key=no_key).filter(tenant=tenant, pk=store.pk).first()
    if locked is None:
        raise NotFound(_("No such store."))
    return locked


@transaction.atomic
def create_store(*, tenant: Tenant, data: StoreInput, contract: ContractTerms | None = None) -> Store:
    """Open a store with its territory and its opening contract.

    The contract is valid from 2000-01-01 (EPOCH) with `contract`'s terms, else the defaults of the
    store's kind (rules.md 5.2). Raises InvalidInput naming the field (`code` when it is taken).
    """
    values = check_store_input(data)
    terms = contract or ContractTerms.defaults_for(data.kind)
    _check_terms(terms)
    if Store.objects.filter(tenant=tenant, code=data.code).exists():
        raise InvalidInput("code", _("A store with code %(code)s exists already.") % {"code": data.code})
    try:
        with transaction.atomic():
            store = Store.objects.create(tenant=tenant, **values)
    except IntegrityError as exc:  # the same code created at the same moment
        if _code_taken(exc):
            raise InvalidInput("code", _("A store with code %(code)s exists already.") % {"code": data.code})
        raise
    TerritoryDistrict.objects.bulk_create(
        [TerritoryDistrict(tenant=tenant, store=store, district=d) for d in sorted(set(data.territory))]
    )
    StoreContract.objects.create(
        tenant=tenant,
        store=store,
        valid_from=EPOCH,
        sales_share_rate=terms.sales_share_rate,
        tac_chargeable=terms.tac_chargeable,
        commission_borne_by_store=terms.commission_borne_by_store,
    )
    return store


@transaction.atomic
def update_store(*, tenant: Tenant, store: Store, data: StoreInput) -> Store:
    """Replace what HQ says about `store` (its territory included; its contract untouched).

    A change of kind does not change the contract: HQ changes the terms with `change_contract`.
    Raises InvalidInput naming the field; NotFound when the store is gone.
    """
    values = check_store_input(data)
    return _write_store(tenant=tenant, locked=_lock_store(tenant=tenant, store=store), data=data, values=values)


def _write_store(*, tenant: Tenant, locked: Store, data: StoreInput, values: dict[str, Any]) -> Store:
    """Write `values` (`data` checked) and `data`'s territory to `locked`, the store under its row lock."""
    if values["code"] != locked.code and Store.objects.filter(tenant=tenant, code=values["code"]).exists():
        raise InvalidInput("code", _("A store with code %(code)s exists already.") % {"code": values["code"]})
    for name, value in values.items():
        setattr(locked, name, value)
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        if _code_taken(exc):
            raise InvalidInput("code", _("A store with code %(code)s exists already.") % {"code": values["code"]})
        raise
    _set_territory(tenant=tenant, store=locked, districts=data.territory)
    return locked


def store_input_of(store: Store, **changes: Any) -> StoreInput:
    """The StoreInput describing `store` as it is, with `changes` applied (for partial updates)."""
    current = StoreInput(
        code=store.code,
        name=store.name,
        kind=store.kind,
        region=store.region,
        city=store.city,
        district=store.district,
        address=store.address,
        phone=store.phone,
        lat=store.lat,
        lng=store.lng,
        service_radius_km=store.service_radius_km,
        timezone=store.timezone,
        opening_hours=store.opening_hours,
        capabilities=store.capabilities,
        territory=[t.district for t in store.territory.all()],
        active=store.is_active,
    )
    return StoreInput(**{**current.__dict__, **changes})


_OWN_CONFIG = (Store, TerritoryDistrict, StoreContract, StoreService)


def _only_own_configuration_refers_to(store: Store) -> bool:
    collector = Collector(using=router.db_for_write(Store))
    try:
        collector.collect([store])
    except (ProtectedError, RestrictedError):
        return False
    if any(instances and not issubclass(model, _OWN_CONFIG) for model, instances in collector.data.items()):
        return False
    for updates in collector.field_updates.values():  # rows elsewhere would lose their store (SET_NULL)
        if any(objs.exists() if isinstance(objs, QuerySet) else bool(objs) for objs in updates):
            return False
    return not any(not issubclass(qs.model, _OWN_CONFIG) and qs.exists() for qs in collector.fast_deletes)


@transaction.atomic
def delete_store(*, tenant: Tenant, store: Store) -> bool:
    """Delete `store` when nothing but its own configuration refers to it, else deactivate it.

    A store that has stock rows, staff, or anything another app keeps about it (orders, bookings,
    members it served) is deactivated instead, so that history keeps its store. Returns True when
    the store was deleted, False when it was deactivated; NotFound when it is gone already.
    """
    locked = _lock_store(tenant=tenant, store=store)
    if _only_own_configuration_refers_to(locked):
        locked.delete()
        return True
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    store.is_active = False
    return False


# --- contracts --------------------------------------------------------------------------------


def _check_terms(terms: ContractTerms) -> None:
    rate = terms.sales_share_rate
    if not isinstance(rate, Decimal) or not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise InvalidInput("sales_share_rate", _("A fraction between 0 and 1, e.g. 0.9200."))
    if rate != rate.quantize(Decimal("0.0001")):
        raise InvalidInput("sales_share_rate", _("At most four decimal places."))


@transaction.atomic
def change_contract(*, tenant: Tenant, store: Store, terms: ContractTerms, valid_from: dt.date) -> StoreContract:
    """Give `store` new settlement terms from `valid_from`, keeping every earlier version as it was.

    A settlement uses the version in force on its dates (`selectors.current_contract`). The date
    must not be before the latest version's start (that would rewrite history): Conflict. Naming
    the latest version's own start replaces its terms (simple_history keeps the old values) when it
    starts today or later, so that HQ can correct a change made today; a version already in force
    before today is never edited: Conflict. NotFound when the store is gone.
    """
    _check_terms(terms)
    locked = _lock_store(tenant=tenant, store=store)  # one change at a time
    return _add_contract_version(tenant=tenant, store=locked, terms=terms, valid_from=valid_from)


def _add_contract_version(*, tenant: Tenant, store: Store, terms: ContractTerms, valid_from: dt.date) -> StoreContract:
    """`change_contract` once `terms` are checked, `store` locked by the caller."""
    latest = StoreContract.objects.filter(tenant=tenant, store=store).order_by("-valid_from").first()
    values = {
        "sales_share_rate": terms.sales_share_rate,
        "tac_chargeable": terms.tac_chargeable,
        "commission_borne_by_store": terms.commission_borne_by_store,
    }
    if latest is not None and valid_from < latest.valid_from:
        raise Conflict(
            _("A contract version from %(date)s exists: a new one starts on or after it.")
            % {"date": latest.valid_from.isoformat()},
            code="contract_backdated",
        )
    if latest is not None and valid_from == latest.valid_from:
        if valid_from < tenant_today(tenant=tenant):
            raise Conflict(
                _("The version from %(date)s is in force already: start a new one later.")
                % {"date": valid_from.isoformat()},
                code="contract_in_force",
            )
        for name, value in values.items():
            setattr(latest, name, value)
        latest.save()
        return latest
    return StoreContract.objects.create(tenant=tenant, store=store, valid_from=valid_from, **values)


@dataclass(frozen=True)
class ContractChange:
    """New terms from `valid_from` (default: today in the brand's time zone); terms left None are
    kept from the version in force on that date."""

    sales_share_rate: Decimal | None = None
    tac_chargeable: bool | None = None
    commission_borne_by_store: bool | None = None
    valid_from: dt.date | None = None


@transaction.atomic
def edit_store(
    *, tenant: Tenant, store: Store, changes: Mapping[str, Any] | None = None, contract: ContractChange | None = None
) -> Store:
    """HQ's edit of a store: the fields named in `changes` (`update_store`, the others as they are)
    and/or new contract terms (`change_contract`), all or nothing: when the contract change is
    refused, the fields are not changed either.

    The fields left out are read under the store's lock, so that a concurrent edit or deactivation
    is never undone by a stale copy. Raises what those two raise (InvalidInput naming the field,
    Conflict for a back-dated version), NotFound when the store is gone.
    """
    store = _lock_store(tenant=tenant, store=store)
    if changes:
        data = store_input_of(store, **changes)
        store = _write_store(tenant=tenant, locked=store, data=data, values=check_store_input(data))
    if contract is not None:
        valid_from = contract.valid_from or tenant_today(tenant=tenant)
        base = current_contract(tenant=tenant, store=store, on=valid_from)
        terms = ContractTerms(
            sales_share_rate=_given(contract.sales_share_rate, base.sales_share_rate),
            tac_chargeable=_given(contract.tac_chargeable, base.tac_chargeable),
            commission_borne_by_store=_given(contract.commission_borne_by_store, base.commission_borne_by_store),
        )
        _check_terms(terms)
        _add_contract_version(tenant=tenant, store=store, terms=terms, valid_from=valid_from)
    return store


def _given(value: Any, default: Any) -> Any:
    return default if value is None else value


# --- staff ------------------------------------------------------------------------------------


def _new_staff_code(role: str) -> str:
    return STAFF_CODE_PREFIX[StaffRole(role)] + "".join(secrets.choice(STAFF_CODE_ALPHABET) for _ in range(6))


@transaction.atomic
def create_staff(
    *, tenant: Tenant, store: Store, username: str, password: str, name: str, phone: str, role: str
) -> StoreStaff:
    """Create the account of a store manager or guide of `store`, its role in the brand, and its post.

    The post gets a unique short code ("G" or "M" and six letters or digits) that orders name as
    `guide_code`. Raises InvalidInput naming `username` (taken), `password` (too weak) or `role`;
    Conflict when the store is inactive, NotFound when it is gone.
    """
    if role not in StaffRole.values:
        raise InvalidInput("role", _("One of %(choices)s.") % {"choices": ", ".join(StaffRole.values)})
    store = _lock_store(tenant=tenant, store=store, no_key=True)  # not deleted or deactivated meanwhile
    if not store.is_active:
        raise Conflict(_("The store is inactive."), code="store_inactive")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput("username", _("This username is taken."))
    user = User(username=username, name=name, phone=phone or "")
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput("password", " ".join(exc.messages))
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise InvalidInput("username", _("This username is taken."))
    grant_role(tenant=tenant, user=user, role=role)
    for _attempt in range(8):
        code = _new_staff_code(role)
        if StoreStaff.objects.filter(tenant=tenant, code=code).exists():
            continue
        try:
            with transaction.atomic():
                return StoreStaff.objects.create(tenant=tenant, user=user, store=store, role=role, code=code)
        except IntegrityError as exc:
            if "staff_unique_code" not in str(exc):
                raise
    raise Conflict(_("Could not find a free staff code; try again."), code="staff_code_exhausted")


# --- stock ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockLevel:
    sku_id: int
    on_hand: int


@transaction.atomic
def set_stock(*, tenant: Tenant, store: Store, levels: Sequence[StockLevel]) -> list[Stock]:
    """Set how many of each SKU `store` has on hand (rows created as needed), all or nothing.

    The rows are locked in primary-key order (no deadlock with reservations or another stock
    take); an on-hand below what open orders reserved is a Conflict naming the SKU, and the
    `reserved <= on_hand` CHECK is the last wall. Raises InvalidInput naming `sku` for an unknown
    (or another brand's) or repeated SKU, `on_hand` for a negative count; NotFound when the store
    is gone. Returns the rows set, by SKU id.
    """
    by_sku: dict[int, int] = {}
    for level in levels:
        if level.sku_id in by_sku:
            raise InvalidInput("sku", _("SKU %(sku)s is listed twice.") % {"sku": level.sku_id})
        if level.on_hand < 0:
            raise InvalidInput("on_hand", _("SKU %(sku)s: on hand cannot be negative.") % {"sku": level.sku_id})
        by_sku[level.sku_id] = level.on_hand
    codes = dict(Sku.objects.filter(tenant=tenant, pk__in=by_sku).values_list("pk", "code"))
    unknown = sorted(set(by_sku) - set(codes))
    if unknown:
        raise InvalidInput("sku", _("No such SKU: %(ids)s.") % {"ids": ", ".join(map(str, unknown))})
    store = _lock_store(tenant=tenant, store=store, no_key=True)  # not deleted meanwhile
    # rows first (in SKU order, so that two stock takes never wait on each other crosswise), then locks
    Stock.objects.bulk_create(
        [Stock(tenant=tenant, store=store, sku_id=sku_id) for sku_id in sorted(by_sku)], ignore_conflicts=True
    )
    locked = Stock.objects.select_for_update().filter(tenant=tenant, store=store, sku_id__in=by_sku)
    rows = list(locked.order_by("pk"))
    now = timezone.now()
    for row in rows:
        if by_sku[row.sku_id] < row.reserved:
            raise Conflict(
                _("SKU %(sku)s: on hand %(on_hand)d is below the %(reserved)d reserved for open orders.")
                % {"sku": codes[row.sku_id], "on_hand": by_sku[row.sku_id], "reserved": row.reserved},
                code="below_reserved",
                extra={"sku": row.sku_id},
            )
        row.on_hand = by_sku[row.sku_id]
        row.updated_at = now
    Stock.objects.bulk_update(rows, ["on_hand", "updated_at"])
    return sorted(rows, key=lambda row: row.sku_id)


# --- service offerings ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceOffering:
    service_id: int
    capacity: int


@transaction.atomic
def set_store_services(*, tenant: Tenant, store: Store, offerings: Sequence[ServiceOffering]) -> list[StoreService]:
    """Replace the services `store` offers and their capacities (rules.md 2.1) with `offerings`.

    Raises InvalidInput naming `service` (unknown, another brand's, inactive or repeated; or a
    store without the `services` capability) or `capacity` (below 1); NotFound when the store is
    gone. Returns the offering by service id.
    """
    wanted: dict[int, int] = {}
    for offering in offerings:
        if offering.service_id in wanted:
            raise InvalidInput("service", _("Service %(id)s is listed twice.") % {"id": offering.service_id})
        if offering.capacity < 1:
            raise InvalidInput("capacity", _("A capacity is at least 1."))
        wanted[offering.service_id] = offering.capacity
    known = set(Service.objects.filter(tenant=tenant, pk__in=wanted, is_active=True).values_list("pk", flat=True))
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidInput("service", _("No such active service: %(ids)s.") % {"ids": ", ".join(map(str, unknown))})
    locked = _lock_store(tenant=tenant, store=store)  # one replacement at a time
    if wanted and not locked.offers_services:
        raise InvalidInput("service", _("The store does not have the `services` capability."))
    StoreService.objects.filter(tenant=tenant, store=locked).exclude(service_id__in=wanted).delete()
    current = {row.service_id: row for row in StoreService.objects.filter(tenant=tenant, store=locked)}
    changed = []
    for service_id, capacity in wanted.items():
        row = current.get(service_id)
        if row is not None and row.capacity != capacity:
            row.capacity = capacity
            changed.append(row)
    StoreService.objects.bulk_update(changed, ["capacity"])
    StoreService.objects.bulk_create(
        [
            StoreService(tenant=tenant, store=locked, service_id=service_id, capacity=capacity)
            for service_id, capacity in sorted(wanted.items())
            if service_id not in current
        ]
    )
    return list(StoreService.objects.filter(tenant=tenant, store=locked).order_by("service_id"))
