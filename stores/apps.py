from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoresConfig(AppConfig):
    name = "stores"
    verbose_name = _("Stores")

    def ready(self) -> None:
        from o2o.tenancy.actor import register_staff_post_resolver
        from stores.policies import find_staff_post

        register_staff_post_resolver(find_staff_post)
