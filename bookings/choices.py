from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


ACTIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)
# the consumer came: what a show-up rate counts as shown
SHOWN_STATUSES = (BookingStatus.CHECKED_IN, BookingStatus.COMPLETED)


class VisitSource(models.TextChoices):
    CHECK_IN = "check_in", _("Booking check-in")
    WALK_IN = "walk_in", _("Walk-in (store QR code)")
