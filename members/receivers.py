"""Listens to the kernel: a consumer who signs up becomes a member of the brand."""

from typing import Any

from django.dispatch import receiver

from o2o.signals import consumer_signed_up


@receiver(consumer_signed_up, dispatch_uid="members-create-membership")
def create_membership_on_signup(sender: Any, tenant: Any, user: Any, **kwargs: Any) -> None:
    from members.services import join_brand

    join_brand(tenant=tenant, phone=str(user.phone or user.username), name=user.name, user=user)
