"""The daily reminder of bindings ending within 7 days: one message per guide per day listing their
customers; the job run twice the same day sends nothing more; the next day it tells them again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from members.binding import bind
from members.binding_reminders import send_binding_reminders
from members.services import join_brand
from members.tasks import send_binding_reminders_task
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff
from tests.members.factories import LATER, clock

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_each_guide_is_told_once_a_day_whose_protection_ends_within_7_days(brand, make_staff):
    # given guide Ada with two customers ending in 3 and 6 days and one ending in 20; guide Bo none ending
    bo_user = make_staff(brand.tenant, brand.other, Role.GUIDE, "guide-bo")
    for user, email in ((brand.home_guide, "ada@example.com"), (bo_user, "bo@example.com")):
        user.email = email
        user.save(update_fields=["email"])
    with tenant_scope(brand.tenant):
        ada, bo = (StoreStaff.objects.get(user=u) for u in (brand.home_guide, bo_user))
        wang = join_brand(tenant=brand.tenant, phone="+8613900001111", name="王芳")
        zhou = join_brand(tenant=brand.tenant, phone="+8613900002222", name="周杰")
        for member, guide, bound_at in (
            (brand.member, ada, LATER - 27 * DAY),
            (wang, ada, LATER - 24 * DAY),
            (zhou, bo, LATER - 10 * DAY),
        ):
            with clock(bound_at):
                bind(tenant=brand.tenant, member=member, guide=guide, source="link")
        # when the job runs, twice the same day (once through its task), then the next day
        with clock(LATER):
            first = send_binding_reminders(tenant=brand.tenant)
            second = send_binding_reminders_task(tenant_id=brand.tenant.pk)
        with clock(LATER + DAY):
            next_day = send_binding_reminders(tenant=brand.tenant)
    # then Ada alone is told, once that day, both customers listed soonest first, and again the next day
    assert (first, second, next_day) == (1, 0, 1)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.com"], "2 customers' protection ends within 7 days"),
        (["ada@example.com"], "2 customers' protection ends within 7 days"),
    ]
    assert mail.outbox[0].body.splitlines()[1:] == ["- 张伟 138****5678: 2026-03-12", "- 王芳 139****1111: 2026-03-15"]
