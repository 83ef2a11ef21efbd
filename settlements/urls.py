"""Settlement's pages (the run and statement pages are added beside these)."""

from django.urls import path

from settlements.views import whatif

urlpatterns = [
    path("hq/settlements/what-if/", whatif.hq_what_if, name="hq-settlement-what-if"),
]
