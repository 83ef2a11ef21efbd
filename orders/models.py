"""Online orders, their lines, their routing to a store, refunds and the audit of transitions."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from catalog.models import Sku
from members.models import Member
from o2o.models import TenantOwned, User
from orders.choices import CLOSED_STATUSES, Channel, EventReason, Fulfilment, GuideSource, OrderStatus, RoutingRule
from stores.models import Store, StoreStaff


class MoneyOptions(TypedDict):
    """The keyword arguments of an amount's DecimalField (typed, so that `**MONEY` is checked)."""

    max_digits: int
    decimal_places: int


MONEY: MoneyOptions = {"max_digits": 14, "decimal_places": 2}
RECIPIENT_MAX = 100
PHONE_MAX = 32
ADDRESS_MAX = 300
PICKUP_CODE_LENGTH = 6


class Order(TenantOwned):
    """An online order: what was bought, how it is fulfilled, the store it is routed to.

    `number` is human-readable and unique per brand: the day and a random base32 suffix (a daily
    counter would make every checkout of a brand wait on one row lock).
    """

    number = models.CharField(_("number"), max_length=32)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="orders")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    fulfilment = models.CharField(_("fulfilment"), max_length=12, choices=Fulfilment)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel, default=Channel.O2O)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus, default=OrderStatus.PLACED)
    total_amount = models.DecimalField(_("total"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    refunded_amount = models.DecimalField(_("refunded"), **MONEY, default=Decimal("0.00"))
    # where the consumer is (for delivery and experience reach) and what they asked for
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    district = models.CharField(max_length=16, blank=True)
    chosen_store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guide_code = models.CharField(_("guide code"), max_length=16, blank=True)
    # the guide credited with the order (rules.md 4.2), kept when it is placed: the one its
    # guide_code names, else the one the member was bound to (orders.services.placing.order_guides)
    guide = models.ForeignKey(
        StoreStaff, on_delete=models.PROTECT, null=True, blank=True, related_name="credited_orders"
    )
    guide_source = models.CharField(_("guide from"), max_length=8, choices=GuideSource, blank=True)
    visitor_id = models.CharField(_("visitor id"), max_length=64, blank=True)
    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="order")
    # who receives a delivery order, and where (rules.md 1.8: the fulfilling store, HQ and the
    # customer see them); blank for the other fulfilments
    recipient = models.CharField(_("recipient"), max_length=RECIPIENT_MAX, blank=True)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=PHONE_MAX, blank=True, help_text="E.164")
    address = models.CharField(_("delivery address"), max_length=ADDRESS_MAX, blank=True)
    # what the customer of a pick-up order shows at the counter (digits; unique among the brand's
    # orders not yet completed or cancelled, so that it names one order wherever it is re-routed)
    pickup_code = models.CharField(_("pick-up code"), max_length=PICKUP_CODE_LENGTH, blank=True)
    # routing: the decision in force, the stores that declined or let it expire, the deadline
    routing_rule = models.CharField(max_length=16, choices=RoutingRule, blank=True)
    routing = models.JSONField(default=dict, help_text="reason, chosen store and every candidate considered")
    declined_store_ids = models.JSONField(default=list)
    accept_by = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="order_unique_number"),
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=F("total_amount")),
                name="order_refund_within_total",
            ),
            models.CheckConstraint(
                condition=Q(fulfilment=Fulfilment.DELIVERY) | Q(recipient="", recipient_phone="", address=""),
                name="order_delivery_details_for_delivery_only",
            ),
            models.CheckConstraint(
                condition=Q(fulfilment=Fulfilment.PICKUP) | Q(pickup_code=""), name="order_pickup_code_for_pickup_only"
            ),
            models.UniqueConstraint(
                fields=["tenant", "pickup_code"],
                condition=~Q(pickup_code="") & ~Q(status__in=CLOSED_STATUSES),
                name="order_unique_open_pickup_code",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "store", "status"], name="order_store_status"),
            models.Index(fields=["tenant", "status", "created_at"], name="order_status_created"),
            models.Index(fields=["tenant", "member", "created_at"], name="order_member_created"),
            models.Index(fields=["tenant", "status", "accept_by"], name="order_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(TenantOwned):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(**MONEY)
    total_amount = models.DecimalField(**MONEY)
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_not_negative"),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=F("quantity")), name="orderline_refund_within_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} x {self.sku_id}"


class Refund(TenantOwned):
    """Money given back against a completed order, by line and quantity."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"{self.order_id}: -{self.amount}"


class RefundLine(TenantOwned):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    amount = models.DecimalField(**MONEY)

    def __str__(self) -> str:
        return f"{self.refund_id}: {self.quantity} x line {self.line_id}"


class OrderEvent(TenantOwned):
    """The audit trail of an order: every transition, who made it and why.

    What happened is data (`reason`, the routing `rule` that chose the next store, a refund's
    `amount`), said in the reader's language when shown; `note` is only what a person wrote (a
    rejection's or a cancellation's reason), kept as written.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=24, choices=EventReason, blank=True)
    rule = models.CharField(max_length=16, choices=RoutingRule, blank=True)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.to_status}"
