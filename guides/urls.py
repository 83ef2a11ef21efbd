"""The guides app's pages: the guide workbench (`/guide/...`), the store's and HQ's commission pages."""

from django.urls import path

from guides.views import hq, store_guides

urlpatterns: list = [
    # the store's guides and re-binding (guides.views.store_guides)
    path("store/guides/", store_guides.store_guides, name="store-guides"),
    path("store/guides/rebind/", store_guides.store_guide_rebind, name="store-guide-rebind"),
    # HQ's commission rules and commissions (guides.views.hq)
    path("hq/commission-rules/", hq.hq_commission_rules, name="hq-commission-rules"),
    path("hq/commission-rules/new/", hq.hq_commission_rule_new, name="hq-commission-rule-new"),
    path("hq/commission-rules/<int:rule_id>/rate/", hq.hq_commission_rule_rate, name="hq-commission-rule-rate"),
    path("hq/commission-rules/<int:rule_id>/end/", hq.hq_commission_rule_end, name="hq-commission-rule-end"),
    path("hq/commissions/", hq.hq_commissions, name="hq-commissions"),
    path("hq/commissions.csv", hq.hq_commissions_export, {"file_format": "csv"}, name="hq-commissions-csv"),
    path("hq/commissions.xlsx", hq.hq_commissions_export, {"file_format": "xlsx"}, name="hq-commissions-xlsx"),
]
