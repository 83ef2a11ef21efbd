"""Portal pages of the catalog app (HQ)."""

from django.urls import path

from catalog import views

urlpatterns = [
    path("hq/products/", views.hq_product_list, name="hq-products"),
    path("hq/products/new/", views.hq_product_new, name="hq-product-new"),
    path("hq/products/import/", views.hq_product_import, name="hq-product-import"),
    path("hq/products/export/", views.hq_product_export, name="hq-product-export"),
    path("hq/products/<int:product_id>/", views.hq_product_edit, name="hq-product"),
    path("hq/categories/", views.hq_categories, name="hq-categories"),
    path("hq/categories/<int:category_id>/delete/", views.hq_category_delete, name="hq-category-delete"),
    path("hq/price-lists/", views.hq_price_lists, name="hq-price-lists"),
]
