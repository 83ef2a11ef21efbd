"""The store dashboard's statements: my store's statements (real runs), a statement's page with
every line and its underlying numbers, confirm or dispute it with a note, the PDF and the CSV.
Under the pages' error boundary: a refused dispute is shown on the statement, the note kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from o2o.choices import Role
from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from settlements import exports
from settlements.api.statements import file_response, read_statement_view
from settlements.forms import NoteForm
from settlements.models import Statement
from settlements.selectors.statements import get_statement, list_store_statements
from settlements.services import statements as statement_services
from settlements.views.runs import PAGE_SIZE, _statement_page
from stores.policies import managed_store_id

MANAGER = Role.STORE_MANAGER


@portal_page(MANAGER)
def store_statements(request: SignedInPortalRequest) -> HttpResponse:
    """The manager's store's statements, newest period first."""
    store_id = managed_store_id(request.actor)
    statements = (
        list_store_statements(tenant=request.tenant, store_id=store_id) if store_id else Statement.objects.none()
    )
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "store/statements/list.html", {"portal": "store", "page": page})


def _decision_refused(request: SignedInPortalRequest, error: AppError, statement_id: int) -> HttpResponse:
    if isinstance(error, NotFound):
        return error_page(request, error)
    form = NoteForm(request.POST)
    show_error(form, error)
    return _statement_page(request, statement_id, "store", form, error)


@portal_page(MANAGER, on_error=_decision_refused)
def store_statement(request: SignedInPortalRequest, statement_id: int) -> HttpResponse:
    """A statement of my store; POST `action=confirm` or `action=dispute` (with a note)."""
    if request.method != "POST":
        return _statement_page(request, statement_id, "store", NoteForm())
    statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id, detail=False)
    data = validated(NoteForm(request.POST))
    if request.POST.get("action") == "confirm":
        statement_services.confirm_statement(tenant=request.tenant, statement=statement, actor=request.actor)
        messages.success(request, _("Statement confirmed."))
    else:
        statement_services.dispute_statement(
            tenant=request.tenant, statement=statement, actor=request.actor, note=data["note"]
        )
        messages.success(request, _("Your dispute is sent to HQ."))
    return redirect("store-statement", statement_id=statement_id)


store_statement.resource_model = Statement  # type: ignore[attr-defined]


@portal_page(MANAGER, Role.HQ_ADMIN, Role.HQ_STAFF)
def statement_file(request: SignedInPortalRequest, statement_id: int, file_format: str) -> HttpResponse:
    """The statement as PDF or CSV (the same files as the API)."""
    view = read_statement_view(request, statement_id)
    name = exports.statement_file_name(view)
    if file_format == "pdf":
        return file_response(exports.statement_pdf(view), exports.PDF_MEDIA_TYPE, name + ".pdf")
    return file_response(exports.statement_csv(view), exports.CSV_MEDIA_TYPE, name + ".csv")


statement_file.resource_model = Statement  # type: ignore[attr-defined]
