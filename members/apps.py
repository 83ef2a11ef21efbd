from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from members.models import Member
    from o2o.models import Tenant, User


def _membership_of(tenant: Tenant, user: User) -> Member | None:
    """The actor's membership resolver (`o2o.tenancy.actor`): the user's membership of the brand,
    with its home store, or None (one query)."""
    from members.models import Member

    return Member.objects.filter(tenant=tenant, user=user).select_related("home_store").first()


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from functools import partial

        from django.db.models.signals import post_migrate

        from members import handlers  # noqa: F401  registers the handlers of the kernel's events
        from members.schedules import JOBS
        from o2o.schedules import ensure_jobs_after_migrate
        from o2o.tenancy.actor import register_membership_resolver

        register_membership_resolver(_membership_of)
        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="members-jobs"
        )
