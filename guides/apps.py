from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    """Shopping guides: their share links, commission rules, commissions and claims, the guide
    workbench (`/guide/`). Above attribution: a guide's link is a tracking link."""

    name = "guides"
    verbose_name = _("Guides and commission")
