"""OpenAPI: the tenant header on every tenant-scoped operation, and the error responses.

Conventions the schema follows, so that views need no schema boilerplate:
- a serializer nested in a view (`TokenApi.Input`) is the component `TokenInput` (the view's name
  without `Api`, then the serializer's), so every view may call its serializers Input and Output;
- an operation's id is the view's name and the method (`role_detail_delete`), unique because each
  URL path has one view class;
- a `many=True` response of a tenant view is documented as the paginated envelope
  `{count, next, previous, results}` that `TenantApi.paginate` returns, with the `page` and
  `page_size` parameters; a view that returns a plain array sets `pagination_class = None`;
- every operation documents its error responses with the `Error` / `ValidationError` bodies;
- a primary-key field whose rows are chosen per request (`get_queryset()`, the tenant's) is an
  integer id;
- enums shared by several components are named in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from o2o.api.pagination import Pagination
from o2o.api.permissions import PUBLIC, allowed_roles_for
from o2o.choices import HQ_ROLES, Role

ErrorBody = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
    },
)
ValidationErrorBody = inline_serializer(
    name="ValidationError",
    fields={
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        # field -> messages; nested input nests the same way ({"lines": [{"sku": ["..."]}]})
        "errors": serializers.DictField(child=serializers.JSONField()),
    },
)

TENANT_HEADER = OpenApiParameter(
    name="X-Tenant",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The brand's slug (or use the `<slug>.` host prefix).",
)
IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Repeat a request safely: the same key and body replay the first response; "
    "the same key with another body is a 409.",
)


_UNSET = object()


def hq_role_choices() -> list[tuple[str, Any]]:
    """The roles an HQ admin grants, as choices: the schema's `HqRoleEnum`."""
    return [(role.value, role.label) for role in Role if role in HQ_ROLES]


class TenantRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A primary-key field without a static queryset (its rows are the tenant's, found per request
    by `get_queryset()`) is an integer id; one with a queryset is documented as usual."""

    target_class = "rest_framework.relations.PrimaryKeyRelatedField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        if getattr(self.target, "queryset", None) is None and not self.target.read_only:
            return build_basic_type(OpenApiTypes.INT)
        return auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


class AutoSchema(SpectacularAutoSchema):
    """Adds the tenant header, the idempotency header and the documented error responses."""

    def get_serializer_name(self, serializer: serializers.Serializer, direction: str) -> str:
        cls = serializer.__class__
        parts = cls.__qualname__.split(".")
        if len(parts) >= 2 and parts[-2] != "<locals>":
            outer = parts[-2].removesuffix("Api")
            return f"{outer}{cls.__name__}"
        return cls.__name__

    def get_operation_id(self) -> str:
        name = self.view.__class__.__name__
        if name.endswith("Api"):
            return f"{_snake(name.removesuffix('Api'))}_{self.method.lower()}"
        return super().get_operation_id()

    def get_tags(self) -> list[str]:
        tokens = [token for token in self._tokenize_path() if token != "v1"]
        return tokens[:1] or super().get_tags()

    def _get_paginator(self) -> Any:
        pagination_class = getattr(self.view, "pagination_class", _UNSET)
        if pagination_class is _UNSET and getattr(self.view, "tenant_scoped", False):
            return Pagination()
        return super()._get_paginator()

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        if getattr(self.view, "tenant_scoped", True):
            params.append(TENANT_HEADER)
        method_name = self.method.lower()
        handler = getattr(self.view, method_name, None)
        if getattr(handler, "idempotent", False):
            params.append(IDEMPOTENCY_HEADER)
        return params

    def _takes_query_parameters(self) -> bool:
        return any(parameter.get("in") == "query" for parameter in self._get_parameters())

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors: dict[str, Any] = {}
        method = self.method.upper()
        if method in {"POST", "PUT", "PATCH"} or self._takes_query_parameters():
            errors["400"] = OpenApiResponse(ValidationErrorBody, description="Invalid input")
        tenant_scoped = getattr(self.view, "tenant_scoped", True)
        public = PUBLIC in allowed_roles_for(self.view, method)
        if tenant_scoped and not public:
            errors["401"] = OpenApiResponse(ErrorBody, description="Not signed in")
            errors["403"] = OpenApiResponse(ErrorBody, description="No role, or not this role, in the brand")
        errors["404"] = OpenApiResponse(ErrorBody, description="Unknown brand, or no such object in it")
        for code, description in getattr(self.view, "error_responses", {}).get(method, {}).items():
            errors[str(code)] = OpenApiResponse(ErrorBody, description=description)
        if method in {"POST", "PUT", "PATCH"}:
            errors["415"] = OpenApiResponse(ErrorBody, description="A body in a media type the operation does not read")
        errors["429"] = OpenApiResponse(ErrorBody, description="Throttled")
        for code, response in errors.items():
            if code not in responses:
                # error bodies are JSON whatever the view renders on success (a CSV export)
                responses[code] = self._get_response_for_code(
                    response.response, code, media_types=["application/json"], direction=direction
                )
                responses[code]["description"] = response.description
        for code, response in responses.items():
            content = response.get("content")
            if code[:1] in {"4", "5"} and content and "application/json" not in content:
                response["content"] = {"application/json": next(iter(content.values()))}
        return responses
