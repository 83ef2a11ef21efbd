"""Two guides' links followed at the same moment by an unbound member: real concurrent transactions
on PostgreSQL, each on its own connection; the member's row lock lets exactly one bind."""

from __future__ import annotations

import threading

import pytest
from django.db import transaction

from members.binding import BindOutcome, bind
from members.models import GuideBinding
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff
from tests.members.factories import LATER, clock

pytestmark = pytest.mark.postgres


def test_two_guides_links_at_the_same_moment_leave_exactly_one_binding(brand, make_staff, run_concurrently):
    # given an unbound member and ten guides (five of each store)
    guide_users = [
        make_staff(brand.tenant, brand.home if n % 2 else brand.other, Role.GUIDE, f"g{n}") for n in range(10)
    ]
    with tenant_scope(brand.tenant):
        posts = list(StoreStaff.objects.filter(user__in=guide_users).order_by("pk"))
    queue = iter(posts)
    handing_out = threading.Lock()

    def follow():
        with handing_out:
            guide = next(queue)
        with tenant_scope(brand.tenant), transaction.atomic():
            return bind(tenant=brand.tenant, member=brand.member, guide=guide, source="link").outcome

    # when each guide's link is followed by the member at the same moment
    # (the clock stopped once for all threads: a patch entered and left in each would race)
    with clock(LATER):
        outcomes = run_concurrently(10, follow)
    # then one binds, nine find the customer protected, and one binding exists
    assert sorted(outcomes) == sorted([BindOutcome.BOUND] + [BindOutcome.KEPT_BY_OTHER] * 9)
    with tenant_scope(brand.tenant):
        assert GuideBinding.objects.filter(member=brand.member).count() == 1
