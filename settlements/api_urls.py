"""The settlement API (api.md, Settlement): each module of `settlements.api` lists its routes."""

from settlements.api import ledger, runs, statements, whatif

urlpatterns = [
    *runs.urlpatterns,
    *whatif.urlpatterns,
    *statements.urlpatterns,
    *ledger.urlpatterns,
]
