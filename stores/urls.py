"""Portal pages of the stores app (included at the site root, before the portal landing pages).

`store/` is the store dashboard: it takes over the portal's placeholder landing page of the same
path (and `store-home` still reverses to it).
"""

from django.urls import path

from stores.views import hq, shop, store

urlpatterns = [
    path("hq/stores/", hq.hq_store_list, name="hq-store-list"),
    path("hq/stores/new/", hq.hq_store_create, name="hq-store-create"),
    path("hq/stores/<int:store_id>/", hq.hq_store_edit, name="hq-store-edit"),
    path("hq/stores/<int:store_id>/stock/", hq.hq_store_stock, name="hq-store-stock"),
    path("hq/stores/<int:store_id>/stock/<int:sku_id>/", hq.hq_store_stock_row, name="hq-store-stock-row"),
    path("store/", store.store_dashboard, name="store-dashboard"),
    path("store/qr/", store.store_qr_print, name="store-qr-print"),
    path("store/stock/", store.store_stock, name="store-stock"),
    path("store/stock/<int:sku_id>/", store.store_stock_row, name="store-stock-row"),
    path("stores/", shop.shop_store_list, name="shop-store-list"),
    path("stores/<int:store_id>/", shop.shop_store_detail, name="shop-store-detail"),
    path("stores/<int:store_id>/qr.svg", shop.store_qr_svg, name="store-qr-svg"),
    path("stores/<int:store_id>/qr.png", shop.store_qr_png, name="store-qr-png"),
]
