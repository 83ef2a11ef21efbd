"""The orders API (`api.md`, Orders): checkout, listing, and the store's actions.

Who does what:
- `POST /orders/` is open to everyone. A signed-in consumer orders as their own membership. Anyone
  else (not signed in, or staff ordering for a customer in the store) gives `name` and `phone`:
  the brand's membership of that phone is found or created. Honours `Idempotency-Key`. A delivery
  takes `delivery: {recipient, phone, address}` (required for it, refused for the others).
- what a caller reads of an order is `selectors.as_seen_by`: the whole routing record for HQ, the
  rule and the chosen store's entry for anyone else (the 201 and the 422 of checkout included);
  the delivery's recipient and a pick-up code for HQ, the order's store and its customer (and the
  caller of the checkout that placed it).
- who sees and does what is `orders.policies`, asked with the request's actor exactly as the
  portal pages ask it: a consumer sees and cancels their own orders; a store's manager and guides
  see the orders routed to their store and accept, reject, mark ready, complete and cancel them;
  the manager refunds them; HQ sees and does everything, and assigns unroutable orders to a store.
An order of another brand, or one the caller may not see, is a 404 whatever the body (the order
is looked up before the body is read); one they see but may not act on is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from o2o.api.base import PUBLIC, TenantApi
from o2o.api.idempotency import idempotent
from o2o.choices import ALL_ROLES, HQ_ROLES, STORE_ROLES, Role
from o2o.fields import id_field, quantity_field
from o2o.tenancy.request import SignedInApiRequest, TenantApiRequest
from orders import policies, selectors, services
from orders.choices import Channel, Fulfilment, OrderStatus
from orders.models import ADDRESS_MAX, PHONE_MAX, PICKUP_CODE_LENGTH, RECIPIENT_MAX, Order
from orders.routing import Location, detail_text

EVERYONE = frozenset({PUBLIC})
HQ = frozenset(HQ_ROLES)
STORE_AND_HQ = frozenset(HQ_ROLES | STORE_ROLES)
MANAGER_AND_HQ = frozenset(HQ_ROLES | {Role.STORE_MANAGER})

TRANSITION_ERRORS = {
    403: "The caller sees the order but may not do this to it (orders.policies)",
    404: "No such order (or not yours)",
    409: "Not allowed in the order's current status",
}


# --- output -----------------------------------------------------------------------------------


class OrderLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.IntegerField(source="sku_id")
    sku_code = serializers.CharField(source="sku.code")
    sku_name = serializers.CharField(source="sku.name")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(source="total_amount", max_digits=14, decimal_places=2)
    refunded_quantity = serializers.IntegerField()


class RoutingCandidateOutput(serializers.Serializer):
    store = serializers.IntegerField()
    code = serializers.CharField()
    distance_km = serializers.FloatField(allow_null=True)
    excluded = serializers.CharField(allow_null=True, help_text="why the store could not serve; null if it could")
    detail = serializers.SerializerMethodField(help_text="the exclusion's detail, in the caller's language")

    def get_detail(self, candidate: dict[str, Any]) -> str:
        return detail_text(candidate)


class OrderRoutingOutput(serializers.Serializer):
    reason = serializers.CharField(
        help_text="customer_choice | territory | bound_guide | nearest | manual | unroutable"
    )
    store = serializers.IntegerField(allow_null=True)
    candidates = RoutingCandidateOutput(many=True)


class OrderVisitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    service = serializers.IntegerField(source="service_id")
    start = serializers.DateTimeField(source="start_at")
    end = serializers.DateTimeField(source="end_at")
    check_in_code = serializers.CharField()


class OrderDeliveryOutput(serializers.Serializer):
    recipient = serializers.CharField()
    phone = serializers.CharField(help_text="E.164")
    address = serializers.CharField()


class OrderOutput(serializers.Serializer):
    """An order as `selectors.as_seen_by` prepared it for the caller (`shown`)."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="YYMMDD-XXXXXX, unique in the brand")
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    store = serializers.IntegerField(source="store_id", allow_null=True)
    store_code = serializers.CharField(source="store.code", allow_null=True, default=None)
    store_name = serializers.CharField(source="store.name", allow_null=True, default=None)
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    member = serializers.IntegerField(source="member_id")
    total = serializers.DecimalField(source="total_amount", max_digits=14, decimal_places=2)
    refunded = serializers.DecimalField(source="refunded_amount", max_digits=14, decimal_places=2)
    lines = OrderLineOutput(many=True, source="line_list")
    routing = OrderRoutingOutput(
        source="shown.routing",
        help_text="HQ reads every store considered; anyone else the rule and the chosen store's entry",
    )
    delivery = OrderDeliveryOutput(
        source="shown.delivery",
        allow_null=True,
        help_text="a delivery order's recipient, phone and address: HQ, the order's store and its customer",
    )
    pickup_code = serializers.CharField(
        source="shown.pickup_code",
        allow_null=True,
        help_text="a pick-up order's code, shown at the counter: HQ, the order's store and its customer",
    )
    declined_stores = serializers.ListField(child=serializers.IntegerField(), source="declined_store_ids")
    accept_by = serializers.DateTimeField(allow_null=True)
    booking = OrderVisitOutput(allow_null=True)
    guide_code = serializers.CharField()
    visitor_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)


class RefundLineOutput(serializers.Serializer):
    line = serializers.IntegerField(source="line_id")
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class RefundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField()
    lines = RefundLineOutput(many=True, source="line_list")
    order = OrderOutput()


def _seen(request: TenantApiRequest, order: Order) -> Order:
    """The order with what the caller may read of it (`selectors.as_seen_by`)."""
    return selectors.as_seen_by(request.actor, [order])[0]


def _output(request: TenantApiRequest, order_id: int) -> dict[str, Any]:
    """The order after an action, as the caller may read it (a store that just rejected it no
    longer reads its customer's details)."""
    return OrderOutput(_seen(request, selectors.order_details(tenant=request.tenant, order_id=order_id))).data


def _get(request: SignedInApiRequest, order_id: int, *, details: bool = True) -> Order:
    return selectors.get_order(tenant=request.tenant, actor=request.actor, order_id=order_id, details=details)


class _SeenOutput:
    """`OrderOutput` of a page of orders as the caller may read them (for `TenantApi.paginate`)."""

    def __init__(self, request: TenantApiRequest) -> None:
        self.request = request

    def __call__(self, page: list[Order], many: bool = True) -> OrderOutput:
        return OrderOutput(selectors.as_seen_by(self.request.actor, page), many=many)


def _get_for(action: str, request: SignedInApiRequest, order_id: int) -> Order:
    """The order the caller sees (404 else), when the policy lets them `action` it (403 else)."""
    order = _get(request, order_id, details=False)
    policies.authorize(action, request.actor, order)
    return order


# --- checkout and lists -----------------------------------------------------------------------


class OrderLineInput(serializers.Serializer):
    sku = id_field()
    quantity = quantity_field(min_value=1, max_value=services.placing.MAX_QUANTITY)


class OrderLocationInput(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    district = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class RefundLineInput(serializers.Serializer):
    line = id_field(help_text="an order line id")
    quantity = quantity_field(min_value=1)


class OrderSlotInput(serializers.Serializer):
    service = id_field()
    start = serializers.DateTimeField()


class OrderDeliveryInput(serializers.Serializer):
    """Each required for a delivery (`orders.services.delivery` names the one missing)."""

    recipient = serializers.CharField(max_length=RECIPIENT_MAX, required=False, allow_blank=True, default="")
    phone = serializers.CharField(
        max_length=PHONE_MAX, required=False, allow_blank=True, default="", help_text="digits 0-9; E.164 or Chinese"
    )
    address = serializers.CharField(max_length=ADDRESS_MAX, required=False, allow_blank=True, default="")


ORDER_FILTERS = [
    OpenApiParameter("status", str, enum=OrderStatus.values),
    OpenApiParameter("store", int),
    OpenApiParameter("fulfilment", str, enum=Fulfilment.values),
    OpenApiParameter("channel", str, enum=Channel.values),
    OpenApiParameter("created_after", str, description="YYYY-MM-DD in the brand's time zone, inclusive"),
    OpenApiParameter("created_before", str, description="YYYY-MM-DD in the brand's time zone, inclusive"),
    OpenApiParameter("q", str, description="part of the order number"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class OrderListApi(TenantApi):
    """GET /api/v1/orders/ (the orders the caller may see) and POST (checkout)."""

    allowed_roles: ClassVar = {"GET": ALL_ROLES, "POST": EVERYONE}
    resource_model = Order
    error_responses: ClassVar = {
        "POST": {
            409: "A full visit slot (`slot_full`), or the Idempotency-Key used with another body",
            422: "`store_cannot_serve` (why, and `alternatives`) or `unroutable` (the `routing` record)",
        }
    }

    class Input(serializers.Serializer):
        fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
        lines = OrderLineInput(many=True, allow_empty=False, max_length=100)  # type: ignore[call-arg]
        store = id_field(required=False, allow_null=True, help_text="the store the consumer chose")
        location = OrderLocationInput(required=False, allow_null=True, help_text="required for delivery and experience")
        slot = OrderSlotInput(required=False, allow_null=True, help_text="required for experience")
        delivery = OrderDeliveryInput(
            required=False, allow_null=True, help_text="required for delivery, refused for the others"
        )
        visitor_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
        guide_code = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
        channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.O2O)
        name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
        phone = serializers.CharField(
            max_length=32,
            required=False,
            allow_blank=True,
            default="",
            help_text="required unless a signed-in consumer",
        )

    @extend_schema(parameters=ORDER_FILTERS, responses={200: OrderOutput(many=True)})
    def get(self, request: SignedInApiRequest) -> Response:
        orders = selectors.list_orders(tenant=request.tenant, actor=request.actor, filters=request.query_params)
        return self.paginate(orders, _SeenOutput(request))

    @extend_schema(request=Input, responses={201: OrderOutput})
    @idempotent
    def post(self, request: TenantApiRequest) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        location = values.get("location") or {}
        slot, delivery = values.get("slot"), values.get("delivery")
        user = request.user if request.user.is_authenticated else None
        order = services.checkout(
            tenant=request.tenant,
            user=user,
            as_consumer=request.actor.is_consumer,
            customer=services.Customer(name=values["name"], phone=values["phone"]) if values["phone"] else None,
            lines=[services.LineInput(sku_id=line["sku"], quantity=line["quantity"]) for line in values["lines"]],
            fulfilment=values["fulfilment"],
            location=Location(location.get("lat"), location.get("lng"), location.get("district", "")),
            chosen_store_id=values.get("store"),
            slot=services.SlotInput(service_id=slot["service"], start_at=slot["start"]) if slot else None,
            delivery=services.DeliveryInput(**delivery) if delivery is not None else None,
            guide_code=values["guide_code"],
            visitor_id=values["visitor_id"],
            channel=values["channel"],
            full_routing_record=policies.sees_routing_record(request.actor),
        )
        seen = selectors.as_seen_by(request.actor, [order], placed_by_reader=True)[0]
        return Response(OrderOutput(seen).data, status=status.HTTP_201_CREATED)


class OrderDetailApi(TenantApi):
    """GET /api/v1/orders/{id}/: one order the caller may see."""

    allowed_roles: ClassVar = {"GET": ALL_ROLES}
    resource_model = Order

    @extend_schema(responses={200: OrderOutput})
    def get(self, request: SignedInApiRequest, order_id: int) -> Response:
        return Response(OrderOutput(_seen(request, _get(request, order_id))).data)


# --- the store's actions ----------------------------------------------------------------------


class _StoreTransitionApi(TenantApi):
    """A store action with no body: find the order (404 if foreign), check the policy lets the
    caller `action` it (403), then run `transition` (409 when illegal)."""

    allowed_roles: ClassVar = {"POST": STORE_AND_HQ}
    resource_model = Order
    error_responses: ClassVar = {"POST": TRANSITION_ERRORS}
    policy_action: ClassVar[str]
    transition: ClassVar[Callable[..., Any]]

    @extend_schema(request=None, responses={200: OrderOutput})
    def post(self, request: SignedInApiRequest, order_id: int) -> Response:
        order = _get_for(self.policy_action, request, order_id)
        type(self).transition(tenant=request.tenant, order=order, by=request.user)
        return Response(_output(request, order.pk))


class OrderAcceptApi(_StoreTransitionApi):
    """POST /api/v1/orders/{id}/accept/: the store takes the order (routed -> accepted)."""

    policy_action = "accept"
    transition = staticmethod(services.accept_order)


class OrderRejectApi(TenantApi):
    """POST /api/v1/orders/{id}/reject/ {reason}: the store declines; the order is re-routed."""

    allowed_roles: ClassVar = {"POST": STORE_AND_HQ}
    resource_model = Order
    error_responses: ClassVar = {"POST": TRANSITION_ERRORS}

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=250)

    @extend_schema(request=Input, responses={200: OrderOutput})
    def post(self, request: SignedInApiRequest, order_id: int) -> Response:
        order = _get_for("reject", request, order_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_order(tenant=request.tenant, order=order, by=request.user, reason=data.validated_data["reason"])
        return Response(_output(request, order.pk))


class OrderReadyApi(_StoreTransitionApi):
    """POST /api/v1/orders/{id}/ready/: the goods are ready (accepted -> ready)."""

    policy_action = "ready"
    transition = staticmethod(services.mark_ready)


class OrderCompleteApi(TenantApi):
    """POST /api/v1/orders/{id}/complete/ {pickup_code?}: the customer has the goods (ready or
    accepted -> completed). A pick-up code given must be the order's (400 naming `pickup_code`)."""

    allowed_roles: ClassVar = {"POST": STORE_AND_HQ}
    resource_model = Order
    error_responses: ClassVar = {"POST": TRANSITION_ERRORS}

    class Input(serializers.Serializer):
        pickup_code = serializers.CharField(
            max_length=PICKUP_CODE_LENGTH,
            required=False,
            allow_blank=True,
            default="",
            help_text="the code the customer shows; when given it must be the order's",
        )

    @extend_schema(request=Input, responses={200: OrderOutput})
    def post(self, request: SignedInApiRequest, order_id: int) -> Response:
        order = _get_for("complete", request, order_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        pickup_code = data.validated_data["pickup_code"]
        services.complete_order(tenant=request.tenant, order=order, by=request.user, pickup_code=pickup_code)
        return Response(_output(request, order.pk))


class OrderCancelApi(TenantApi):
    """POST /api/v1/orders/{id}/cancel/ {reason?}: the consumer (own order, until accepted), or
    the store and HQ (any open order)."""

    allowed_roles: ClassVar = {"POST": ALL_ROLES}
    resource_model = Order
    error_responses: ClassVar = {"POST": TRANSITION_ERRORS}

    class Input(serializers.Serializer):
        reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={200: OrderOutput})
    def post(self, request: SignedInApiRequest, order_id: int) -> Response:
        order = _get_for("cancel", request, order_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_order(
            tenant=request.tenant,
            order=order,
            by=request.user,
            as_staff=policies.cancels_as_store(request.actor, order),
            reason=data.validated_data["reason"],
        )
        return Response(_output(request, order.pk))


class OrderRefundApi(TenantApi):
    """POST /api/v1/orders/{id}/refund/ {lines: [{line, quantity}], reason?}: money back for a
    completed order, by line and quantity (the store's manager or HQ)."""

    allowed_roles: ClassVar = {"POST": MANAGER_AND_HQ}
    resource_model = Order
    error_responses: ClassVar = {"POST": TRANSITION_ERRORS}

    class Input(serializers.Serializer):
        lines = RefundLineInput(many=True, allow_empty=False, max_length=200)  # type: ignore[call-arg]
        reason = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")

    @extend_schema(request=Input, responses={201: RefundOutput})
    def post(self, request: SignedInApiRequest, order_id: int) -> Response:
        order = _get_for("refund", request, order_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        refund = services.refund_order(
            tenant=request.tenant,
            order=order,
            lines=[services.RefundLineInput(line_id=row["line"], quantity=row["quantity"]) for row in values["lines"]],
            by=request.user,
            reason=values["reason"],
        )
        refund.order = _seen(request, selectors.order_details(tenant=request.tenant, order_id=order.pk))
        return Response(RefundOutput(refund).data, status=status.HTTP_201_CREATED)


class OrderAssignApi(TenantApi):
    """POST /api/v1/orders/{id}/assign/ {store}: HQ sends an unroutable order to a store."""

    allowed_roles: ClassVar = {"POST": HQ}
    resource_model = Order
    error_responses: ClassVar = {"POST": {**TRANSITION_ERRORS, 409: "Not unroutable, or the store lacks stock"}}

    class Input(serializers.Serializer):
        store = id_field()

    @extend_schema(request=Input, responses={200: OrderOutput})
    def post(self, request: SignedInApiRequest, order_id: int) -> Response:
        order = _get_for("assign", request, order_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        store = services.resolve_store(tenant=request.tenant, store_id=data.validated_data["store"], field="store")
        services.assign_store(tenant=request.tenant, order=order, store=store, by=request.user)
        return Response(_output(request, order.pk))
