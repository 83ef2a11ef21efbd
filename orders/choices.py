from django.db import models
from django.utils.translation import gettext_lazy as _


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", _("Pick-up in store")
    DELIVERY = "delivery", _("Delivery from a store")
    EXPERIENCE = "experience", _("Try in store")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    ROUTED = "routed", _("Routed")
    ACCEPTED = "accepted", _("Accepted")
    READY = "ready", _("Ready")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    UNROUTABLE = "unroutable", _("Unroutable")


OPEN_STATUSES = (OrderStatus.ROUTED, OrderStatus.ACCEPTED, OrderStatus.READY)


class Channel(models.TextChoices):
    O2O = "o2o", _("O2O (own site and app)")
    STORE = "store", _("In store")
    B2C = "b2c", _("B2C marketplace shop")


class GuideSource(models.TextChoices):
    """How an order's credited guide was found (rules.md 4.2)."""

    CODE = "code", _("Guide code given at checkout")
    BINDING = "binding", _("Customer bound to the guide")


class RoutingRule(models.TextChoices):
    CUSTOMER_CHOICE = "customer_choice", _("Chosen by the customer")
    TERRITORY = "territory", _("Franchise territory")
    BOUND_GUIDE = "bound_guide", _("Store of the bound guide")
    NEAREST = "nearest", _("Nearest store")
    MANUAL = "manual", _("Assigned by HQ")


class Exclusion(models.TextChoices):
    INACTIVE = "inactive", _("Store inactive")
    NO_CAPABILITY = "no_capability", _("Does not offer this fulfilment")
    NO_STOCK = "no_stock", _("Not enough stock")
    OUT_OF_REACH = "out_of_reach", _("Customer out of reach")
    DECLINED = "declined", _("Declined or let the order expire")
    NOT_CHOSEN = "not_chosen", _("The customer chose another store")
    NO_SLOT = "no_slot", _("No place at the booked time")


# Orders whose pick-up code is taken: every order not finished (a code is drawn again after that)
CLOSED_STATUSES = (OrderStatus.COMPLETED, OrderStatus.CANCELLED)


class EventReason(models.TextChoices):
    """What happened at a step of an order's history, kept as data: the page says it in the
    reader's language (`orders.views.common.event_note`)."""

    ROUTED = "routed", _("Routed when placed")
    REJECTED = "rejected", _("Rejected by the store")
    EXPIRED = "expired", _("Not accepted in time")
    ASSIGNED = "assigned", _("Assigned by HQ")
    CANCELLED_BY_CUSTOMER = "cancelled_by_customer", _("Cancelled by the customer")
    CANCELLED_BY_STORE = "cancelled_by_store", _("Cancelled by the store")
    REFUNDED = "refunded", _("Refunded")
    CHECKED_IN = "checked_in", _("The customer checked in")
