"""The base class of every API view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import Model
from rest_framework.views import APIView

from o2o.api.permissions import PUBLIC


class TenantApi(APIView):
    """A tenant-scoped API view.

    `allowed_roles` says, per method, which roles may call it; `resource_model` names the model a
    detail or list view serves (the cross-tenant harness creates foreign rows of it).
    """

    tenant_scoped: ClassVar[bool] = True
    allowed_roles: ClassVar[Mapping[str, frozenset[str]]] = {}
    resource_model: ClassVar[type[Model] | None] = None
    error_responses: ClassVar[Mapping[str, Mapping[int, str]]] = {}

    def paginate(self, queryset: Any, serializer_class: Any) -> Any:
        """The paginated response of `queryset` serialized by `serializer_class`."""
        from o2o.api.pagination import Pagination

        paginator = Pagination()
        page: list[Any] | None = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class PublicApi(APIView):
    """An API view outside any tenant (sign-in)."""

    tenant_scoped: ClassVar[bool] = False
    permission_classes: ClassVar[list[Any]] = []  # type: ignore[misc]


__all__ = ["PUBLIC", "PublicApi", "TenantApi"]
