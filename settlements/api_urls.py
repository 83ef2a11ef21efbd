"""The settlement API (api.md, Settlement): each module of `settlements.api` lists its routes."""

from settlements.api import statements

urlpatterns = [
    *statements.urlpatterns,
]
