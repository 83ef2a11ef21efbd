"""The guides app's pages: the guide workbench (`/guide/...`), the store's and HQ's commission pages."""

urlpatterns: list = []
