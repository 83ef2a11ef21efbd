"""The settlement API (api.md, Settlement)."""

urlpatterns: list = []
