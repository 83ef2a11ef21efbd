"""The guides API (api.md, Guides and commission): each module of `guides.api` lists its routes."""

from guides.api import guides

urlpatterns: list = [*guides.urlpatterns]
