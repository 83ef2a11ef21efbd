"""What the catalog API's views share: who reads and writes (`catalog.policies`, as the HQ pages),
and fields naming the brand's rows."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Model
from rest_framework import serializers

from catalog import policies
from catalog.models import Category, Sku
from o2o.api.base import PUBLIC
from o2o.tenancy.request import TenantApiRequest

ANYONE = frozenset({PUBLIC})
HQ = policies.CATALOG_EDITORS
PRICE_READERS = policies.PRICE_READERS


def is_hq(request: TenantApiRequest) -> bool:
    """Whether the caller sees inactive rows (`catalog.policies.sees_inactive`)."""
    return policies.sees_inactive(request.actor)


class _BrandRowField(serializers.PrimaryKeyRelatedField):
    """The id of one of the request brand's rows: another brand's id is "does not exist", a 400."""

    model: ClassVar[type[Model]]

    def get_queryset(self) -> Any:
        return self.model._default_manager.filter(tenant=self.context["tenant"])


class CategoryField(_BrandRowField):
    model = Category


class SkuField(_BrandRowField):
    model = Sku
