"""Attribution's pages and the tracking links' redirect `/t/{code}` with their QR images."""

from django.urls import path

from attribution import qr, redirect
from attribution.views import campaigns, dashboard, reports

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
    path("hq/reports/", reports.hq_reports, name="hq-reports"),
    path("hq/reports/funnel.csv", reports.hq_funnel_export, {"file_format": "csv"}, name="hq-report-funnel-csv"),
    path("hq/reports/funnel.xlsx", reports.hq_funnel_export, {"file_format": "xlsx"}, name="hq-report-funnel-xlsx"),
    path("hq/reports/repurchase/", reports.hq_report_repurchase, name="hq-report-repurchase"),
    path(
        "hq/reports/repurchase.csv",
        reports.hq_repurchase_export,
        {"file_format": "csv"},
        name="hq-report-repurchase-csv",
    ),
    path(
        "hq/reports/repurchase.xlsx",
        reports.hq_repurchase_export,
        {"file_format": "xlsx"},
        name="hq-report-repurchase-xlsx",
    ),
    path("hq/reports/retention/", reports.hq_report_retention, name="hq-report-retention"),
    path(
        "hq/reports/retention.csv", reports.hq_retention_export, {"file_format": "csv"}, name="hq-report-retention-csv"
    ),
    path(
        "hq/reports/retention.xlsx",
        reports.hq_retention_export,
        {"file_format": "xlsx"},
        name="hq-report-retention-xlsx",
    ),
    path("hq/reports/price-bands/", reports.hq_price_bands, name="hq-price-bands"),
    path("hq/reports/price-bands/<int:band_id>/delete/", reports.hq_price_band_delete, name="hq-price-band-delete"),
]
