from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class O2OConfig(AppConfig):
    name = "o2o"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from functools import partial

        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from o2o.schedules import JOBS, ensure_jobs_after_migrate
        from o2o.tenancy.rls import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="o2o-set-app-role")
        post_migrate.connect(
            partial(ensure_jobs_after_migrate, jobs=JOBS), sender=self, weak=False, dispatch_uid="o2o-jobs"
        )
