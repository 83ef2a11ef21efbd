"""Forms of the HQ catalog pages: they parse and check input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from catalog import selectors
from catalog.models import Category, Product, RegionalPrice, Sku
from catalog.productfile import MAX_FILE_BYTES
from o2o.fields import MAX_ID, money_form_field
from o2o.models import Tenant


def _max_length(model: type[Category | Product | Sku | RegionalPrice], field: str) -> int:
    return getattr(model._meta.get_field(field), "max_length", None) or 0


class CategoryChoiceField(forms.ModelChoiceField):
    """The brand's categories, each shown with its path (`Lighting / Table lamps`)."""

    def __init__(self, *, tenant: Tenant, **kwargs: Any) -> None:
        self.paths = selectors.category_paths(tenant=tenant)
        super().__init__(queryset=selectors.list_categories(tenant=tenant), **kwargs)

    def label_from_instance(self, obj: Category) -> str:
        return self.paths.get(obj.pk, obj.name)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=_max_length(Product, "name"))
    category = forms.Field(label=_("Category"))  # replaced per brand in __init__
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryChoiceField(tenant=tenant, label=_("Category"), empty_label=None)


class SkuForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID)
    code = forms.CharField(label=_("Code"), max_length=_max_length(Sku, "code"), required=False)
    name = forms.CharField(label=_("Name"), max_length=_max_length(Sku, "name"), required=False)
    price = money_form_field(label=_("Price"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def is_blank(self) -> bool:
        """A spare row left empty: not a SKU."""
        data = self.cleaned_data
        return not data.get("id") and not data.get("code") and not data.get("name") and data.get("price") is None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or self.is_blank():
            return data
        for name in ("code", "name"):
            if not data.get(name):
                self.add_error(name, _("This field is required."))
        if data.get("price") is None:
            self.add_error("price", _("This field is required."))
        return data


SkuFormSet = formset_factory(SkuForm, extra=2)


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.Field(label=_("Category"), required=False)
    is_active = forms.NullBooleanField(
        label=_("Status"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Active and inactive")), ("true", _("Active only")), ("false", _("Inactive only"))]
        ),
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"] = CategoryChoiceField(
            tenant=tenant, label=_("Category"), required=False, empty_label=_("Any category")
        )

    def filters(self) -> dict[str, Any]:
        """The cleaned filters as `catalog.selectors.list_products` takes them (none left empty)."""
        data = self.cleaned_data
        filters = {"q": data["q"], "category": data["category"].pk if data["category"] else None}
        if data["is_active"] is not None:
            filters["is_active"] = data["is_active"]
        return {key: value for key, value in filters.items() if value not in (None, "")}


class PriceCellForm(forms.Form):
    """One cell of the price-list editor: the price of a SKU in a region; empty removes it."""

    sku = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    region = forms.CharField(widget=forms.HiddenInput, max_length=_max_length(RegionalPrice, "region"))
    price = money_form_field(label=_("Price"), required=False)


class RegionForm(forms.Form):
    region = forms.CharField(label=_("Add a region"), max_length=_max_length(RegionalPrice, "region"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Product file"),
        help_text=_("CSV (UTF-8 or GB18030) or XLSX, one row per SKU."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class CategoryForm(forms.Form):
    """A new category: its name, and the category it goes under (none: a top-level one)."""

    name = forms.CharField(label=_("Name"), max_length=_max_length(Category, "name"))
    parent = forms.Field(label=_("Under"), required=False)  # replaced per brand in __init__

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = CategoryChoiceField(
            tenant=tenant, label=_("Under"), required=False, empty_label=_("(top level)")
        )
