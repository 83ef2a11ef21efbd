"""The guides app's pages: the guide workbench (`/guide/...`), the store's and HQ's commission pages.

`guide/` is the guide workbench: it takes over the portal's placeholder landing page of the same
path (and `guide-home` still reverses to it)."""

from django.urls import path

from guides.views import store, workbench

urlpatterns = [
    path("guide/", workbench.guide_workbench, name="guide-workbench"),
    path("guide/links/", workbench.guide_link_new, name="guide-link-new"),
    path("guide/served/", workbench.guide_served, name="guide-served"),
    path("guide/claims/", workbench.guide_claim_new, name="guide-claim-new"),
    path("store/claims/", store.store_claims, name="store-claims"),
    path("store/claims/<int:claim_id>/approve/", store.store_claim_approve, name="store-claim-approve"),
    path("store/claims/<int:claim_id>/reject/", store.store_claim_reject, name="store-claim-reject"),
]
