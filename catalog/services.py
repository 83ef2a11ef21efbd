"""Writes of the catalog: categories, products with their SKUs, regional prices, services, and the
bulk product import.

Every unique rule (a SKU code, a product name, a category name under its parent, a service name,
one regional price per region and SKU) is held by a database constraint and checked here first, so
that a duplicate is a 400 naming the field, never a 500. Prices are Decimals >= 0 with at most two
decimals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from catalog.resources import ProductRowResource, UnreadableFile, read_dataset, row_errors
from catalog.selectors import category_parents, descendant_ids
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant

MAX_PRICE = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)

# constraint name -> (field, message): a unique violation that slipped past the checks (a race)
_UNIQUE_FIELDS = {
    "category_unique_name_under_parent": (
        "name",
        gettext_lazy("A category with this name exists already under this parent."),
    ),
    "category_unique_top_level_name": ("name", gettext_lazy("A top-level category with this name exists already.")),
    "product_unique_name": ("name", gettext_lazy("A product with this name exists already.")),
    "sku_unique_code": ("skus", gettext_lazy("A SKU code is used already; reload and try again.")),
    "service_unique_name": ("name", gettext_lazy("A service with this name exists already.")),
}


class InvalidFields(InvalidInput):
    """A 400 naming several fields, nested lists included: `{"skus": [{}, {"code": [...]}]}`."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(next(iter(errors)), "")
        self.detail = _("Invalid input: %(fields)s.") % {"fields": ", ".join(errors)}
        self.extra = {"errors": errors}


@contextmanager
def _unique_violations_as_invalid() -> Iterator[None]:
    """Run the writes in a savepoint; a unique violation (a concurrent duplicate) becomes a 400."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        text = str(exc)
        for constraint, (field, message) in _UNIQUE_FIELDS.items():
            if constraint in text:
                raise InvalidInput(field, str(message)) from exc
        raise Conflict(_("The catalog changed at the same time; try again.")) from exc


def check_price(*, field: str, price: Decimal) -> None:
    """Raise InvalidInput naming `field` unless `price` is a Decimal >= 0 with at most 2 decimals."""
    if not isinstance(price, Decimal) or not price.is_finite():
        raise InvalidInput(field, _("Enter a number."))
    if price < 0:
        raise InvalidInput(field, _("A price cannot be negative."))
    if price > MAX_PRICE:
        raise InvalidInput(field, _("This price is too large."))
    if price != price.quantize(Decimal("0.01")):
        raise InvalidInput(field, _("A price has at most 2 decimal places."))


# --- categories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInput:
    name: str
    parent: Category | None = None


def _check_category(*, tenant: Tenant, category: Category | None, data: CategoryInput) -> None:
    name = data.name.strip()
    if not name:
        raise InvalidInput("name", _("This field may not be blank."))
    if data.parent is not None:
        if data.parent.tenant_id != tenant.pk:
            raise InvalidInput("parent", _("No such category."))
        if category is not None:
            below = descendant_ids(parents=category_parents(tenant=tenant), category_id=category.pk)
            if data.parent.pk in below:
                raise InvalidInput("parent", _("A category cannot be placed under itself or one of its subcategories."))
    siblings = Category.objects.filter(tenant=tenant, parent=data.parent, name=name)
    if category is not None:
        siblings = siblings.exclude(pk=category.pk)
    if siblings.exists():
        raise InvalidInput("name", _("A category with this name exists already under this parent."))


@transaction.atomic
def create_category(*, tenant: Tenant, data: CategoryInput) -> Category:
    """Create a category, top-level or under `data.parent`.

    Raises InvalidInput (400) naming `name` when a sibling has the name, `parent` when it is not
    the brand's.
    """
    _check_category(tenant=tenant, category=None, data=data)
    with _unique_violations_as_invalid():
        return Category.objects.create(tenant=tenant, name=data.name.strip(), parent=data.parent)


@transaction.atomic
def update_category(*, tenant: Tenant, category: Category, data: CategoryInput) -> Category:
    """Rename or move a category.

    Raises InvalidInput (400) naming `parent` when the move would make a cycle (under itself or one
    of its subcategories), `name` when a sibling has the name; NotFound when it is gone.
    """
    locked = Category.objects.select_for_update().filter(tenant=tenant, pk=category.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such category."))
    category = locked
    _check_category(tenant=tenant, category=category, data=data)
    category.name = data.name.strip()
    category.parent = data.parent
    with _unique_violations_as_invalid():
        category.save(update_fields=["name", "parent"])
    return category


@transaction.atomic
def delete_category(*, tenant: Tenant, category: Category) -> None:
    """Delete an empty category. Raises Conflict (409) while it holds products or subcategories,
    NotFound when it is gone already."""
    locked = Category.objects.select_for_update().filter(tenant=tenant, pk=category.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such category."))
    category = locked
    if Product.objects.filter(tenant=tenant, category=category).exists():
        raise Conflict(_("The category holds products: move them first."), code="category_in_use")
    if Category.objects.filter(tenant=tenant, parent=category).exists():
        raise Conflict(_("The category holds subcategories: move them first."), code="category_in_use")
    try:
        with transaction.atomic():
            category.delete()
    except ProtectedError as exc:
        raise Conflict(_("The category is in use."), code="category_in_use") from exc


# --- products and their SKUs ------------------------------------------------------------------


@dataclass(frozen=True)
class ProductInput:
    name: str
    category: Category
    description: str = ""
    is_active: bool = True


@dataclass(frozen=True)
class SkuInput:
    """One SKU of a product as HQ lists it: `id` names an existing SKU of the product to update."""

    code: str
    name: str
    price: Decimal
    id: int | None = None
    is_active: bool = True


@dataclass
class _SkuPlan:
    create: list[Sku]
    update: list[Sku]


def _plan_skus(*, tenant: Tenant, product: Product | None, skus: Sequence[SkuInput]) -> tuple[_SkuPlan, list[dict]]:
    """Match the listed SKUs with the product's: what to create, what to update, and the errors.

    A listed SKU with an `id` updates that SKU; one without an `id` updates the product's SKU with
    the same code (so a SKU dropped and listed again comes back), else is created. The product's
    SKUs that are not listed are deactivated, never deleted: orders, stock and price history keep
    pointing at them, and their codes stay taken.
    """
    existing: dict[int, Sku] = {}
    if product is not None:
        locked = Sku.objects.select_for_update().filter(tenant=tenant, product=product).order_by("pk")
        existing = {sku.pk: sku for sku in locked}
    by_code = {sku.code: sku for sku in existing.values()}
    codes = [entry.code.strip() for entry in skus]
    others = Sku.objects.filter(tenant=tenant, code__in=codes)
    if product is not None:
        others = others.exclude(product=product)
    elsewhere = dict(others.values_list("code", "product__name"))
    errors: list[dict] = [{} for _ in skus]
    seen: dict[str, int] = {}
    matched: set[int] = set()
    plan = _SkuPlan(create=[], update=[])
    for index, (entry, code) in enumerate(zip(skus, codes, strict=True)):
        row: dict[str, list[str]] = {}
        if not code:
            row["code"] = [_("This field may not be blank.")]
        elif code in seen:
            row["code"] = [_("The code %(code)s is listed twice.") % {"code": code}]
        elif code in elsewhere:
            row["code"] = [
                _("The code %(code)s is used by a SKU of the product '%(product)s'.")
                % {"code": code, "product": elsewhere[code]}
            ]
        if not entry.name.strip():
            row["name"] = [_("This field may not be blank.")]
        try:
            check_price(field="price", price=entry.price)
        except InvalidInput as exc:
            row["price"] = [exc.detail]
        target: Sku | None = None
        if entry.id is not None:
            target = existing.get(entry.id)
            if target is None:
                row["id"] = [_("No SKU with this id in this product.")]
            elif code in by_code and by_code[code].pk != target.pk:
                row["code"] = [_("The code %(code)s belongs to another SKU of this product.") % {"code": code}]
        elif code in by_code:
            target = by_code[code]
        if target is not None and target.pk in matched and "code" not in row:
            row.setdefault("id", [_("This SKU is listed twice.")])
        seen.setdefault(code, index)
        errors[index] = row
        if row:
            continue
        if target is None:
            plan.create.append(
                Sku(tenant=tenant, code=code, name=entry.name.strip(), price=entry.price, is_active=entry.is_active)
            )
        else:
            matched.add(target.pk)
            new = (code, entry.name.strip(), entry.price, entry.is_active)
            if (target.code, target.name, target.price, target.is_active) != new:
                target.code, target.name, target.price, target.is_active = new
                plan.update.append(target)
    for sku in existing.values():
        if sku.pk not in matched and sku.is_active:
            sku.is_active = False
            plan.update.append(sku)
    return plan, errors


def _check_product(*, tenant: Tenant, product: Product | None, data: ProductInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = [_("This field may not be blank.")]
    else:
        same_name = Product.objects.filter(tenant=tenant, name=name)
        if product is not None:
            same_name = same_name.exclude(pk=product.pk)
        if same_name.exists():
            errors["name"] = [_("A product with this name exists already.")]
    if data.category.tenant_id != tenant.pk:
        errors["category"] = [_("No such category.")]
    return errors


def _save_skus(*, tenant: Tenant, product: Product, plan: _SkuPlan) -> None:
    # Bulk writes with their history rows: the query count does not grow with the number of SKUs.
    if plan.update:
        # _plan_skus refuses a rename onto a code another SKU still holds (even one given up in the
        # same call), so this single UPDATE never collides with itself on the unique code.
        bulk_update_with_history(plan.update, Sku, ["code", "name", "price", "is_active"])
    if plan.create:
        for sku in plan.create:
            sku.product = product
        bulk_create_with_history(plan.create, Sku)


def _apply_product(
    *, tenant: Tenant, product: Product | None, data: ProductInput, skus: Sequence[SkuInput] | None
) -> Product:
    errors: dict[str, Any] = _check_product(tenant=tenant, product=product, data=data)
    plan = _SkuPlan(create=[], update=[])
    if skus is not None:
        plan, sku_errors = _plan_skus(tenant=tenant, product=product, skus=skus)
        if any(sku_errors):
            errors["skus"] = sku_errors
    if errors:
        raise InvalidFields(errors)
    with _unique_violations_as_invalid():
        if product is None:
            product = Product.objects.create(
                tenant=tenant,
                name=data.name.strip(),
                category=data.category,
                description=data.description,
                is_active=data.is_active,
            )
        else:
            product.name = data.name.strip()
            product.category = data.category
            product.description = data.description
            product.is_active = data.is_active
            product.save(update_fields=["name", "category", "description", "is_active"])
        _save_skus(tenant=tenant, product=product, plan=plan)
    return product


@transaction.atomic
def create_product(*, tenant: Tenant, data: ProductInput, skus: Sequence[SkuInput]) -> Product:
    """Create a product with its SKUs in one go.

    Raises InvalidFields (400) naming every bad field at once: `name` (taken), `category` (not the
    brand's), and per SKU `skus[i].code` (blank, listed twice, used by another product),
    `skus[i].name`, `skus[i].price` (negative, more than 2 decimals). Nothing is written then.
    """
    return _apply_product(tenant=tenant, product=None, data=data, skus=skus)


@transaction.atomic
def update_product(*, tenant: Tenant, product: Product, data: ProductInput, skus: Sequence[SkuInput] | None) -> Product:
    """Change a product and, when `skus` is given, make its SKUs the listed ones.

    Listed SKUs with an `id` (or, without one, the code of one of the product's SKUs) are updated,
    the others created; the product's SKUs left out of the list are deactivated, not deleted (orders,
    stock and price history refer to them; list one again to bring it back). `skus=None` leaves the
    SKUs alone. Errors as for `create_product`, plus `skus[i].id` for an id that is not one of the
    product's SKUs; nothing is written then. NotFound when the product is gone.
    """
    locked = Product.objects.select_for_update().filter(tenant=tenant, pk=product.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such product."))
    product = locked
    return _apply_product(tenant=tenant, product=product, data=data, skus=skus)


@transaction.atomic
def delete_product(*, tenant: Tenant, product: Product) -> None:
    """Delete a product with its SKUs, their stock rows and regional prices.

    Raises Conflict (409) when something that must be kept refers to a SKU (an order line):
    deactivate the product instead.
    """
    try:
        with transaction.atomic():
            Product.objects.filter(tenant=tenant, pk=product.pk).delete()
    except ProtectedError as exc:
        raise Conflict(_("The product's SKUs are in use: deactivate it instead."), code="product_in_use") from exc


# --- regional prices --------------------------------------------------------------------------


def _clean_region(region: str) -> str:
    region = region.strip()
    if not region:
        raise InvalidInput("region", _("This field may not be blank."))
    if len(region) > (RegionalPrice._meta.get_field("region").max_length or 64):
        raise InvalidInput("region", _("The region name is too long."))
    return region


@transaction.atomic
def set_regional_price(*, tenant: Tenant, sku: Sku, region: str, price: Decimal) -> tuple[RegionalPrice, bool]:
    """Set the price of `sku` in `region` (rules.md 1.7), creating or updating it.

    Returns the row and whether it was created. Raises InvalidInput naming `region`, `sku` (not the
    brand's) or `price` (negative, more than 2 decimals). A concurrent set of the same region and SKU
    ends as one row with the last price.
    """
    region = _clean_region(region)
    check_price(field="price", price=price)
    if sku.tenant_id != tenant.pk:
        raise InvalidInput("sku", _("No such SKU."))
    existing = RegionalPrice.objects.select_for_update().filter(tenant=tenant, sku=sku, region=region).first()
    if existing is None:
        try:
            with transaction.atomic():
                return RegionalPrice.objects.create(tenant=tenant, sku=sku, region=region, price=price), True
        except IntegrityError:  # set by someone else meanwhile: theirs is now the row to update
            existing = RegionalPrice.objects.select_for_update().get(tenant=tenant, sku=sku, region=region)
    if existing.price != price:
        existing.price = price
        existing.save(update_fields=["price"])
    return existing, False


@transaction.atomic
def update_regional_price(*, tenant: Tenant, regional_price: RegionalPrice, price: Decimal) -> RegionalPrice:
    """Change the price of a regional price row. Raises InvalidInput naming `price`; NotFound when
    the row is gone."""
    check_price(field="price", price=price)
    locked = RegionalPrice.objects.select_for_update().filter(tenant=tenant, pk=regional_price.pk).first()
    if locked is None:  # deleted while this transaction waited for the lock
        raise NotFound(_("No such regional price."))
    regional_price = locked
    if regional_price.price != price:
        regional_price.price = price
        regional_price.save(update_fields=["price"])
    return regional_price


@transaction.atomic
def delete_regional_price(*, tenant: Tenant, regional_price: RegionalPrice) -> None:
    """Remove a regional price: the SKU's own price applies in that region again."""
    RegionalPrice.objects.filter(tenant=tenant, pk=regional_price.pk).delete()


@transaction.atomic
def clear_regional_price(*, tenant: Tenant, sku: Sku, region: str) -> bool:
    """Remove the price of `sku` in `region`, if one is set (its own price applies there again).

    Returns whether one was removed.
    """
    deleted, _ = RegionalPrice.objects.filter(tenant=tenant, sku=sku, region=region.strip()).delete()
    return bool(deleted)


# --- services ---------------------------------------------------------------------------------


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
    with _unique_violations_as_invalid():
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
    with _unique_violations_as_invalid():
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


# --- bulk import ------------------------------------------------------------------------------


class ImportRejected(InvalidInput):
    """A 400 for an import with bad rows: `errors.rows` lists `{line, field, message}`; nothing was written."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__("rows", "")
        lines = sorted({row["line"] for row in rows if row["line"]})
        count = len(lines)
        self.detail = (
            ngettext(
                "%(count)d row of the file is invalid (line %(lines)s); nothing was imported.",
                "%(count)d rows of the file are invalid (lines %(lines)s); nothing was imported.",
                count,
            )
            % {"count": count, "lines": ", ".join(map(str, lines))}
            if lines
            else _("The file could not be imported; nothing was imported.")
        )
        self.extra = {"errors": {"rows": rows}}


@dataclass(frozen=True)
class ImportSummary:
    created: int  # SKUs
    updated: int  # SKUs
    products_created: int
    products_updated: int
    categories_created: int


@transaction.atomic
def import_products(*, tenant: Tenant, file_name: str, content: bytes) -> ImportSummary:
    """Create and update products and their SKUs from a CSV or XLSX file (catalog/resources.py).

    All-or-nothing: raises InvalidInput naming `file` for a file that cannot be read or lacks a
    column, and ImportRejected listing every bad row (line, field, message) when any row is bad;
    nothing is written then.
    """
    try:
        dataset = read_dataset(file_name=file_name, content=content)
    except UnreadableFile as exc:
        raise InvalidInput("file", str(exc)) from exc
    resource = ProductRowResource(tenant=tenant)
    # One savepoint for the whole file, rolled back by import-export itself when any row fails.
    result = resource.import_data(
        dataset, dry_run=False, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
    )
    if result.has_errors() or result.has_validation_errors():
        rows = [{"line": e.line, "field": e.field, "message": e.message} for e in row_errors(result)]
        raise ImportRejected(rows)
    return ImportSummary(
        created=result.totals["new"],
        updated=result.totals["update"],
        products_created=resource.counts.products_created,
        products_updated=resource.counts.products_updated,
        categories_created=resource.counts.categories_created,
    )
