"""Routing an online order to the store that should serve it (rules.md section 1).

`rank` is the rule itself over plain data (no database), so that every precedence rule and
tie-break has its own small test; `choose_store` loads what it needs for a tenant in a fixed
number of queries, whatever the number of lines, and calls it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import connection
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from o2o.db import in_list
from o2o.models import Tenant
from orders.choices import OPEN_STATUSES, Exclusion, Fulfilment, RoutingRule
from stores.geo import haversine_km

NEEDED_CAPABILITY = {
    Fulfilment.PICKUP: "offers_pickup",
    Fulfilment.DELIVERY: "offers_delivery",
    Fulfilment.EXPERIENCE: "offers_services",
}
REACH_REQUIRED = {Fulfilment.DELIVERY, Fulfilment.EXPERIENCE}
ALTERNATIVES_SHOWN = 3


@dataclass(frozen=True)
class Location:
    lat: float | None = None
    lng: float | None = None
    district: str = ""

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None


@dataclass
class StoreFacts:
    """What routing needs to know of one store for one order."""

    id: int
    code: str
    name: str
    kind: str
    active: bool
    has_capability: bool
    lat: float
    lng: float
    service_radius_km: float
    territory: frozenset[str]
    available: dict[int, int]  # sku id -> on_hand - reserved
    open_orders: int = 0


# Why a store could not serve, beyond its exclusion code: a message and its one argument, kept
# apart so that a routing record (stored with the English text) reads in each reader's language.
DETAIL_MESSAGES = {
    "closed": gettext_noop("the store is closed"),
    "no_such_store": gettext_noop("no such store"),
    "no_pickup": gettext_noop("the store does not offer pick-up"),
    "no_delivery": gettext_noop("the store does not offer delivery"),
    "no_experience": gettext_noop("the store does not offer in-store visits"),
    "no_service": gettext_noop("the store does not offer %(what)s"),  # what: a service's name
    "no_stock": gettext_noop("no stock of %(what)s"),  # what: SKU codes
    "out_of_reach": gettext_noop("the customer is outside the store's service area"),
}


@dataclass(frozen=True)
class Detail:
    """The detail of an exclusion: `key` of DETAIL_MESSAGES and its argument, or `key` "text" and
    a message already written (e.g. a booking's refusal). `str()` is in the active language."""

    key: str = ""
    arg: str = ""

    def __bool__(self) -> bool:
        return bool(self.key)

    def __str__(self) -> str:
        if self.key not in DETAIL_MESSAGES:
            return self.arg
        return gettext(DETAIL_MESSAGES[self.key]) % {"what": self.arg}

    def english(self) -> str:
        if not self:
            return ""
        with translation.override("en"):
            return str(self)

    @classmethod
    def text(cls, message: str) -> Detail:
        return cls("text", message)


def detail_text(candidate: Mapping[str, Any]) -> str:
    """A routing record's candidate's detail in the active language (records written before the
    detail's key was kept have only the English text)."""
    key = candidate.get("detail_code")
    return str(Detail(key, candidate.get("detail_arg", ""))) if key else candidate.get("detail", "")


@dataclass
class Considered:
    store: int
    code: str
    distance_km: float | None
    excluded: str | None = None
    detail: Detail = Detail()

    def as_record(self, *, translated: bool = False) -> dict[str, Any]:
        """The candidate as the order's routing record keeps it: the detail in English, with its
        code and argument to show it in another language (`detail_text`); `translated`: as an
        answer shows it, the detail in the active language only."""
        record = {
            "store": self.store,
            "code": self.code,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 3),
            "excluded": self.excluded,
            "detail": str(self.detail) if translated else self.detail.english(),
        }
        if self.detail and not translated:
            record |= {"detail_code": self.detail.key, "detail_arg": self.detail.arg}
        return record

    def why(self) -> str:
        """Why the store cannot serve, in the active language: the detail, else the exclusion's
        label ("" when it can serve)."""
        if not self.excluded:
            return ""
        return str(self.detail) or str(dict(Exclusion.choices).get(self.excluded, self.excluded))


@dataclass
class Decision:
    store_id: int | None
    rule: str
    considered: list[Considered] = field(default_factory=list)
    # when the consumer's chosen store cannot serve: why, and the nearest stores that could
    refusal: Considered | None = None
    alternatives: list[Considered] = field(default_factory=list)

    def as_record(self, *, translated: bool = False) -> dict[str, Any]:
        return {
            "reason": self.rule,
            "store": self.store_id,
            "candidates": [c.as_record(translated=translated) for c in self.considered],
        }


def store_entry_only(record: Mapping[str, Any], store_id: int | None = None) -> dict[str, Any]:
    """A routing record as the consumer (or anyone but HQ) reads it: the rule that decided
    (`reason`), the store chosen, and that store's entry alone (`store_id`'s when given: the chosen
    store that cannot serve); never the other stores considered, their distances and their stock."""
    kept = store_id if store_id is not None else record.get("store")
    candidates = [c for c in record.get("candidates", []) if kept is not None and c.get("store") == kept]
    return {"reason": record.get("reason", ""), "store": record.get("store"), "candidates": candidates}


def _exclusion(
    facts: StoreFacts,
    *,
    fulfilment: str,
    quantities: Mapping[int, int],
    sku_codes: Mapping[int, str],
    location: Location,
    distance: float | None,
    declined: Collection[int],
    unavailable: Mapping[int, tuple[str, Detail]],
) -> tuple[str | None, Detail]:
    if facts.id in declined:
        return Exclusion.DECLINED, Detail()
    if not facts.active:
        return Exclusion.INACTIVE, Detail("closed")
    if not facts.has_capability:
        return Exclusion.NO_CAPABILITY, Detail(f"no_{fulfilment}")
    if facts.id in unavailable:
        return unavailable[facts.id]
    short = [sku for sku, qty in sorted(quantities.items()) if facts.available.get(sku, 0) < qty]
    if short:
        return Exclusion.NO_STOCK, shortage(short, sku_codes)
    if fulfilment in REACH_REQUIRED:
        in_radius = distance is not None and distance <= facts.service_radius_km
        in_territory = bool(location.district) and location.district in facts.territory
        if not (in_radius or in_territory):
            return Exclusion.OUT_OF_REACH, Detail("out_of_reach")
    return None, Detail()


def shortage(short: Collection[int], sku_codes: Mapping[int, str]) -> Detail:
    """The detail of a store short of the SKUs `short` (ids, shown by their codes)."""
    return Detail("no_stock", ", ".join(sku_codes.get(sku, str(sku)) for sku in sorted(short)))


OpenOrders = Callable[[Collection[int]], Mapping[int, int]]


def _tie_break(stores: list[StoreFacts], open_orders: OpenOrders | None) -> StoreFacts:
    """Among equals: fewer open orders, then the lower store id.

    The open orders are counted only here, for the tied stores (`open_orders`, or each store's
    `open_orders` fact when None): most orders have a single winner and need no count.
    """
    if len(stores) == 1:
        return stores[0]
    counts = open_orders([s.id for s in stores]) if open_orders is not None else {s.id: s.open_orders for s in stores}
    return min(stores, key=lambda s: (counts.get(s.id, 0), s.id))


def rank(
    *,
    stores: list[StoreFacts],
    fulfilment: str,
    quantities: Mapping[int, int],
    sku_codes: Mapping[int, str],
    location: Location,
    chosen_store_id: int | None,
    guide_store_id: int | None,
    declined: Collection[int],
    unavailable: Mapping[int, tuple[str, Detail]] | None = None,
    open_orders: OpenOrders | None = None,
) -> Decision:
    """Apply rules.md 1.1-1.3 to `stores` and return the decision with every store considered.

    `unavailable` excludes stores for a reason the caller found (exclusion, detail): the stock a
    concurrent order took meanwhile, a booked service the store does not offer, a full slot.
    `open_orders` counts the open orders of tied stores (see `_tie_break`).
    """
    unavailable = unavailable or {}
    considered: list[Considered] = []
    viable: list[StoreFacts] = []
    distances: dict[int, float | None] = {}
    for facts in sorted(stores, key=lambda s: s.id):
        distance = haversine_km(location.lat, location.lng, facts.lat, facts.lng) if location.has_point else None  # type: ignore[arg-type]
        distances[facts.id] = distance
        excluded, detail = _exclusion(
            facts,
            fulfilment=fulfilment,
            quantities=quantities,
            sku_codes=sku_codes,
            location=location,
            distance=distance,
            declined=declined,
            unavailable=unavailable,
        )
        if excluded is None and chosen_store_id is not None and facts.id != chosen_store_id:
            excluded, detail = Exclusion.NOT_CHOSEN, Detail()
        considered.append(Considered(facts.id, facts.code, distance, excluded, detail))
        if excluded is None:
            viable.append(facts)
    considered.sort(key=lambda c: (c.distance_km is None, c.distance_km or 0.0, c.store))

    if chosen_store_id is not None:
        if viable:
            return Decision(viable[0].id, RoutingRule.CUSTOMER_CHOICE, considered)
        refusal = next((c for c in considered if c.store == chosen_store_id), None)
        if refusal is None:
            refusal = Considered(chosen_store_id, "", None, Exclusion.INACTIVE, Detail("no_such_store"))
        alternatives = [c for c in considered if c.excluded == Exclusion.NOT_CHOSEN][:ALTERNATIVES_SHOWN]
        return Decision(None, RoutingRule.CUSTOMER_CHOICE, considered, refusal, alternatives)

    if not viable:
        return Decision(None, "", considered)

    in_territory = [s for s in viable if s.kind == "franchise" and location.district in s.territory]
    if in_territory:
        return Decision(_tie_break(in_territory, open_orders).id, RoutingRule.TERRITORY, considered)

    if guide_store_id is not None:
        guide_store = next((s for s in viable if s.id == guide_store_id), None)
        if guide_store is not None:
            return Decision(guide_store.id, RoutingRule.BOUND_GUIDE, considered)

    if location.has_point:
        shortest = min(cast(float, distances[s.id]) for s in viable)  # with a point, every store has one
        nearest = _tie_break([s for s in viable if distances[s.id] == shortest], open_orders)
    else:  # a pick-up order without a location: no distance to rank by, only the tie-break
        nearest = _tie_break(viable, open_orders)
    return Decision(nearest.id, RoutingRule.NEAREST, considered)


def load_store_facts(*, tenant: Tenant, fulfilment: str, sku_ids: Collection[int]) -> list[StoreFacts]:
    """Every active store of `tenant` with what routing needs, in two queries, whatever the
    number of lines. Inactive stores are not loaded: a consumer's choice of one is reported as
    closed. Open orders are not counted here (only ties need them: `count_open_orders`).

    Plain SQL (portable to SQLite): this runs for every order placed, and building the same
    queries through the ORM cost more CPU than everything else routing does (bench/place_orders).
    """
    flag = NEEDED_CAPABILITY[Fulfilment(fulfilment)]
    skus_in, skus = in_list(sku_ids)
    stores: dict[int, StoreFacts] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.code, s.name, s.kind, s.lat, s.lng, s.service_radius_km, s."  # noqa: S608 - fixed names
            + flag
            + ", k.sku_id, k.on_hand - k.reserved FROM stores_store s "
            f"LEFT JOIN stores_stock k ON k.store_id = s.id AND k.tenant_id = s.tenant_id AND k.sku_id IN {skus_in} "
            "WHERE s.tenant_id = %s AND s.is_active ORDER BY s.id",
            [*skus, tenant.pk],
        )
        for store_id, code, name, kind, lat, lng, radius, capable, sku_id, available in cursor.fetchall():
            facts = stores.get(store_id)
            if facts is None:
                facts = stores[store_id] = StoreFacts(
                    id=store_id,
                    code=code,
                    name=name,
                    kind=kind,
                    active=True,
                    has_capability=bool(capable),
                    lat=float(lat),
                    lng=float(lng),
                    service_radius_km=float(radius),
                    territory=frozenset(),
                    available={},
                )
            if sku_id is not None:
                facts.available[sku_id] = available
        cursor.execute(
            "SELECT t.store_id, t.district FROM stores_territorydistrict t "
            "JOIN stores_store s ON s.id = t.store_id WHERE t.tenant_id = %s AND s.is_active",
            [tenant.pk],
        )
        territory: dict[int, set[str]] = defaultdict(set)
        for store_id, district in cursor.fetchall():
            territory[store_id].add(district)
    for store_id, districts in territory.items():
        if store_id in stores:
            stores[store_id].territory = frozenset(districts)
    return list(stores.values())


def count_open_orders(*, tenant: Tenant, store_ids: Collection[int]) -> dict[int, int]:
    """The open orders (routed, accepted, ready) of each of `store_ids` (one query)."""
    from orders.models import Order  # the orders app's own model; kept local to the query

    return dict(
        Order.objects.filter(tenant=tenant, status__in=OPEN_STATUSES, store_id__in=list(store_ids))
        .values_list("store_id")
        .annotate(n=Count("pk"))
        .values_list("store_id", "n")
    )


def choose_store(
    *,
    tenant: Tenant,
    fulfilment: str,
    quantities: Mapping[int, int],
    sku_codes: Mapping[int, str],
    location: Location,
    chosen_store_id: int | None = None,
    guide_store_id: int | None = None,
    declined: Collection[int] = (),
    unavailable: Mapping[int, tuple[str, Detail]] | None = None,
) -> Decision:
    """Route an order of `quantities` (sku id -> quantity) for `tenant` (rules.md 1).

    Reads the stores, territories and stock in two queries, whatever the number of lines, and the
    open orders of tied stores when there is a tie; reserves nothing (the caller locks and
    reserves, and routes again when it lost a race).
    """
    stores = load_store_facts(tenant=tenant, fulfilment=fulfilment, sku_ids=list(quantities))
    return rank(
        stores=stores,
        fulfilment=fulfilment,
        quantities=quantities,
        sku_codes=sku_codes,
        location=location,
        chosen_store_id=chosen_store_id,
        guide_store_id=guide_store_id,
        declined=declined,
        unavailable=unavailable,
        open_orders=lambda store_ids: count_open_orders(tenant=tenant, store_ids=store_ids),
    )
