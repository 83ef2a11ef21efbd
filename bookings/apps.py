from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self) -> None:
        from functools import partial

        from django.db.models.signals import post_migrate

        from bookings import handlers  # noqa: F401  registers the handlers of its events
        from bookings.schedules import JOBS
        from o2o.schedules import ensure_jobs_after_migrate

        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="bookings-jobs"
        )
