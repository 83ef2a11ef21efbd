"""What the stores API's views share: who may read and write what, and the parsing of row arrays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from o2o.api.base import PUBLIC
from o2o.choices import HQ_ROLES, STORE_ROLES, Role
from o2o.errors import Forbidden
from o2o.tenancy.request import TenantApiRequest
from stores.access import can_manage_store, is_hq, managed_store_id, visible_store_ids
from stores.models import Store

EVERYONE = frozenset({PUBLIC})
HQ = frozenset(HQ_ROLES)
HQ_AND_MANAGER = HQ | {Role.STORE_MANAGER}
HQ_AND_STORE_STAFF = HQ | STORE_ROLES


# --- who sees what ----------------------------------------------------------------------------


def contract_store_ids(request: TenantApiRequest) -> set[int] | None:
    """The stores whose contract the caller may see: None for every store (HQ)."""
    roles = request.roles.names
    if is_hq(roles):
        return None
    managed = managed_store_id(tenant=request.tenant, user=request.user, roles=roles)
    return {managed} if managed is not None else set()


def require_manager_of(request: TenantApiRequest, store: Store) -> None:
    if not can_manage_store(tenant=request.tenant, user=request.user, roles=request.roles.names, store=store):
        raise Forbidden(_("Only HQ and this store's manager may do this."))


def require_staff_of(request: TenantApiRequest, store: Store) -> None:
    visible = visible_store_ids(tenant=request.tenant, user=request.user, roles=request.roles.names)
    if visible is not None and store.pk not in visible:
        raise Forbidden(_("Only HQ and this store's staff may see this."))


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
