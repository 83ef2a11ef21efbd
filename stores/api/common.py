"""What the stores API's views share: the roles of each method, the policy check (`stores.policies`,
asked with the request's actor), and the parsing of row arrays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

from o2o.api.base import PUBLIC
from o2o.choices import HQ_ROLES, STORE_ROLES, Role
from o2o.tenancy.request import TenantApiRequest
from stores import policies
from stores.models import Store

EVERYONE = frozenset({PUBLIC})
HQ = frozenset(HQ_ROLES)
HQ_AND_MANAGER = HQ | {Role.STORE_MANAGER}
HQ_AND_STORE_STAFF = HQ | STORE_ROLES


# --- who may do what: `stores.policies`, asked with the request's actor as the pages ask it -------


def authorize(request: TenantApiRequest, action: str, store: Store) -> None:
    """Forbidden (403) unless the caller may do `action` (`stores.policies.POLICIES`) to `store`."""
    policies.authorize(action, request.actor, store)


def validate_rows(serializer_class: type[serializers.Serializer], data: Any) -> list[dict[str, Any]]:
    """Validate a JSON array of rows; errors name the field, e.g. {"sku": ["row 2: ..."]}."""
    if not isinstance(data, list) or not data:
        raise serializers.ValidationError({"non_field_errors": ["Send a non-empty JSON array of rows."]})
    rows: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for number, item in enumerate(data, start=1):
        row = serializer_class(data=item)
        if row.is_valid():
            rows.append(dict(row.validated_data))
            continue
        detail = row.errors if isinstance(row.errors, Mapping) else {"non_field_errors": row.errors}
        for field, messages in detail.items():
            errors.setdefault(field, []).extend(f"row {number}: {message}" for message in messages)
    if errors:
        raise serializers.ValidationError(errors)
    return rows
