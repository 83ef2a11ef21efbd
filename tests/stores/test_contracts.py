"""Store contracts (rules.md 5.2): opening terms by kind, new versions that never change the old ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.tenancy import tenant_scope
from stores.models import StoreContract
from stores.selectors import current_contract, list_contracts, tenant_today
from stores.services import ContractTerms, change_contract
from tests.stores.factories import make_store, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "terms"),
    [
        ("direct", (Decimal("0.0000"), False, False)),
        ("franchise", (Decimal("0.9200"), True, True)),
        ("counter", (Decimal("0.2000"), False, False)),
    ],
)
def test_a_new_store_gets_its_kinds_opening_contract_from_2000(tenant, kind, terms):
    with tenant_scope(tenant):
        store = make_store(tenant, kind=kind)
        contract = current_contract(tenant=tenant, store=store, on=dt.date(2000, 1, 1))
    assert (
        contract.valid_from,
        contract.sales_share_rate,
        contract.tac_chargeable,
        contract.commission_borne_by_store,
    ) == (dt.date(2000, 1, 1), *terms)


def test_a_new_version_leaves_the_old_one_as_it_was_and_past_dates_keep_the_old_terms(tenant):
    # given a franchise store on the default terms
    with tenant_scope(tenant):
        store = make_store(tenant, kind="franchise")
    opening = snapshot(StoreContract, tenant)
    # when HQ lowers the royalty (raises the store's share) from 1 March 2026
    with tenant_scope(tenant):
        new = change_contract(
            tenant=tenant,
            store=store,
            terms=ContractTerms(
                sales_share_rate=Decimal("0.9400"), tac_chargeable=True, commission_borne_by_store=False
            ),
            valid_from=dt.date(2026, 3, 1),
        )
        # then the opening version is untouched
        assert snapshot(StoreContract, tenant, valid_from=dt.date(2000, 1, 1)) == opening
        # and a settlement of February uses the old terms, one of March the new ones
        february = current_contract(tenant=tenant, store=store, on=dt.date(2026, 2, 28))
        march = current_contract(tenant=tenant, store=store, on=dt.date(2026, 3, 1))
        versions = [c.valid_from for c in list_contracts(tenant=tenant, store=store)]
    assert (february.sales_share_rate, february.commission_borne_by_store) == (Decimal("0.9200"), True)
    assert (march.pk, march.sales_share_rate, march.commission_borne_by_store) == (new.pk, Decimal("0.9400"), False)
    assert versions == [dt.date(2026, 3, 1), dt.date(2000, 1, 1)]


def test_a_version_before_the_latest_is_a_conflict(tenant):
    with tenant_scope(tenant):
        store = make_store(tenant)
        terms = ContractTerms(sales_share_rate=Decimal("0.1"), tac_chargeable=False, commission_borne_by_store=False)
        change_contract(tenant=tenant, store=store, terms=terms, valid_from=dt.date(2026, 3, 1))
        before = snapshot(StoreContract, tenant)
        with pytest.raises(Conflict) as error, tenant_scope(tenant):
            change_contract(tenant=tenant, store=store, terms=terms, valid_from=dt.date(2026, 1, 1))
    assert error.value.code == "contract_backdated"
    assert snapshot(StoreContract, tenant) == before


def test_a_change_made_today_can_be_corrected_today_but_a_version_in_force_is_never_edited(tenant):
    today = tenant_today(tenant=tenant)
    with tenant_scope(tenant):
        store = make_store(tenant)
        first = ContractTerms(sales_share_rate=Decimal("0.05"), tac_chargeable=False, commission_borne_by_store=False)
        second = ContractTerms(sales_share_rate=Decimal("0.06"), tac_chargeable=False, commission_borne_by_store=False)
        # when HQ changes the terms from today twice
        one = change_contract(tenant=tenant, store=store, terms=first, valid_from=today)
        two = change_contract(tenant=tenant, store=store, terms=second, valid_from=today)
        # then the second corrects today's version (the history table keeps the first)
        assert (one.pk, two.pk, two.sales_share_rate) == (one.pk, one.pk, Decimal("0.0600"))
        assert [h.sales_share_rate for h in StoreContract.history.filter(id=one.pk).order_by("history_id")] == [
            Decimal("0.0500"),
            Decimal("0.0600"),
        ]
        # but the opening version, in force before today, cannot be edited
        with pytest.raises(Conflict) as error, tenant_scope(tenant):
            change_contract(tenant=tenant, store=store, terms=first, valid_from=dt.date(2000, 1, 1))
    assert error.value.code == "contract_backdated"


def test_a_rate_outside_0_to_1_is_invalid(tenant):
    with tenant_scope(tenant):
        store = make_store(tenant)
        with pytest.raises(InvalidInput) as error:
            change_contract(
                tenant=tenant,
                store=store,
                terms=ContractTerms(
                    sales_share_rate=Decimal("1.2"), tac_chargeable=False, commission_borne_by_store=False
                ),
                valid_from=dt.date(2030, 1, 1),
            )
    assert error.value.extra == {"errors": {"sales_share_rate": ["A fraction between 0 and 1, e.g. 0.9200."]}}


def test_a_version_starting_more_than_two_years_ahead_is_invalid(tenant):
    # given a store, and the last day a version may start (two years of 366 days from today)
    latest = tenant_today(tenant=tenant) + dt.timedelta(days=732)
    terms = ContractTerms(sales_share_rate=Decimal("0.1"), tac_chargeable=False, commission_borne_by_store=False)
    with tenant_scope(tenant):
        store = make_store(tenant)
        before = snapshot(StoreContract, tenant)
        # when HQ names 9999-12-31, or the day after the last
        errors = []
        for start in (dt.date(9999, 12, 31), latest + dt.timedelta(days=1)):
            with pytest.raises(InvalidInput) as error, tenant_scope(tenant):
                change_contract(tenant=tenant, store=store, terms=terms, valid_from=start)
            errors.append(error.value.extra)
        # then both are refused naming valid_from, nothing is written, and the last day itself is taken
        assert snapshot(StoreContract, tenant) == before
        assert change_contract(tenant=tenant, store=store, terms=terms, valid_from=latest).valid_from == latest
    message = f"A contract version starts by {latest.isoformat()} at the latest (two years ahead)."
    assert errors == [{"errors": {"valid_from": [message]}}] * 2


def test_no_contract_before_the_first_version_is_not_found(tenant):
    with tenant_scope(tenant):
        store = make_store(tenant)
        with pytest.raises(NotFound):
            current_contract(tenant=tenant, store=store, on=dt.date(1999, 12, 31))


def test_the_contract_history_api_is_for_hq_and_the_stores_manager(
    api, tenant, hq_admin, store, manager, guide, other_manager
):
    # given a second version
    with tenant_scope(tenant):
        change_contract(
            tenant=tenant,
            store=store,
            terms=ContractTerms(
                sales_share_rate=Decimal("0.05"), tac_chargeable=False, commission_borne_by_store=False
            ),
            valid_from=dt.date(2026, 3, 1),
        )
    # then HQ and the manager read both versions, newest first; guides and other managers may not
    for user in (hq_admin, manager):
        response = api(user, tenant).get(f"/api/v1/stores/{store.pk}/contracts/")
        assert [(c["valid_from"], c["sales_share_rate"]) for c in response.json()["results"]] == [
            ("2026-03-01", "0.0500"),
            ("2000-01-01", "0.0000"),
        ]
    assert api(guide, tenant).get(f"/api/v1/stores/{store.pk}/contracts/").status_code == 403
    assert api(other_manager, tenant).get(f"/api/v1/stores/{store.pk}/contracts/").status_code == 403
