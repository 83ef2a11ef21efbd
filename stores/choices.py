from django.db import models
from django.utils.translation import gettext_lazy as _


class StoreKind(models.TextChoices):
    DIRECT = "direct", _("Direct store")
    FRANCHISE = "franchise", _("Franchise store")
    COUNTER = "counter", _("Third-party counter")


class Capability(models.TextChoices):
    PICKUP = "pickup", _("Pick-up")
    DELIVERY = "delivery", _("Delivery")
    SERVICES = "services", _("In-store services")


class StaffRole(models.TextChoices):
    STORE_MANAGER = "store_manager", _("Store manager")
    GUIDE = "guide", _("Shopping guide")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
