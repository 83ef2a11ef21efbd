from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    """Shopping guides: their share links, commission rules, commissions and claims, the guide
    workbench (`/guide/`). Above attribution: a guide's link is a tracking link."""

    name = "guides"
    verbose_name = _("Guides and commission")

    def ready(self) -> None:
        # registers the handlers of the orders app's events (commissions) and the daily approval job
        from functools import partial

        from django.db.models.signals import post_migrate

        from guides import handlers  # noqa: F401
        from guides.schedules import JOBS
        from o2o.schedules import ensure_jobs_after_migrate

        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="guides-jobs"
        )
