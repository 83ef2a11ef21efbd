from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementsConfig(AppConfig):
    """Settlement between HQ and every store (rules.md section 5): the double-entry ledger, the
    settlement runs and their statements. The top layer: it reads orders, attribution and guides."""

    name = "settlements"
    verbose_name = _("Settlement")

    def ready(self) -> None:
        from settlements.panels import register_panels

        register_panels()  # the latest statement on /store/ (o2o.portals.panels)
