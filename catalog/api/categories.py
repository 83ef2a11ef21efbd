"""Categories: anyone reads them; HQ creates, edits, moves and deletes them."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from catalog import selectors, services
from catalog.api.common import ANYONE, HQ, CategoryField
from catalog.models import Category
from o2o.api.base import TenantApi
from o2o.tenancy.request import TenantApiRequest


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent"]


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    parent = CategoryField(allow_null=True, required=False, default=None)  # type: ignore[assignment]


def _category_input(values: dict[str, Any], current: Category | None = None) -> services.CategoryInput:
    base = {"name": current.name, "parent": current.parent} if current else {}
    merged = {**base, **values}
    return services.CategoryInput(name=merged["name"], parent=merged.get("parent"))


class CategoryListApi(TenantApi):
    """GET/POST /api/v1/categories/: the brand's categories (anyone reads; HQ creates)."""

    allowed_roles: ClassVar = {"GET": ANYONE, "POST": HQ}
    resource_model = Category

    @extend_schema(responses={200: CategoryOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        return self.paginate(selectors.list_categories(tenant=request.tenant), CategoryOutput)

    @extend_schema(request=CategoryInput, responses={201: CategoryOutput})
    def post(self, request: TenantApiRequest) -> Response:
        data = CategoryInput(data=request.data, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        category = services.create_category(tenant=request.tenant, data=_category_input(data.validated_data))
        return Response(CategoryOutput(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailApi(TenantApi):
    """GET/PUT/PATCH/DELETE /api/v1/categories/{id}/: one category."""

    allowed_roles: ClassVar = {"GET": ANYONE, "PUT": HQ, "PATCH": HQ, "DELETE": HQ}
    resource_model = Category
    error_responses: ClassVar = {"DELETE": {409: "The category holds products or subcategories"}}

    @extend_schema(responses={200: CategoryOutput})
    def get(self, request: TenantApiRequest, category_id: int) -> Response:
        return Response(CategoryOutput(selectors.get_category(tenant=request.tenant, category_id=category_id)).data)

    def _update(self, request: TenantApiRequest, category_id: int, *, partial: bool) -> Response:
        category = selectors.get_category(tenant=request.tenant, category_id=category_id)
        data = CategoryInput(data=request.data, partial=partial, context={"tenant": request.tenant})
        data.is_valid(raise_exception=True)
        category = services.update_category(
            tenant=request.tenant, category=category, data=_category_input(dict(data.validated_data), category)
        )
        return Response(CategoryOutput(category).data)

    @extend_schema(request=CategoryInput, responses={200: CategoryOutput})
    def put(self, request: TenantApiRequest, category_id: int) -> Response:
        return self._update(request, category_id, partial=False)

    @extend_schema(request=CategoryInput(partial=True), responses={200: CategoryOutput})
    def patch(self, request: TenantApiRequest, category_id: int) -> Response:
        return self._update(request, category_id, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request: TenantApiRequest, category_id: int) -> Response:
        category = selectors.get_category(tenant=request.tenant, category_id=category_id)
        services.delete_category(tenant=request.tenant, category=category)
        return Response(status=status.HTTP_204_NO_CONTENT)
