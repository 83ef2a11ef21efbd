"""Reads of the stores app: stores and their filters, the nearest stores, stock, staff, contracts."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.errors import NotFound
from o2o.fields import IdFilter
from o2o.models import Tenant
from stores.choices import Capability, StoreKind
from stores.geo import bounding_box, haversine_km
from stores.models import Stock, Store, StoreContract, StoreService, StoreStaff, TerritoryDistrict

CAPABILITY_FIELDS = {
    Capability.PICKUP: "offers_pickup",
    Capability.DELIVERY: "offers_delivery",
    Capability.SERVICES: "offers_services",
}

# Nearest-store search: the first radius tried (a city district: it holds a page of stores where
# stores are dense, and costs a few dozen rows), and how fast it grows when too few stores are in it.
FIRST_RADIUS_KM = 10.0
MIN_GROWTH, MAX_GROWTH = 2.0, 8.0


def tenant_today(*, tenant: Tenant) -> dt.date:
    """Today's date in the brand's time zone (contracts and periods are dated in it)."""
    return timezone.now().astimezone(ZoneInfo(tenant.timezone)).date()


def _has_stock(sku_id: int) -> Exists:
    """The store has some of the SKU available (on hand and not reserved)."""
    available = Stock.objects.filter(
        tenant=OuterRef("tenant"), sku_id=sku_id, store=OuterRef("pk"), on_hand__gt=F("reserved")
    )
    return Exists(available)


class StoreFilter(django_filters.FilterSet):
    """The filters of the store list: `kind`, `city`, `region`, `capability`, `active`, `q`, `has_stock`."""

    kind = django_filters.ChoiceFilter(choices=StoreKind.choices)
    city = django_filters.CharFilter(field_name="city")
    region = django_filters.CharFilter(field_name="region")
    capability = django_filters.ChoiceFilter(choices=Capability.choices, method="filter_capability")
    active = django_filters.ChoiceFilter(choices=[(v, v) for v in ("true", "false", "1", "0")], method="filter_active")
    q = django_filters.CharFilter(method="filter_q", max_length=100)
    has_stock = IdFilter(method="filter_has_stock")

    class Meta:
        model = Store
        fields: list[str] = []

    def filter_capability(self, queryset: QuerySet[Store], name: str, value: str) -> QuerySet[Store]:
        return queryset.filter(**{CAPABILITY_FIELDS[Capability(value)]: True})

    def filter_active(self, queryset: QuerySet[Store], name: str, value: str) -> QuerySet[Store]:
        return queryset.filter(is_active=value in {"true", "1"})

    def filter_q(self, queryset: QuerySet[Store], name: str, value: str) -> QuerySet[Store]:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_has_stock(self, queryset: QuerySet[Store], name: str, value: Any) -> QuerySet[Store]:
        return queryset.filter(_has_stock(int(value)))


def _filtered(*, tenant: Tenant, filters: Mapping[str, Any]) -> QuerySet[Store]:
    filterset = StoreFilter(
        {key: value for key, value in filters.items() if value not in (None, "")},
        queryset=Store.objects.filter(tenant=tenant),
    )
    if not filterset.is_valid():
        raise ValidationError({field: [str(m) for m in messages] for field, messages in filterset.errors.items()})
    return filterset.qs


def store_filter_form(data: Mapping[str, Any]) -> forms.Form:
    """The form of the store list's filters (a page validates it before `list_stores`): the same
    checks as the API's, with the same messages."""
    return StoreFilter(data, queryset=Store.objects.none()).form


def list_store_cities(*, tenant: Tenant, active_only: bool) -> list[str]:
    """The distinct cities of the brand's stores (of its open stores when `active_only`), sorted:
    what the city pickers offer."""
    stores = list_active_stores(tenant=tenant) if active_only else Store.objects.filter(tenant=tenant)
    cities = stores.exclude(city="").order_by("city").values_list("city", flat=True).distinct()
    return list(cities)


def list_stores(*, tenant: Tenant, filters: Mapping[str, str]) -> QuerySet[Store]:
    """The brand's stores matching `filters`, by code, with their territory prefetched.

    Filters: `kind`, `city`, `region`, `capability` (pickup|delivery|services), `active`
    (true|false), `q` (in name or code), `has_stock` (a SKU id with available stock > 0). Raises
    ValidationError (400) naming a bad filter.
    """
    return _filtered(tenant=tenant, filters=filters).prefetch_related("territory").order_by("code", "pk")


def with_current_contracts(*, tenant: Tenant, stores: QuerySet[Store], on: dt.date) -> QuerySet[Store]:
    """`stores` with `contracts_in_force` prefetched: their versions valid on `on`, latest first."""
    versions = StoreContract.objects.filter(tenant=tenant, valid_from__lte=on).order_by("store_id", "-valid_from")
    return stores.prefetch_related(Prefetch("contracts", queryset=versions, to_attr="contracts_in_force"))


def attach_current_contracts(*, tenant: Tenant, stores: list[Store], on: dt.date) -> None:
    """Set `contracts_in_force` on each of `stores` (as `with_current_contracts` does), in one query."""
    by_store: dict[int, list[StoreContract]] = {store.pk: [] for store in stores}
    versions = StoreContract.objects.filter(tenant=tenant, store_id__in=by_store, valid_from__lte=on)
    for version in versions.order_by("store_id", "-valid_from"):
        by_store[version.store_id].append(version)
    for store in stores:
        store.contracts_in_force = by_store[store.pk]  # type: ignore[attr-defined]


def contract_in_force(store: Store) -> StoreContract | None:
    """The contract prefetched by `with_current_contracts`, or None."""
    versions = getattr(store, "contracts_in_force", None)
    return versions[0] if versions else None


def list_active_stores(*, tenant: Tenant) -> QuerySet[Store]:
    """The brand's open stores, by code: what a member may pick as home store, what list filters
    offer, where demo data goes."""
    return Store.objects.filter(tenant=tenant, is_active=True).order_by("code")


def get_active_store(*, tenant: Tenant, store_id: int) -> Store | None:
    """The brand's open store with this id, or None (missing, closed or another brand's alike)."""
    return list_active_stores(tenant=tenant).filter(pk=store_id).first()


def stores_in_city(
    *, tenant: Tenant, city: str, capability: str | None, limit: int, offset: int
) -> tuple[list[Store], int]:
    """A page of the brand's open stores in `city` (with `capability` when named), by code, and how
    many there are. A page past the last is empty (no query for it, whatever its offset)."""
    filters = {"city": city, "active": "true"} | ({"capability": capability} if capability else {})
    stores = list_stores(tenant=tenant, filters=filters)
    total = stores.count()
    if offset >= total:
        return [], total
    return list(stores[offset : offset + limit]), total


def get_store(*, tenant: Tenant, store_id: int) -> Store:
    """One store of the brand (active or not), with its territory; NotFound for a missing or foreign one."""
    store = Store.objects.filter(tenant=tenant, pk=store_id).prefetch_related("territory").first()
    if store is None:
        raise NotFound(_("No such store."))
    return store


def nearest_stores(
    *,
    tenant: Tenant,
    lat: float,
    lng: float,
    limit: int,
    offset: int = 0,
    capability: str | None = None,
    kind: str | None = None,
    city: str | None = None,
    sku_id: int | None = None,
    active_only: bool = True,
    region: str | None = None,
    q: str | None = None,
) -> tuple[list[tuple[Store, float]], int]:
    """A page of the brand's stores by great-circle distance from (lat, lng), ties by lower id.

    Returns `[(store, distance_km), ...]` for positions `offset` to `offset + limit` of that order,
    and the number of stores matching the filters. The order is exactly that of a haversine over
    every store, but only the stores inside a bounding box are read: the box's radius grows until
    at least `offset + limit` stores lie within it (then they are the nearest ones, since every
    store closer than the radius is in the box). Cost: one count, one indexed range read per
    radius tried, one read of the page's rows and one of their territories (set as
    `territory_codes`, see `attach_territory_codes`); a haversine in Python on the box's rows only.
    """
    matching = _nearest_candidates(
        tenant=tenant, capability=capability, kind=kind, city=city, region=region, q=q, sku_id=sku_id
    )
    if active_only:
        matching = matching.filter(is_active=True)
    total = matching.count()
    need = offset + limit
    if limit <= 0 or offset >= total:
        return [], total
    points = matching.values_list("pk", "lat", "lng").order_by()
    ranked = _nearest_ids(points=points, lat=lat, lng=lng, need=need, total=total)[offset:need]
    page = _in_order(Store.objects.filter(tenant=tenant, pk__in=[pk for _, pk in ranked]), ranked)
    attach_territory_codes(tenant=tenant, stores=[store for store, _ in page])
    return page, total


def _nearest_candidates(
    *,
    tenant: Tenant,
    capability: str | None,
    kind: str | None,
    city: str | None,
    region: str | None,
    q: str | None,
    sku_id: int | None,
) -> QuerySet[Store]:
    """The stores matching the filters of `nearest_stores` (checked here: no FilterSet on this hot path)."""
    conditions = Q(tenant=tenant)
    if capability:
        if capability not in CAPABILITY_FIELDS:
            raise ValidationError({"capability": [f"One of {', '.join(Capability.values)}."]})
        conditions &= Q(**{CAPABILITY_FIELDS[Capability(capability)]: True})
    if kind:
        if kind not in StoreKind.values:
            raise ValidationError({"kind": [f"One of {', '.join(StoreKind.values)}."]})
        conditions &= Q(kind=kind)
    if city:
        conditions &= Q(city=city)
    if region:
        conditions &= Q(region=region)
    if q:
        conditions &= Q(name__icontains=q) | Q(code__icontains=q)
    stores = Store.objects.filter(conditions)
    return stores.filter(_has_stock(sku_id)) if sku_id is not None else stores


def _nearest_ids(*, points: QuerySet[Any], lat: float, lng: float, need: int, total: int) -> list[tuple[float, int]]:
    if total <= need:  # every matching store is on the page or before it: no need to search
        return sorted((haversine_km(lat, lng, p_lat, p_lng), pk) for pk, p_lat, p_lng in points)
    radius = FIRST_RADIUS_KM
    while True:
        # a hair wider than the radius, so that float rounding at its edge never drops a store
        box = bounding_box(lat, lng, radius * (1 + 1e-9) + 1e-9)
        if box is None:
            rows = points
        else:
            lng_range = (
                Q(lng__gte=box.min_lng) | Q(lng__lte=box.max_lng)
                if box.wraps
                else Q(lng__gte=box.min_lng, lng__lte=box.max_lng)
            )
            rows = points.filter(lng_range, lat__gte=box.min_lat, lat__lte=box.max_lat)
        ranked = sorted((haversine_km(lat, lng, p_lat, p_lng), pk) for pk, p_lat, p_lng in rows)
        within = sum(1 for distance, _ in ranked if distance <= radius)
        if box is None or within >= need:
            return ranked[:need]
        # guess the radius holding `need` stores from the density seen so far (area grows as r²)
        growth = math.sqrt(need / within) * 1.25 if within else MAX_GROWTH
        radius *= min(MAX_GROWTH, max(MIN_GROWTH, growth))


def attach_territory_codes(*, tenant: Tenant, stores: list[Store]) -> None:
    """Set `territory_codes` (sorted district codes) on each of `stores`, in one query.

    What `StoreOutput` shows; cheaper than `prefetch_related("territory")` on the "stores near me"
    hot path (the prefetch machinery costs more than the query).
    """
    codes: dict[int, list[str]] = {store.pk: [] for store in stores}
    rows = TerritoryDistrict.objects.filter(tenant=tenant, store_id__in=codes).order_by("district")
    for store_id, district in rows.values_list("store_id", "district"):
        codes[store_id].append(district)
    for store in stores:
        store.territory_codes = codes[store.pk]  # type: ignore[attr-defined]


def _in_order(stores: QuerySet[Store], ranked: list[tuple[float, int]]) -> list[tuple[Store, float]]:
    by_id = {store.pk: store for store in stores}
    return [(by_id[pk], distance) for distance, pk in ranked if pk in by_id]


def list_stock(*, tenant: Tenant, store: Store) -> QuerySet[Stock]:
    """The stock rows of `store`, with their SKU and product, by SKU code."""
    return (
        Stock.objects.filter(tenant=tenant, store=store)
        .select_related("sku", "sku__product")
        .order_by("sku__code", "pk")
    )


def get_stock(*, tenant: Tenant, store: Store, sku_id: int) -> Stock:
    """The row of SKU `sku_id` in `store`, with its SKU and product; NotFound when the store holds
    none (a row of another store, or of another brand, alike)."""
    stock = list_stock(tenant=tenant, store=store).filter(sku_id=sku_id).first()
    if stock is None:
        raise NotFound(_("This store holds no stock row of that SKU."))
    return stock


def list_in_stock(*, tenant: Tenant, store: Store) -> QuerySet[Stock]:
    """What a consumer may find at `store`: its rows of active SKUs with some available, by SKU code."""
    return list_stock(tenant=tenant, store=store).filter(on_hand__gt=F("reserved"), sku__is_active=True)


def list_staff(*, tenant: Tenant, store: Store) -> QuerySet[StoreStaff]:
    """The managers and guides of `store` (active or not), with their user, managers first."""
    staff = StoreStaff.objects.filter(tenant=tenant, store=store).select_related("user")
    return staff.order_by("-role", "pk")  # "store_manager" sorts after "guide"


def list_store_services(*, tenant: Tenant, store: Store) -> QuerySet[StoreService]:
    """The services `store` offers, with the service, by service name."""
    return (
        StoreService.objects.filter(tenant=tenant, store=store)
        .select_related("service")
        .order_by("service__name", "pk")
    )


def list_offered_services(*, tenant: Tenant, store: Store) -> QuerySet[StoreService]:
    """The active services `store` offers, as a consumer sees them, by service name."""
    return list_store_services(tenant=tenant, store=store).filter(service__is_active=True)


def contract_on(*, tenant: Tenant, store: Store, on: dt.date) -> StoreContract | None:
    """The contract version of `store` in force on `on` (the latest starting on or before it), or
    None when the store had none yet."""
    return StoreContract.objects.filter(tenant=tenant, store=store, valid_from__lte=on).order_by("-valid_from").first()


def current_contract(*, tenant: Tenant, store: Store, on: dt.date) -> StoreContract:
    """The contract version of `store` in force on `on` (the latest starting on or before it).

    Raises NotFound when the store had no contract yet on that date.
    """
    contract = contract_on(tenant=tenant, store=store, on=on)
    if contract is None:
        raise NotFound(_("Store %(code)s had no contract on %(date)s.") % {"code": store.code, "date": on.isoformat()})
    return contract


def list_contracts(*, tenant: Tenant, store: Store) -> QuerySet[StoreContract]:
    """Every contract version of `store`, newest first."""
    return StoreContract.objects.filter(tenant=tenant, store=store).order_by("-valid_from")
