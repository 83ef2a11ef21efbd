"""API routes of the stores app, under /api/v1/."""

from django.urls import path

from stores import api

urlpatterns = [
    path("stores/", api.StoreListApi.as_view(), name="store-list"),
    path("stores/<int:store_id>/", api.StoreDetailApi.as_view(), name="store-detail"),
    path("stores/<int:store_id>/contracts/", api.StoreContractsApi.as_view(), name="store-contracts"),
    path("stores/<int:store_id>/staff/", api.StoreStaffApi.as_view(), name="store-staff"),
    path("stores/<int:store_id>/stock/", api.StoreStockApi.as_view(), name="store-stock"),
    path("stores/<int:store_id>/services/", api.StoreServicesApi.as_view(), name="store-services"),
    path("imports/stores/", api.StoreImportApi.as_view(), name="store-import"),
    path("exports/stores/", api.StoreExportApi.as_view(), name="store-export"),
]
