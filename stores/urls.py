"""Portal pages of the stores app (included at the site root, before the portal landing pages).

`store/` is the store dashboard: it takes over the portal's placeholder landing page of the same
path (and `store-home` still reverses to it).
"""

from django.urls import path

from stores import views

urlpatterns = [
    path("hq/stores/", views.hq_store_list, name="hq-store-list"),
    path("hq/stores/new/", views.hq_store_create, name="hq-store-create"),
    path("hq/stores/<int:store_id>/", views.hq_store_edit, name="hq-store-edit"),
    path("store/", views.store_dashboard, name="store-dashboard"),
    path("store/qr/", views.store_qr_print, name="store-qr-print"),
    path("store/stock/<int:sku_id>/", views.store_stock_row, name="store-stock-row"),
    path("stores/", views.shop_store_list, name="shop-store-list"),
    path("stores/<int:store_id>/", views.shop_store_detail, name="shop-store-detail"),
    path("stores/<int:store_id>/qr.svg", views.store_qr_svg, name="store-qr-svg"),
    path("stores/<int:store_id>/qr.png", views.store_qr_png, name="store-qr-png"),
]
