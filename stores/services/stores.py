"""Stores: open, edit (with their territory and, in one go, their contract), delete or deactivate."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import available_timezones

from django.db import IntegrityError, router, transaction
from django.db.models import QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from o2o.errors import InvalidInput
from o2o.models import Tenant
from stores.choices import Capability, StoreKind
from stores.models import EPOCH, LAT_BOUNDS, LNG_BOUNDS, Store, StoreContract, StoreService, TerritoryDistrict
from stores.selectors import CAPABILITY_FIELDS, current_contract, tenant_today
from stores.services.contracts import ContractChange, ContractTerms, add_contract_version, check_terms
from stores.services.hours import validate_opening_hours
from stores.services.locks import lock_store

DISTRICT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,15}$")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$")

TIMEZONES = frozenset(available_timezones())


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
    if not LAT_BOUNDS["min_value"] <= lat <= LAT_BOUNDS["max_value"]:
        raise InvalidInput("lat", _("A latitude is between -90 and 90."))
    if not LNG_BOUNDS["min_value"] <= lng <= LNG_BOUNDS["max_value"]:
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


@transaction.atomic
def create_store(*, tenant: Tenant, data: StoreInput, contract: ContractTerms | None = None) -> Store:
    """Open a store with its territory and its opening contract.

    The contract is valid from 2000-01-01 (EPOCH) with `contract`'s terms, else the defaults of the
    store's kind (rules.md 5.2). Raises InvalidInput naming the field (`code` when it is taken).
    """
    values = check_store_input(data)
    terms = contract or ContractTerms.defaults_for(data.kind)
    check_terms(terms)
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
    return _write_store(tenant=tenant, locked=lock_store(tenant=tenant, store=store), data=data, values=values)


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
    locked = lock_store(tenant=tenant, store=store)
    if _only_own_configuration_refers_to(locked):
        locked.delete()
        return True
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    store.is_active = False
    return False


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
    store = lock_store(tenant=tenant, store=store)
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
        check_terms(terms)
        add_contract_version(tenant=tenant, store=store, terms=terms, valid_from=valid_from)
    return store


def _given(value: Any, default: Any) -> Any:
    return default if value is None else value
