"""The daily expiry reminder (rules.md 4.1): each guide is told which of their customers' protection
ends within the next 7 days, in one message a day listing them.

Exactly once per guide per day (the brand's day): a `BindingReminderSent` row is inserted before the
message goes, in its own savepoint; a second run the same day (or a concurrent one, which waits on
the row's unique index) finds it and sends nothing; a send that fails rolls its row back, so the
next run retries it. Guides are taken in primary-key order.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.masking import mask_phone
from members.models import BindingReminderSent, Member
from members.selectors import list_bound_members
from o2o.models import Tenant
from o2o.notifications import Message, notify
from stores.models import StoreStaff

logger = logging.getLogger(__name__)

REMIND_WITHIN = dt.timedelta(days=7)


def _line(member: Member, zone: ZoneInfo) -> str:
    ends = member.bound_until.astimezone(zone).strftime("%Y-%m-%d")  # type: ignore[attr-defined]
    return f"- {member.name or '-'} {mask_phone(str(member.phone))}: {ends}"


def _message(members: list[Member], zone: ZoneInfo) -> Message:
    return Message(
        subject=_("%(count)d customers' protection ends within 7 days") % {"count": len(members)},
        body="\n".join(
            [_("Their binding to you ends soon; serve them again to renew it:"), *(_line(m, zone) for m in members)]
        ),
    )


def send_binding_reminders(*, tenant: Tenant, now: dt.datetime | None = None) -> int:
    """Tell each active guide, once today, whose binding to them ends within 7 days (by e-mail and
    SMS when their account has them). Returns how many guides were told. Safe to run twice."""
    now = now or timezone.now()
    zone = ZoneInfo(tenant.timezone)
    day = now.astimezone(zone).date()
    ending: dict[int, list[Member]] = defaultdict(list)
    for member in list_bound_members(tenant=tenant, at=now, ending_by=now + REMIND_WITHIN):
        ending[member.bound_guide_id].append(member)  # type: ignore[attr-defined]
    if not ending:
        return 0
    already = set(
        BindingReminderSent.objects.filter(tenant=tenant, day=day, guide_id__in=ending).values_list(
            "guide_id", flat=True
        )
    )
    guides = StoreStaff.objects.filter(tenant=tenant, pk__in=set(ending) - already).select_related("user")
    told = 0
    for guide in guides.order_by("pk"):
        members = ending[guide.pk]
        try:
            with transaction.atomic():
                BindingReminderSent.objects.create(tenant=tenant, guide=guide, day=day, customers=len(members))
                notify(message=_message(members, zone), email=guide.user.email or "", phone=str(guide.user.phone or ""))
        except IntegrityError:  # a concurrent run told this guide today
            continue
        except OSError:  # the mail server or the SMS provider: retried by the next run
            logger.exception("binding reminder of guide %s not sent", guide.pk)
            continue
        told += 1
    return told
