"""The settlement API (api.md, Settlement): each module of `settlements.api` lists its routes."""

from settlements.api import ledger, runs, whatif

urlpatterns = [
    *runs.urlpatterns,
    *whatif.urlpatterns,
    *ledger.urlpatterns,
]
