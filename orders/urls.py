"""Portal pages of the orders app (included at the site root)."""

from django.urls import path

from orders.views import hq, shop, store

urlpatterns = [
    path("shop/checkout/", shop.shop_checkout, name="shop-checkout"),
    path("shop/orders/", shop.shop_order_list, name="shop-order-list"),
    path("shop/orders/<int:order_id>/", shop.shop_order_detail, name="shop-order-detail"),
    path("shop/orders/<int:order_id>/cancel/", shop.shop_order_cancel, name="shop-order-cancel"),
    path("store/orders/", store.store_order_queue, name="store-order-queue"),
    path("store/orders/<int:order_id>/", store.store_order_detail, name="store-order-detail"),
    path("store/orders/<int:order_id>/action/", store.store_order_action, name="store-order-action"),
    path("hq/orders/", hq.hq_order_list, name="hq-order-list"),
    path("hq/orders/unroutable/", hq.hq_unroutable_orders, name="hq-order-unroutable"),
    path("hq/orders/<int:order_id>/", hq.hq_order_detail, name="hq-order-detail"),
    path("hq/orders/<int:order_id>/action/", hq.hq_order_action, name="hq-order-action"),
    path("hq/orders/<int:order_id>/assign/", hq.hq_order_assign, name="hq-order-assign"),
]
