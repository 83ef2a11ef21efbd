"""The brand's catalog: categories, products and their SKUs, regional prices, bookable services."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from o2o.models import TenantOwned
from o2o.money import MONEY

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]  # a price may be zero (a free service), never below


class Category(TenantOwned):
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        verbose_name_plural = _("categories")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "parent", "name"], name="category_unique_name_under_parent"),
            models.UniqueConstraint(
                fields=["tenant", "name"], condition=Q(parent__isnull=True), name="category_unique_top_level_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Product(TenantOwned):
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="product_unique_name")]

    def __str__(self) -> str:
        return self.name


class Sku(TenantOwned):
    """A sellable variant of a product with the brand price (the price where no region sets one)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    price = models.DecimalField(_("price"), **MONEY, validators=NOT_NEGATIVE)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "SKU"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="sku_unique_code"),
            models.CheckConstraint(condition=Q(price__gte=0), name="sku_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegionalPrice(TenantOwned):
    """The price of a SKU in a region (rules.md 1.7): online and in store alike."""

    region = models.CharField(_("region"), max_length=64)
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="regional_prices")
    price = models.DecimalField(_("price"), **MONEY, validators=NOT_NEGATIVE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "sku_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "region", "sku"], name="regionalprice_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="regionalprice_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.sku_id} {self.price}"


class Service(TenantOwned):
    """A bookable in-store service (an eye exam, a styling): its duration and price (may be zero)."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), validators=[MinValueValidator(5)])
    price = models.DecimalField(_("price"), **MONEY, validators=NOT_NEGATIVE)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="service_unique_name"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="service_duration_min"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name
