"""Commission rules (HQ): create, change the rate, end. Every rate kept with when it was in force
(`CommissionRuleVersion`), so a commission uses the rate in force when its order completed."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category
from guides.models import CommissionRule, CommissionRuleVersion
from o2o.errors import Conflict, InvalidInput
from o2o.models import Tenant, User
from stores.models import Store

RATE_STEP = Decimal("0.0001")


def check_rate(rate: Decimal) -> Decimal:
    """A rate is a fraction from 0 to 1 with at most 4 decimals (InvalidInput naming `rate`)."""
    if not rate.is_finite() or rate < 0 or rate > 1 or rate != rate.quantize(RATE_STEP):
        raise InvalidInput("rate", _("A rate is a fraction from 0 to 1 with at most 4 decimals, such as 0.0300."))
    return rate


@transaction.atomic
def create_rule(
    *, tenant: Tenant, store_id: int | None, category_id: int | None, rate: Decimal, by: User | None
) -> CommissionRule:
    """A rule for a store, a category or both, in force from now at `rate`.

    InvalidInput (400) naming `store` or `category` for a missing or foreign one, or neither given
    (the brand-wide rate is the tenant's `default_commission_rate`), naming `rate` for a bad rate;
    Conflict (409) `rule_exists` when a rule for the same pair is in force. Nothing is written then.
    """
    check_rate(rate)
    if store_id is None and category_id is None:
        raise InvalidInput("store", _("Name a store, a category or both: the brand's default rate is a setting."))
    if store_id is not None and not Store.objects.filter(tenant=tenant, pk=store_id).exists():
        raise InvalidInput("store", _("No such store."))
    if category_id is not None and not Category.objects.filter(tenant=tenant, pk=category_id).exists():
        raise InvalidInput("category", _("No such category."))
    now = timezone.now()
    try:
        with transaction.atomic():
            rule = CommissionRule.objects.create(
                tenant=tenant, store_id=store_id, category_id=category_id, created_by=by
            )
    except IntegrityError:
        raise Conflict(
            _("A rule for this store and category is in force: change its rate instead."), code="rule_exists"
        ) from None
    CommissionRuleVersion.objects.create(tenant=tenant, rule=rule, rate=rate, valid_from=now, created_by=by)
    return rule


@transaction.atomic
def change_rate(*, tenant: Tenant, rule: CommissionRule, rate: Decimal, by: User | None) -> CommissionRule:
    """From now on, `rule` pays `rate`: its current version closed, a new one opened (the id stays).
    The same rate again changes nothing. InvalidInput naming `rate` for a bad rate."""
    check_rate(rate)
    locked = CommissionRule.objects.select_for_update().get(tenant=tenant, pk=rule.pk)
    current = CommissionRuleVersion.objects.filter(tenant=tenant, rule=locked, valid_to__isnull=True).first()
    if current is not None and current.rate == rate:
        return locked
    now = timezone.now()
    if current is not None:
        current.valid_to = now
        current.save(update_fields=["valid_to"])
    CommissionRuleVersion.objects.create(tenant=tenant, rule=locked, rate=rate, valid_from=now, created_by=by)
    return locked


@transaction.atomic
def end_rule(*, tenant: Tenant, rule: CommissionRule) -> None:
    """The rule stops now (its versions kept, for the commissions that used them); a new rule for
    the same pair may then be created."""
    locked = CommissionRule.objects.select_for_update().get(tenant=tenant, pk=rule.pk)
    now = timezone.now()
    CommissionRuleVersion.objects.filter(tenant=tenant, rule=locked, valid_to__isnull=True).update(valid_to=now)
    locked.ended_at = now
    locked.save(update_fields=["ended_at"])
