"""Stores of the three kinds, their territories, contracts, staff and stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Final

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.models import Service, Sku
from o2o.models import TIMEZONE_CHOICES, TenantOwned, User
from stores.choices import Capability, StaffRole, StoreKind

# The bounds of the numbers HQ and store staff type: the API's serializers and the portal forms
# both take their fields' bounds from here, so that a page never accepts what the API refuses (nor
# refuses what it takes). The columns hold them too (CHECKs, integer and decimal sizes).
LAT_BOUNDS: Final[dict[str, Any]] = {"min_value": -90, "max_value": 90}
LNG_BOUNDS: Final[dict[str, Any]] = {"min_value": -180, "max_value": 180}
RADIUS_KM_BOUNDS: Final[dict[str, Any]] = {"min_value": Decimal("0"), "max_digits": 6, "decimal_places": 2}
SALES_SHARE_RATE_BOUNDS: Final[dict[str, Any]] = {
    "min_value": Decimal("0"),
    "max_value": Decimal("1"),
    "max_digits": 5,
    "decimal_places": 4,
}
# a count of items on hand: well inside the integer column (2**31 - 1), far above any real stock
ON_HAND_BOUNDS: Final[dict[str, Any]] = {"min_value": 0, "max_value": 2_000_000_000}
CAPACITY_BOUNDS: Final[dict[str, Any]] = {"min_value": 1, "max_value": 10_000}


def default_opening_hours() -> dict[str, list[list[str]]]:
    weekday = [["10:00", "22:00"]]
    return {
        "mon": weekday,
        "tue": weekday,
        "wed": weekday,
        "thu": weekday,
        "fri": weekday,
        "sat": weekday,
        "sun": weekday,
    }


class Store(TenantOwned):
    """A place where the brand meets consumers: a direct store, a franchise store or a counter."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=StoreKind)
    region = models.CharField(_("region"), max_length=64, help_text=_("price region"))
    city = models.CharField(_("city"), max_length=64)
    district = models.CharField(_("district code"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=300)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    service_radius_km = models.DecimalField(
        _("service radius (km)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", choices=TIMEZONE_CHOICES)
    opening_hours = models.JSONField(_("opening hours"), default=default_opening_hours)
    offers_pickup = models.BooleanField(_("pick-up"), default=True)
    offers_delivery = models.BooleanField(_("delivery"), default=False)
    offers_services = models.BooleanField(_("in-store services"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="store_unique_code"),
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90), name="store_lat_range"),
            models.CheckConstraint(condition=Q(lng__gte=-180, lng__lte=180), name="store_lng_range"),
            models.CheckConstraint(condition=Q(service_radius_km__gte=0), name="store_radius_not_negative"),
        ]
        indexes = [
            models.Index(fields=["tenant", "lat"], name="store_tenant_lat"),
            models.Index(fields=["tenant", "lng"], name="store_tenant_lng"),
            models.Index(fields=["tenant", "city"], name="store_tenant_city"),
            # the nearest-store search counts the active stores matching its filters: an index-only count
            # (the filter columns are keys, not INCLUDE, which SQLite, the embedded default, lacks)
            models.Index(
                fields=["tenant", "is_active", "kind", "offers_pickup", "offers_delivery", "offers_services", "city"],
                name="store_tenant_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def capabilities(self) -> list[str]:
        flags = {
            Capability.PICKUP: self.offers_pickup,
            Capability.DELIVERY: self.offers_delivery,
            Capability.SERVICES: self.offers_services,
        }
        return [str(capability) for capability, on in flags.items() if on]


class TerritoryDistrict(TenantOwned):
    """A district (administrative code) in a store's territory. A franchisee is protected there."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="territory")
    district = models.CharField(_("district code"), max_length=16)

    class Meta:
        ordering = ["district"]
        constraints = [models.UniqueConstraint(fields=["tenant", "store", "district"], name="territory_unique")]
        indexes = [models.Index(fields=["tenant", "district"], name="territory_tenant_district")]

    def __str__(self) -> str:
        return self.district


CONTRACT_DEFAULTS: dict[str, dict[str, object]] = {
    StoreKind.DIRECT: {
        "sales_share_rate": Decimal("0.0000"),
        "tac_chargeable": False,
        "commission_borne_by_store": False,
    },
    StoreKind.FRANCHISE: {
        "sales_share_rate": Decimal("0.9200"),
        "tac_chargeable": True,
        "commission_borne_by_store": True,
    },
    StoreKind.COUNTER: {
        "sales_share_rate": Decimal("0.2000"),
        "tac_chargeable": False,
        "commission_borne_by_store": False,
    },
}


class StoreContract(TenantOwned):
    """The settlement terms of a store (rules.md 5.2) from `valid_from` until the next version.

    Rows are never edited once a later one exists: a change of terms is a new row, so a settlement
    uses the terms in force at the time.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="contracts")
    valid_from = models.DateField(_("valid from"))
    sales_share_rate = models.DecimalField(
        _("sales share rate"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    tac_chargeable = models.BooleanField(_("traffic cost chargeable"))
    commission_borne_by_store = models.BooleanField(_("commission borne by store"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["store_id", "-valid_from"]
        get_latest_by = "valid_from"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "store", "valid_from"], name="contract_unique_start"),
            models.CheckConstraint(
                condition=Q(sales_share_rate__gte=0, sales_share_rate__lte=1), name="contract_rate_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store_id} from {self.valid_from}: {self.sales_share_rate}"

    @classmethod
    def opening_terms(cls, kind: str) -> dict[str, object]:
        return dict(CONTRACT_DEFAULTS[kind])


EPOCH = dt.date(2000, 1, 1)


class StoreStaff(TenantOwned):
    """A store manager or a shopping guide: one user, one store, in a brand."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="store_posts")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("role"), max_length=20, choices=StaffRole)
    code = models.CharField(_("guide code"), max_length=16, help_text=_("what an order's guide_code names"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("store staff")
        ordering = ["store_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="staff_one_store_per_user"),
            models.UniqueConstraint(fields=["tenant", "code"], name="staff_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role} @ {self.store_id})"


class StoreService(TenantOwned):
    """A service a store offers, with how many consumers it serves at once."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField(_("capacity"), default=1)

    class Meta:
        ordering = ["store_id", "service_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "store", "service"], name="storeservice_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="storeservice_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}: {self.service_id} x{self.capacity}"


class Stock(TenantOwned):
    """How many of a SKU a store holds, and how many of those are reserved for open orders.

    The database guarantees neither goes negative and `reserved <= on_hand`.
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="stock")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="stock")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("stock")
        ordering = ["store_id", "sku_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "store", "sku"], name="stock_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"),
        ]
        indexes = [models.Index(fields=["tenant", "sku", "store"], name="stock_tenant_sku_store")]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.sku_id}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved
