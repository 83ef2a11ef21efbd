"""Settlement contracts: a store's terms as versions valid from a date (rules.md 5.2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant
from stores.models import CONTRACT_DEFAULTS, Store, StoreContract
from stores.selectors import tenant_today
from stores.services.locks import lock_store


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


def check_terms(terms: ContractTerms) -> None:
    rate = terms.sales_share_rate
    if not isinstance(rate, Decimal) or not rate.is_finite() or not Decimal(0) <= rate <= Decimal(1):
        raise InvalidInput("sales_share_rate", _("A fraction between 0 and 1, e.g. 0.9200."))
    if rate != rate.quantize(Decimal("0.0001")):
        raise InvalidInput("sales_share_rate", _("At most four decimal places."))


# How far ahead a contract version may start: terms are agreed for the coming periods, and a date
# far in the future (9999-12-31) is a typing slip that would stand as the latest version for ever.
MAX_START_DAYS_AHEAD = 2 * 366


def check_start(*, tenant: Tenant, valid_from: dt.date) -> None:
    latest_start = tenant_today(tenant=tenant) + dt.timedelta(days=MAX_START_DAYS_AHEAD)
    if valid_from > latest_start:
        raise InvalidInput(
            "valid_from",
            _("A contract version starts by %(date)s at the latest (two years ahead).")
            % {"date": latest_start.isoformat()},
        )


@transaction.atomic
def change_contract(*, tenant: Tenant, store: Store, terms: ContractTerms, valid_from: dt.date) -> StoreContract:
    """Give `store` new settlement terms from `valid_from`, keeping every earlier version as it was.

    A settlement uses the version in force on its dates (`selectors.current_contract`). The date
    must not be before the latest version's start (that would rewrite history): Conflict. Naming
    the latest version's own start replaces its terms (simple_history keeps the old values) when it
    starts today or later, so that HQ can correct a change made today; a version already in force
    before today is never edited: Conflict. A start more than two years ahead: InvalidInput naming
    `valid_from`. NotFound when the store is gone.
    """
    check_terms(terms)
    check_start(tenant=tenant, valid_from=valid_from)
    locked = lock_store(tenant=tenant, store=store)  # one change at a time
    return add_contract_version(tenant=tenant, store=locked, terms=terms, valid_from=valid_from)


def add_contract_version(*, tenant: Tenant, store: Store, terms: ContractTerms, valid_from: dt.date) -> StoreContract:
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
