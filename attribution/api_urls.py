"""The attribution API (api.md, Attribution): each module of `attribution.api` lists its routes."""

from attribution.api import campaigns, events, reports

urlpatterns = [*campaigns.urlpatterns, *events.urlpatterns, *reports.urlpatterns]
