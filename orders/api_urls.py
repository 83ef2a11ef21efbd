"""API routes of the orders app, under /api/v1/."""

from django.urls import path

from orders import api

urlpatterns = [
    path("orders/", api.OrderListApi.as_view(), name="order-list"),
    path("orders/<int:order_id>/", api.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:order_id>/accept/", api.OrderAcceptApi.as_view(), name="order-accept"),
    path("orders/<int:order_id>/reject/", api.OrderRejectApi.as_view(), name="order-reject"),
    path("orders/<int:order_id>/ready/", api.OrderReadyApi.as_view(), name="order-ready"),
    path("orders/<int:order_id>/complete/", api.OrderCompleteApi.as_view(), name="order-complete"),
    path("orders/<int:order_id>/cancel/", api.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<int:order_id>/refund/", api.OrderRefundApi.as_view(), name="order-refund"),
    path("orders/<int:order_id>/assign/", api.OrderAssignApi.as_view(), name="order-assign"),
]
