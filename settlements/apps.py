from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    """Settlement between HQ and every store (rules.md section 5): the double-entry ledger, the
    settlement runs and their statements. The top layer: it reads orders, attribution and guides."""

    name = "settlements"
    verbose_name = _("Settlement")

    def ready(self) -> None:
        from functools import partial

        from django.db.models.signals import post_migrate

        from o2o.schedules import ensure_jobs_after_migrate
        from settlements.panels import register_panels
        from settlements.schedules import JOBS

        register_panels()  # the latest statement on /store/ (o2o.portals.panels)
        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="settlements-jobs"
        )
