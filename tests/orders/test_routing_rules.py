"""rules.md section 1, one case per rule and tie-break, on the pure ranking function."""

from __future__ import annotations

from typing import cast

from orders.routing import Location, StoreFacts, rank

SKU_LAMP, SKU_BULB = 1, 2
CODES = {SKU_LAMP: "LAMP-1", SKU_BULB: "BULB-2"}
# Shanghai People's Square, and stores east of it (0.01 degree of longitude ~ 0.95 km here)
HOME = Location(lat=31.2304, lng=121.4737, district="310101")


def store(
    id: int,
    *,
    kind: str = "direct",
    km_east: float = 1.0,
    stock: dict | None = None,
    radius: float = 5.0,
    territory: tuple[str, ...] = (),
    capability: bool = True,
    open_orders: int = 0,
) -> StoreFacts:
    return StoreFacts(
        id=id,
        code=f"S{id}",
        name=f"Store {id}",
        kind=kind,
        active=True,
        has_capability=capability,
        lat=cast(float, HOME.lat),
        lng=cast(float, HOME.lng) + km_east / 95.2,
        service_radius_km=radius,
        territory=frozenset(territory),
        available={SKU_LAMP: 5, SKU_BULB: 5} if stock is None else stock,
        open_orders=open_orders,
    )


def route(stores, *, fulfilment="delivery", quantities=None, location=HOME, chosen=None, guide_store=None, declined=()):
    return rank(
        stores=stores,
        fulfilment=fulfilment,
        quantities=quantities or {SKU_LAMP: 1},
        sku_codes=CODES,
        location=location,
        chosen_store_id=chosen,
        guide_store_id=guide_store,
        declined=declined,
    )


def test_the_nearest_candidate_wins_when_no_other_rule_applies():
    decision = route([store(1, km_east=3.0), store(2, km_east=1.0), store(3, km_east=2.0)])
    assert (decision.store_id, decision.rule) == (2, "nearest")
    assert [c.store for c in decision.considered] == [2, 3, 1]


def test_a_franchise_territory_beats_a_nearer_direct_store():
    # given a direct store next door and a franchise store farther away whose territory holds the district
    decision = route([store(1, km_east=0.5), store(2, kind="franchise", km_east=4.0, territory=("310101",))])
    assert (decision.store_id, decision.rule) == (2, "territory")


def test_a_territory_only_counts_for_a_franchise_store():
    decision = route([store(1, km_east=0.5), store(2, kind="direct", km_east=4.0, territory=("310101",))])
    assert (decision.store_id, decision.rule) == (1, "nearest")


def test_the_bound_guides_store_wins_over_the_nearest_but_not_over_a_territory():
    stores = [store(1, km_east=0.5), store(2, km_east=3.0)]
    assert (route(stores, guide_store=2).store_id, route(stores, guide_store=2).rule) == (2, "bound_guide")
    with_territory = [*stores, store(3, kind="franchise", km_east=4.5, territory=("310101",))]
    assert route(with_territory, guide_store=2).rule == "territory"


def test_a_bound_guides_store_that_cannot_serve_is_passed_over():
    decision = route([store(1, km_east=0.5), store(2, km_east=3.0, stock={SKU_LAMP: 0})], guide_store=2)
    assert (decision.store_id, decision.rule) == (1, "nearest")


def test_the_customers_choice_is_the_only_candidate():
    decision = route([store(1, km_east=0.5), store(2, km_east=3.0)], chosen=2)
    assert (decision.store_id, decision.rule) == (2, "customer_choice")
    assert {c.store: c.excluded for c in decision.considered} == {1: "not_chosen", 2: None}


def test_a_chosen_store_lacking_one_sku_is_refused_naming_the_sku_and_listing_stores_that_could():
    stores = [store(1, km_east=0.5), store(2, km_east=3.0, stock={SKU_LAMP: 5, SKU_BULB: 0}), store(3, km_east=2.0)]
    decision = route(stores, chosen=2, quantities={SKU_LAMP: 1, SKU_BULB: 2})
    assert decision.store_id is None
    assert (decision.refusal.store, decision.refusal.excluded, str(decision.refusal.detail)) == (
        2,
        "no_stock",
        "no stock of BULB-2",
    )
    assert [c.store for c in decision.alternatives] == [1, 3]


def test_stock_must_cover_every_line():
    stores = [store(1, km_east=0.5, stock={SKU_LAMP: 5, SKU_BULB: 1}), store(2, km_east=3.0)]
    decision = route(stores, quantities={SKU_LAMP: 1, SKU_BULB: 2})
    assert decision.store_id == 2
    assert decision.considered[0].as_record() == {
        "store": 1,
        "code": "S1",
        "distance_km": 0.499,
        "excluded": "no_stock",
        "detail": "no stock of BULB-2",
        "detail_code": "no_stock",
        "detail_arg": "BULB-2",
    }


def test_delivery_reaches_by_radius_or_by_territory_and_pickup_needs_no_reach():
    far = store(1, km_east=8.0, radius=5.0)
    assert route([far]).considered[0].excluded == "out_of_reach"
    assert route([store(1, km_east=8.0, radius=5.0, territory=("310101",))]).store_id == 1
    assert route([far], fulfilment="pickup").store_id == 1


def test_a_store_without_the_capability_is_excluded():
    decision = route([store(1, km_east=0.5, capability=False), store(2, km_east=3.0)], fulfilment="pickup")
    assert decision.store_id == 2
    assert decision.considered[0].excluded == "no_capability"


def test_ties_go_to_fewer_open_orders_then_the_lower_id():
    twins = [
        store(5, km_east=1.0, open_orders=2),
        store(4, km_east=1.0, open_orders=1),
        store(3, km_east=1.0, open_orders=1),
    ]
    assert route(twins).store_id == 3
    territory = [
        store(7, kind="franchise", km_east=1, territory=("310101",), open_orders=3),
        store(8, kind="franchise", km_east=2, territory=("310101",), open_orders=0),
    ]
    assert (route(territory).store_id, route(territory).rule) == (8, "territory")


def test_a_store_that_declined_is_never_chosen_again():
    decision = route([store(1, km_east=0.5), store(2, km_east=3.0)], declined={1})
    assert decision.store_id == 2
    assert decision.considered[0].excluded == "declined"
    assert route([store(1, km_east=0.5)], declined={1}).store_id is None


def test_pickup_without_a_location_falls_back_to_the_tie_break():
    decision = route([store(2, open_orders=0), store(1, open_orders=1)], fulfilment="pickup", location=Location())
    assert (decision.store_id, decision.rule) == (2, "nearest")
    assert decision.considered[0].distance_km is None
