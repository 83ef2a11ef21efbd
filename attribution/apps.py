from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttributionConfig(AppConfig):
    name = "attribution"
    verbose_name = _("Attribution")

    def ready(self) -> None:
        # registers the handlers of the lower apps' events (conversions) and of the kernel's (stitching)
        from functools import partial

        from django.db.models.signals import post_migrate

        from attribution import handlers, handlers_identity  # noqa: F401
        from attribution.panels import register_panels
        from attribution.schedules import JOBS
        from o2o.schedules import ensure_jobs_after_migrate

        register_panels()  # the funnel on /hq/ and /store/ (o2o.portals.panels)
        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="attribution-jobs"
        )
