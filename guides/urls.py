"""The guides app's pages: the guide workbench (`/guide/...`), the store's claims and guides, HQ's
commission rules and commissions.

`guide/` is the guide workbench: it takes over the portal's placeholder landing page of the same
path (and `guide-home` still reverses to it)."""

from django.urls import path

from guides.views import hq, store, store_guides, workbench

urlpatterns = [
    # the guide's workbench (guides.views.workbench)
    path("guide/", workbench.guide_workbench, name="guide-workbench"),
    path("guide/links/", workbench.guide_link_new, name="guide-link-new"),
    path("guide/served/", workbench.guide_served, name="guide-served"),
    path("guide/claims/", workbench.guide_claim_new, name="guide-claim-new"),
    # the store's claims to decide (guides.views.store)
    path("store/claims/", store.store_claims, name="store-claims"),
    path("store/claims/<int:claim_id>/approve/", store.store_claim_approve, name="store-claim-approve"),
    path("store/claims/<int:claim_id>/reject/", store.store_claim_reject, name="store-claim-reject"),
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
