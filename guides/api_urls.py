"""The guides API (api.md, Guides and commission): each module of `guides.api` lists its routes."""

from guides.api import claims, commissions, guides, rules

urlpatterns = [
    *guides.urlpatterns,
    *rules.urlpatterns,
    *commissions.urlpatterns,
    *claims.urlpatterns,
]
