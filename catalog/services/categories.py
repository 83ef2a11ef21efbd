"""Categories: a tree of names, each unique under its parent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from catalog.models import Category, Product
from catalog.selectors import category_parents, descendant_ids
from catalog.services.common import unique_violations_as_invalid
from o2o.errors import Conflict, InvalidInput, NotFound
from o2o.models import Tenant


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
    with unique_violations_as_invalid():
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
    with unique_violations_as_invalid():
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
