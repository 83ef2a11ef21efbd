"""Portal pages of the orders app (included at the site root)."""

from django.urls import path

from orders import views

urlpatterns = [
    path("shop/checkout/", views.shop_checkout, name="shop-checkout"),
    path("shop/orders/", views.shop_order_list, name="shop-order-list"),
    path("shop/orders/<int:order_id>/", views.shop_order_detail, name="shop-order-detail"),
    path("store/orders/", views.store_order_queue, name="store-order-queue"),
    path("store/orders/<int:order_id>/action/", views.store_order_action, name="store-order-action"),
    path("hq/orders/", views.hq_order_list, name="hq-order-list"),
    path("hq/orders/unroutable/", views.hq_unroutable_orders, name="hq-order-unroutable"),
    path("hq/orders/<int:order_id>/", views.hq_order_detail, name="hq-order-detail"),
    path("hq/orders/<int:order_id>/assign/", views.hq_order_assign, name="hq-order-assign"),
]
