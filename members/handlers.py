"""What the members app does when the kernel tells it something (domain events, o2o.events)."""

from __future__ import annotations

from members.services import join_brand
from o2o.events import CONSUMER_SIGNED_UP, handles
from o2o.events.models import Event
from o2o.models import Tenant, User


@handles(CONSUMER_SIGNED_UP, key="members.membership_on_sign_up")
def membership_on_sign_up(*, tenant: Tenant, event: Event) -> None:
    """A consumer who signs up (or joins the brand) becomes its member, linked to their account: a
    member a first booking by that phone made is linked, not doubled. Idempotent (`join_brand`)."""
    user = User.objects.filter(pk=event.payload["user_id"]).first()
    if user is None:  # the account is gone: nothing to link, and retrying would not bring it back
        return
    join_brand(tenant=tenant, phone=str(user.phone or user.username), name=user.name, user=user)
