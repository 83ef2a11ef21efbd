"""Bookable in-store services: a duration and a price (which may be zero)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from catalog.models import Service
from catalog.services.common import check_price, unique_violations_as_invalid
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant


@dataclass(frozen=True)
class ServiceInput:
    name: str
    duration_minutes: int
    price: Decimal
    description: str = ""
    is_active: bool = True


def _check_service(*, tenant: Tenant, service: Service | None, data: ServiceInput) -> None:
    name = data.name.strip()
    if not name:
        raise InvalidInput("name", _("This field may not be blank."))
    if data.duration_minutes < 5:
        raise InvalidInput("duration_minutes", _("A service lasts at least 5 minutes."))
    check_price(field="price", price=data.price)
    same_name = Service.objects.filter(tenant=tenant, name=name)
    if service is not None:
        same_name = same_name.exclude(pk=service.pk)
    if same_name.exists():
        raise InvalidInput("name", _("A service with this name exists already."))


@transaction.atomic
def create_service(*, tenant: Tenant, data: ServiceInput) -> Service:
    """Create a bookable service (its price may be zero).

    Raises InvalidInput naming `name` (taken), `duration_minutes` (under 5) or `price`.
    """
    _check_service(tenant=tenant, service=None, data=data)
    with unique_violations_as_invalid():
        return Service.objects.create(
            tenant=tenant,
            name=data.name.strip(),
            description=data.description,
            duration_minutes=data.duration_minutes,
            price=data.price,
            is_active=data.is_active,
        )


@transaction.atomic
def update_service(*, tenant: Tenant, service: Service, data: ServiceInput) -> Service:
    """Change a service. Errors as for `create_service`; NotFound when it is gone."""
    locked = Service.objects.select_for_update().filter(tenant=tenant, pk=service.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such service."))
    service = locked
    _check_service(tenant=tenant, service=service, data=data)
    service.name = data.name.strip()
    service.description = data.description
    service.duration_minutes = data.duration_minutes
    service.price = data.price
    service.is_active = data.is_active
    with unique_violations_as_invalid():
        service.save(update_fields=["name", "description", "duration_minutes", "price", "is_active"])
    return service


@transaction.atomic
def delete_service(*, tenant: Tenant, service: Service) -> None:
    """Delete a service. Raises Conflict (409) while stores offer it: deactivate it instead."""
    try:
        with transaction.atomic():
            Service.objects.filter(tenant=tenant, pk=service.pk).delete()
    except ProtectedError as exc:
        raise Conflict(_("Stores offer this service: deactivate it instead."), code="service_in_use") from exc
