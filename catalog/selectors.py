"""Reads of the catalog: categories, products with their SKUs, regional prices, services, and the
price rule of rules.md 1.7.

Visibility: HQ sees everything; everyone else (store staff, consumers, anonymous visitors of the
shop) sees active products, active SKUs and active services only. A `get_*` raises NotFound for a
missing row, another brand's row and a row the caller may not see alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from o2o.db import in_list
from o2o.errors import NotFound
from o2o.fields import IdFilter
from o2o.models import Tenant

CATEGORY_PATH_SEPARATOR = " / "


def _filtered(filterset_class: type[django_filters.FilterSet], filters: Mapping[str, Any], qs: QuerySet) -> QuerySet:
    filterset = filterset_class(filters, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


# --- categories -------------------------------------------------------------------------------


def list_categories(*, tenant: Tenant) -> QuerySet[Category]:
    """The brand's categories, by name."""
    return Category.objects.filter(tenant=tenant).order_by("name", "pk")


def get_category(*, tenant: Tenant, category_id: int) -> Category:
    """One category of the brand; NotFound for a missing or foreign one alike."""
    category = list_categories(tenant=tenant).filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("No such category."))
    return category


def category_parents(*, tenant: Tenant) -> dict[int, int | None]:
    """Every category id of the brand with its parent's id (one query)."""
    return dict(Category.objects.filter(tenant=tenant).values_list("pk", "parent_id"))


def descendant_ids(*, parents: Mapping[int, int | None], category_id: int) -> set[int]:
    """`category_id` and the ids of every category below it, given `category_parents`."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parents.items():
        children.setdefault(parent_id, []).append(pk)
    found, todo = set(), [category_id]
    while todo:
        current = todo.pop()
        if current in found:  # a cycle can only come from bad data; never loop on it
            continue
        found.add(current)
        todo.extend(children.get(current, []))
    return found


@dataclass(frozen=True)
class CategoryRow:
    """A category as HQ's category page lists it."""

    category: Category
    path: str
    products: int  # directly in it
    subcategories: int

    @property
    def in_use(self) -> bool:
        return bool(self.products or self.subcategories)


def list_category_rows(*, tenant: Tenant) -> list[CategoryRow]:
    """Every category of the brand with its path and what it holds, by path (two queries)."""
    products = Product.objects.filter(tenant=tenant, category=OuterRef("pk")).values("category")
    children = Category.objects.filter(tenant=tenant, parent=OuterRef("pk")).values("parent")
    counted = list_categories(tenant=tenant).annotate(
        product_count=Subquery(products.annotate(n=Count("pk")).values("n")),
        child_count=Subquery(children.annotate(n=Count("pk")).values("n")),
    )
    paths = category_paths(tenant=tenant)
    rows = [
        CategoryRow(
            category=category,
            path=paths.get(category.pk, category.name),
            products=category.product_count or 0,
            subcategories=category.child_count or 0,
        )
        for category in counted
    ]
    return sorted(rows, key=lambda row: (row.path.casefold(), row.category.pk))


def category_paths(*, tenant: Tenant) -> dict[int, str]:
    """Every category id of the brand with its full path, `"Lamps / Table lamps"` (one query)."""
    rows = {
        pk: (name, parent_id)
        for pk, name, parent_id in Category.objects.filter(tenant=tenant).values_list("pk", "name", "parent_id")
    }
    paths: dict[int, str] = {}
    for pk in rows:
        names, current, seen = [], pk, set()
        while current is not None and current not in seen:
            seen.add(current)
            name, parent_id = rows[current]
            names.append(name)
            current = parent_id
        paths[pk] = CATEGORY_PATH_SEPARATOR.join(reversed(names))
    return paths


# --- products ---------------------------------------------------------------------------------


class ProductFilter(django_filters.FilterSet):
    category = IdFilter(method="in_category", label="category id (its subcategories too)")
    q = django_filters.CharFilter(method="search", label="text in the name, description or a SKU code")
    is_active = django_filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = Product
        fields: list[str] = []

    def __init__(
        self, data: Mapping[str, Any], *, queryset: QuerySet[Product], tenant: Tenant, include_inactive: bool
    ) -> None:
        super().__init__(data, queryset=queryset)
        self.tenant = tenant
        self.include_inactive = include_inactive

    def in_category(self, queryset: QuerySet[Product], name: str, value: Decimal) -> QuerySet[Product]:
        parents = category_parents(tenant=self.tenant)
        return queryset.filter(category_id__in=descendant_ids(parents=parents, category_id=int(value)))

    def search(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        value = value.strip()
        if not value:
            return queryset
        sku_match = Sku.objects.filter(product=OuterRef("pk"), code__icontains=value)
        if not self.include_inactive:  # a switched-off SKU's code does not find its product
            sku_match = sku_match.filter(is_active=True)
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value) | Exists(sku_match))


def _products(*, tenant: Tenant, include_inactive: bool) -> QuerySet[Product]:
    skus = Sku.objects.filter(tenant=tenant).order_by("code")
    products = Product.objects.filter(tenant=tenant)
    if not include_inactive:
        skus = skus.filter(is_active=True)
        products = products.filter(is_active=True)
    return products.select_related("category").prefetch_related(Prefetch("skus", queryset=skus))


def list_products(*, tenant: Tenant, filters: Mapping[str, Any], include_inactive: bool) -> QuerySet[Product]:
    """The brand's products by name, their SKUs prefetched (by code): no N+1 when serialized.

    `filters`: `category` (an id: that category and its subcategories), `q` (text in the name, the
    description or a SKU code), `is_active`. Without `include_inactive` (everyone but HQ) inactive
    products and SKUs are left out whatever the filters. Raises ValidationError for a bad filter.
    """
    qs = _products(tenant=tenant, include_inactive=include_inactive)
    filterset = ProductFilter(filters, queryset=qs, tenant=tenant, include_inactive=include_inactive)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs.order_by("name", "pk")


def products_by_name(*, tenant: Tenant, names: Iterable[str]) -> dict[str, Product]:
    """The brand's products of `names`, by name, each with all its SKUs prefetched (two queries)."""
    products = _products(tenant=tenant, include_inactive=True).filter(name__in=list(names))
    return {product.name: product for product in products}


def get_product(*, tenant: Tenant, product_id: int, include_inactive: bool) -> Product:
    """One product of the brand with its SKUs; NotFound for a missing, foreign or hidden one."""
    product = _products(tenant=tenant, include_inactive=include_inactive).filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No such product."))
    return product


def list_skus(*, tenant: Tenant, q: str = "", include_inactive: bool = True) -> QuerySet[Sku]:
    """The brand's SKUs with their product, by product name and code; `q` searches code and names."""
    skus = Sku.objects.filter(tenant=tenant).select_related("product")
    if not include_inactive:
        skus = skus.filter(is_active=True, product__is_active=True)
    q = q.strip()
    if q:
        skus = skus.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(product__name__icontains=q))
    return skus.order_by("product__name", "code", "pk")


def get_sku(*, tenant: Tenant, sku_id: int) -> Sku:
    """One SKU of the brand; NotFound for a missing or foreign one alike."""
    sku = Sku.objects.filter(tenant=tenant, pk=sku_id).select_related("product").first()
    if sku is None:
        raise NotFound(_("No such SKU."))
    return sku


# --- regional prices and the price rule -------------------------------------------------------


class RegionalPriceFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region")
    sku = IdFilter(field_name="sku_id")

    class Meta:
        model = RegionalPrice
        fields: list[str] = []


def list_regional_prices(*, tenant: Tenant, filters: Mapping[str, Any]) -> QuerySet[RegionalPrice]:
    """The brand's regional prices by region and SKU; `filters`: `region`, `sku` (an id)."""
    qs = RegionalPrice.objects.filter(tenant=tenant).order_by("region", "sku_id", "pk")
    return _filtered(RegionalPriceFilter, filters, qs)


def get_regional_price(*, tenant: Tenant, price_id: int) -> RegionalPrice:
    """One regional price of the brand; NotFound for a missing or foreign one alike."""
    price = RegionalPrice.objects.filter(tenant=tenant, pk=price_id).first()
    if price is None:
        raise NotFound(_("No such regional price."))
    return price


def list_regions(*, tenant: Tenant) -> list[str]:
    """The regions the brand has set prices for, sorted."""
    return sorted(set(RegionalPrice.objects.filter(tenant=tenant).values_list("region", flat=True)))


def regional_price_grid(
    *, tenant: Tenant, sku_ids: Iterable[int], regions: Iterable[str]
) -> dict[tuple[int, str], Decimal]:
    """The regional prices set for `sku_ids` in `regions`, by (sku id, region) (one query)."""
    rows = RegionalPrice.objects.filter(tenant=tenant, sku_id__in=list(sku_ids), region__in=list(regions))
    return {(sku_id, region): price for sku_id, region, price in rows.values_list("sku_id", "region", "price")}


@dataclass(frozen=True)
class PriceBook:
    """The prices of some SKUs, and their regional prices: rules.md 1.7 in one place.

    The price of a SKU in a region is the region's price when one is set, else the SKU's own price;
    the same online and in store. The region is the fulfilling store's price region (known only
    after routing, at checkout); None or "" means no region, hence the SKU's own price.
    """

    base: Mapping[int, Decimal]  # sku id -> the SKU's own price
    regional: Mapping[tuple[int, str], Decimal]  # (sku id, region) -> the region's price

    def price(self, sku_id: int, region: str | None) -> Decimal:
        return self.regional.get((sku_id, region or ""), self.base[sku_id])


def price_for(*, tenant: Tenant, sku: Sku, region: str | None) -> Decimal:
    """The price of `sku` in `region` (`PriceBook.price`). One query at most."""
    regional = regional_price_grid(tenant=tenant, sku_ids=[sku.pk], regions=[region]) if region else {}
    return PriceBook(base={sku.pk: sku.price}, regional=regional).price(sku.pk, region)


def prices_for(*, tenant: Tenant, sku_ids: Iterable[int], region: str | None) -> dict[int, Decimal]:
    """The price of each SKU of `sku_ids` in `region` (`PriceBook.price`), by SKU id, in one query.

    Ids that are not the brand's SKUs are left out of the result: the caller decides whether that
    is an error. Inactive SKUs are priced too (selling them or not is the caller's rule).
    """
    regional = RegionalPrice.objects.filter(tenant=tenant, sku_id=OuterRef("pk"), region=region or "").values("price")
    rows = list(
        Sku.objects.filter(tenant=tenant, pk__in=list(sku_ids))
        .annotate(regional_price=Subquery(regional[:1]))
        .values_list("pk", "price", "regional_price")
    )
    book = PriceBook(
        base={pk: price for pk, price, _regional in rows},
        regional={(pk, region or ""): price for pk, _base, price in rows if price is not None},
    )
    return {pk: book.price(pk, region) for pk in book.base}


def skus_on_sale(*, tenant: Tenant, sku_ids: Iterable[int]) -> tuple[dict[int, Sku], PriceBook]:
    """The SKUs of `sku_ids` that are on sale (active SKU of an active product of the brand), by
    id, with their price book. Two queries of plain SQL: checkout runs this for every order, and
    the ORM spent more CPU building the queries than the database running them."""
    skus_in, ids = in_list(sku_ids)
    skus = {
        sku.pk: sku
        for sku in Sku.objects.raw(
            "SELECT s.id, s.tenant_id, s.product_id, s.code, s.name, s.price, s.is_active "  # noqa: S608
            f"FROM {Sku._meta.db_table} s JOIN {Product._meta.db_table} p ON p.id = s.product_id "
            f"WHERE s.tenant_id = %s AND s.id IN {skus_in} AND s.is_active AND p.is_active",
            [tenant.pk, *ids],
        )
    }
    skus_in, ids = in_list(skus)
    regional = {
        (row.sku_id, row.region): row.price
        for row in RegionalPrice.objects.raw(
            f"SELECT id, sku_id, region, price FROM {RegionalPrice._meta.db_table} "  # noqa: S608
            f"WHERE tenant_id = %s AND sku_id IN {skus_in}",
            [tenant.pk, *ids],
        )
    }
    return skus, PriceBook(base={pk: sku.price for pk, sku in skus.items()}, regional=regional)


# --- services ---------------------------------------------------------------------------------


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    is_active = django_filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = Service
        fields: list[str] = []


def list_services(*, tenant: Tenant, filters: Mapping[str, Any], include_inactive: bool) -> QuerySet[Service]:
    """The brand's bookable services by name; `filters`: `q` (in the name), `is_active`.

    Without `include_inactive` (everyone but HQ) inactive services are left out.
    """
    qs = Service.objects.filter(tenant=tenant).order_by("name", "pk")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return _filtered(ServiceFilter, filters, qs)


def get_service(*, tenant: Tenant, service_id: int, include_inactive: bool) -> Service:
    """One service of the brand; NotFound for a missing, foreign or hidden one alike."""
    qs = Service.objects.filter(tenant=tenant, pk=service_id)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    service = qs.first()
    if service is None:
        raise NotFound(_("No such service."))
    return service
