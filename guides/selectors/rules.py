"""Reads of the commission rules: the rules in force, and the rate for a line at a moment.

Category inheritance (decided): a category's rule also covers its sub-categories, the nearest
category up the tree winning. The levels of rules.md 4.4 come first: a store-and-category rule
for a parent category beats a category-only rule for the exact category (store and category >
category > store > the tenant's default); within a level the nearest category wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from catalog.models import Category
from guides.models import CommissionRule, CommissionRuleVersion
from o2o.errors import NotFound
from o2o.models import Tenant

MAX_CATEGORY_DEPTH = 20  # a guard against a cycle in the tree


@dataclass(frozen=True)
class Rate:
    rate: Decimal
    version: CommissionRuleVersion | None  # None: the tenant's default_commission_rate


def list_rules(*, tenant: Tenant, include_ended: bool = False) -> QuerySet[CommissionRule]:
    """The brand's rules in force (all, with `include_ended`), each with its current version as
    `current` (a list of at most one) and no N+1."""
    qs = CommissionRule.objects.filter(tenant=tenant).prefetch_related(
        Prefetch(
            "versions",
            queryset=CommissionRuleVersion.objects.filter(tenant=tenant).order_by("-valid_from", "-pk"),
            to_attr="history",
        )
    )
    if not include_ended:
        qs = qs.filter(ended_at__isnull=True)
    return qs.order_by("pk")


def get_rule(*, tenant: Tenant, rule_id: int) -> CommissionRule:
    """A rule in force of the brand; NotFound (404) for an ended, foreign or missing one."""
    rule = list_rules(tenant=tenant).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such commission rule."))
    return rule


def category_chain(*, tenant: Tenant, category_id: int | None) -> list[int]:
    """`category_id` and its ancestors, nearest first (one query per level)."""
    chain: list[int] = []
    current = category_id
    while current is not None and current not in chain and len(chain) < MAX_CATEGORY_DEPTH:
        chain.append(current)
        current = Category.objects.filter(tenant=tenant, pk=current).values_list("parent_id", flat=True).first()
    return chain


def rate_for(*, tenant: Tenant, store_id: int | None, category_id: int | None, at: dt.datetime) -> Rate:
    """The rate of the most specific rule in force at `at` for a line of `category_id` sold by
    `store_id`: store and category > category > store > the tenant's default (rules.md 4.4), a
    parent category's rule covering its sub-categories (the nearest first)."""
    chain = category_chain(tenant=tenant, category_id=category_id)
    scope = Q(rule__store_id=store_id, rule__category__isnull=True) if store_id is not None else Q(pk__in=[])
    if chain:
        scope |= Q(rule__category_id__in=chain) & (Q(rule__store__isnull=True) | Q(rule__store_id=store_id))
    versions = list(
        CommissionRuleVersion.objects.filter(tenant=tenant, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .filter(scope)
        .select_related("rule")
    )
    if not versions:
        return Rate(rate=tenant.default_commission_rate, version=None)

    def specificity(version: CommissionRuleVersion) -> tuple[int, int]:
        rule = version.rule
        level = (2 if rule.store_id is not None else 0) + (1 if rule.category_id is not None else 0)
        level = {3: 0, 1: 1, 2: 2}[level]  # store and category, category, store
        depth = chain.index(rule.category_id) if rule.category_id is not None else 0
        return level, depth

    best = min(versions, key=specificity)
    return Rate(rate=best.rate, version=best)
