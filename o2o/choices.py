from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("HQ admin")
    HQ_STAFF = "hq_staff", _("HQ staff")
    STORE_MANAGER = "store_manager", _("Store manager")
    GUIDE = "guide", _("Shopping guide")
    CONSUMER = "consumer", _("Consumer")


HQ_ROLES = frozenset({Role.HQ_ADMIN, Role.HQ_STAFF})
STORE_ROLES = frozenset({Role.STORE_MANAGER, Role.GUIDE})
STAFF_ROLES = HQ_ROLES | STORE_ROLES
ALL_ROLES = frozenset(Role)


class AttributionModel(models.TextChoices):
    FIRST_TOUCH = "first_touch", _("First touch")
    LAST_TOUCH = "last_touch", _("Last touch")
    LINEAR = "linear", _("Linear")
    TIME_DECAY = "time_decay", _("Time decay")
    POSITION_BASED = "position_based", _("Position based")
    MARKOV = "markov", _("Markov (removal effect)")  # reports only: credits are never stored per conversion


class TacBasis(models.TextChoices):
    VISITS = "visits", _("Store visits")
    ORDERS = "orders", _("Orders")
    REVENUE = "revenue", _("Revenue")


class SettlementFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
