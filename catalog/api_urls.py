"""API routes of the catalog app, under /api/v1/."""

from django.urls import path

from catalog import api

urlpatterns = [
    path("categories/", api.CategoryListApi.as_view(), name="category-list"),
    path("categories/<int:category_id>/", api.CategoryDetailApi.as_view(), name="category-detail"),
    path("products/", api.ProductListApi.as_view(), name="product-list"),
    path("products/<int:product_id>/", api.ProductDetailApi.as_view(), name="product-detail"),
    path("price-lists/", api.RegionalPriceListApi.as_view(), name="regional-price-list"),
    path("price-lists/<int:price_id>/", api.RegionalPriceDetailApi.as_view(), name="regional-price-detail"),
    path("services/", api.ServiceListApi.as_view(), name="service-list"),
    path("services/<int:service_id>/", api.ServiceDetailApi.as_view(), name="service-detail"),
    path("imports/products/", api.ProductImportApi.as_view(), name="product-import"),
    path("exports/products/", api.ProductExportApi.as_view(), name="product-export"),
]
