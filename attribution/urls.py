"""Attribution's pages and the tracking links' redirect `/t/{code}` with their QR images."""

from django.urls import path

from attribution import qr, redirect
from attribution.views import campaigns, dashboard

urlpatterns = [
    # no trailing slash: a printed `/t/{code}` is followed without a second hop
    path("t/<str:code>", redirect.follow_link, name="tracking-link"),
    path("t/<str:code>/qr.svg", qr.link_qr_svg, name="tracking-link-qr-svg"),
    path("t/<str:code>/qr.png", qr.link_qr_png, name="tracking-link-qr-png"),
    path("hq/dashboard/refresh/", dashboard.hq_dashboard_refresh, name="hq-dashboard-refresh"),
    path("hq/campaigns/", campaigns.hq_campaign_list, name="hq-campaigns"),
    path("hq/campaigns/new/", campaigns.hq_campaign_new, name="hq-campaign-new"),
    path("hq/campaigns/<int:campaign_id>/", campaigns.hq_campaign_detail, name="hq-campaign"),
    path("hq/campaigns/<int:campaign_id>/edit/", campaigns.hq_campaign_edit, name="hq-campaign-edit"),
    path("hq/campaigns/<int:campaign_id>/links/", campaigns.hq_campaign_link_new, name="hq-campaign-link-new"),
    path("hq/campaigns/<int:campaign_id>/spend/", campaigns.hq_campaign_spend_new, name="hq-campaign-spend-new"),
]
