"""Attribution's pages and the tracking links' redirect `/t/{code}`."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
