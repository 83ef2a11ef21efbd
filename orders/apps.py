from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from functools import partial

        from django.db.models.signals import post_migrate

        from o2o.schedules import ensure_jobs_after_migrate
        from orders import handlers  # noqa: F401  registers the handlers of the bookings events
        from orders.panels import register_panels
        from orders.schedules import JOBS

        register_panels()

        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="orders-jobs"
        )
