"""Products with their SKUs, written together; SKUs are deactivated, never deleted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalog.models import Category, Product, Sku
from catalog.services.common import InvalidFields, check_price, unique_violations_as_invalid
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant


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
    with unique_violations_as_invalid():
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
