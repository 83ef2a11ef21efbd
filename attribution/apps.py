from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttributionConfig(AppConfig):
    name = "attribution"
    verbose_name = _("Attribution")

    def ready(self) -> None:
        # registers the handlers of the lower apps' events (conversions) and of the kernel's (stitching)
        from attribution import handlers, handlers_identity  # noqa: F401
