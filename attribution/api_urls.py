"""The attribution API (api.md, Attribution): each module of `attribution.api` lists its routes."""

from attribution.api import campaigns, events, price_bands, report_exports, reports

urlpatterns = [
    *campaigns.urlpatterns,
    *events.urlpatterns,
    *reports.urlpatterns,
    *report_exports.urlpatterns,
    *price_bands.urlpatterns,
]
