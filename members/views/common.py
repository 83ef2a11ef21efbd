"""What the HQ and store member lists share: the filters, the page of rows, and the list again with
a refused filter named on the form (the pages' error boundary, `o2o.portals.errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render

from members.models import Member
from members.selectors import list_members, member_filter_form, member_view
from o2o.errors import AppError
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from stores.selectors import list_active_stores

PAGE_SIZE = 50
FILTERS = ("q", "home_store", "served")


def _render(
    request: SignedInPortalRequest,
    template: str,
    form: forms.Form,
    members: QuerySet[Member],
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": [{"member": member_view(member), "home_store": member.home_store} for member in page],
        "stores": list_active_stores(tenant=request.tenant),
        "filters": {name: form.data.get(name, "") for name in FILTERS},
        **extra,
    }
    return render(request, template, context, status=status)


def member_list(request: SignedInPortalRequest, template: str, **extra: Any) -> HttpResponse:
    """The page of members the user may see (`list_members`), with the query string's filters. A
    bad filter raises InvalidForm (400), which the page's `on_error` shows (`member_list_refused`)."""
    form = member_filter_form(request.GET)
    validated(form)
    members = list_members(tenant=request.tenant, actor=request.actor, filters=request.GET)
    return _render(request, template, form, members, **extra)


def member_list_refused(request: SignedInPortalRequest, error: AppError, template: str, **extra: Any) -> HttpResponse:
    """The list page again: no rows, the filters as typed, the error next to the filter it names."""
    form = member_filter_form(request.GET)
    show_error(form, error)
    return _render(request, template, form, Member.objects.none(), status=error.status_code, **extra)
