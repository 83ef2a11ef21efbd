"""Service offerings: which bookable services a store offers, and for how many at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Service
from o2o.errors import InvalidInput
from o2o.models import Tenant
from stores.models import Store, StoreService
from stores.services.locks import lock_store


@dataclass(frozen=True)
class ServiceOffering:
    service_id: int
    capacity: int


@transaction.atomic
def set_store_services(*, tenant: Tenant, store: Store, offerings: Sequence[ServiceOffering]) -> list[StoreService]:
    """Replace the services `store` offers and their capacities (rules.md 2.1) with `offerings`.

    Raises InvalidInput naming `service` (unknown, another brand's, inactive or repeated; or a
    store without the `services` capability) or `capacity` (below 1); NotFound when the store is
    gone. Returns the offering by service id.
    """
    wanted: dict[int, int] = {}
    for offering in offerings:
        if offering.service_id in wanted:
            raise InvalidInput("service", _("Service %(id)s is listed twice.") % {"id": offering.service_id})
        if offering.capacity < 1:
            raise InvalidInput("capacity", _("A capacity is at least 1."))
        wanted[offering.service_id] = offering.capacity
    known = set(Service.objects.filter(tenant=tenant, pk__in=wanted, is_active=True).values_list("pk", flat=True))
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidInput("service", _("No such active service: %(ids)s.") % {"ids": ", ".join(map(str, unknown))})
    locked = lock_store(tenant=tenant, store=store)  # one replacement at a time
    if wanted and not locked.offers_services:
        raise InvalidInput("service", _("The store does not have the `services` capability."))
    StoreService.objects.filter(tenant=tenant, store=locked).exclude(service_id__in=wanted).delete()
    current = {row.service_id: row for row in StoreService.objects.filter(tenant=tenant, store=locked)}
    changed = []
    for service_id, capacity in wanted.items():
        row = current.get(service_id)
        if row is not None and row.capacity != capacity:
            row.capacity = capacity
            changed.append(row)
    StoreService.objects.bulk_update(changed, ["capacity"])
    StoreService.objects.bulk_create(
        [
            StoreService(tenant=tenant, store=locked, service_id=service_id, capacity=capacity)
            for service_id, capacity in sorted(wanted.items())
            if service_id not in current
        ]
    )
    return list(StoreService.objects.filter(tenant=tenant, store=locked).order_by("service_id"))
