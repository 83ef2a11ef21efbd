from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class O2OConfig(AppConfig):
    name = "o2o"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from o2o.tenancy.rls import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="o2o-set-app-role")
