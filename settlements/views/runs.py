"""HQ's settlement pages: the runs (period, status, progress, totals) with the form that starts a
run or a dry run; a run's page with its totals, its per-store statements and its reconciliation
(when the run has one); closing a run; a statement's page (lines, underlying numbers, history,
the answer to a dispute); the disputes waiting for an answer. Under the pages' error boundary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from o2o.errors import AppError, NotFound
from o2o.portals.access import portal_page
from o2o.portals.errors import error_page
from o2o.portals.forms import show_error, validated
from o2o.tenancy.request import SignedInPortalRequest
from settlements import policies
from settlements.forms import NoteForm, RunForm
from settlements.models import SettlementRun, Statement
from settlements.selectors.statements import get_statement, list_disputes, list_run_statements, statement_sales
from settlements.services import runs as run_services
from settlements.services import statements as statement_services
from settlements.statement_view import statement_view

HQ = policies.RUN_MANAGERS
PAGE_SIZE = 25


def _get_run(request: SignedInPortalRequest, run_id: int) -> SettlementRun:
    run = SettlementRun.objects.filter(tenant=request.tenant, pk=run_id).first()
    if run is None:
        raise NotFound(_("No such settlement run."))
    return run


def _runs_page(request: SignedInPortalRequest, form: RunForm, error: AppError | None = None) -> HttpResponse:
    runs = SettlementRun.objects.filter(tenant=request.tenant).order_by("-period_start", "-pk")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"portal": "hq", "page": page, "form": form, "error": error}
    return render(request, "hq/settlements/runs.html", context, status=error.status_code if error else 200)


def _run_refused(request: SignedInPortalRequest, error: AppError) -> HttpResponse:
    form = RunForm(request.POST)
    show_error(form, error)
    return _runs_page(request, form, error)


@portal_page(*HQ, on_error=_run_refused)
def hq_settlement_runs(request: SignedInPortalRequest) -> HttpResponse:
    """The brand's runs, newest period first; POST starts a run or a dry run (`start_run`)."""
    if request.method != "POST":
        return _runs_page(request, RunForm())
    data = validated(RunForm(request.POST))
    run, _created = run_services.start_run(
        tenant=request.tenant, period_start=data["period_start"], period_end=data["period_end"], dry_run=data["dry_run"]
    )
    messages.success(request, _("Settlement run of %(period)s started.") % {"period": str(run)})
    return redirect("hq-settlement-run", run_id=run.pk)


@portal_page(*HQ)
def hq_settlement_run(request: SignedInPortalRequest, run_id: int) -> HttpResponse:
    """A run's totals, its statements store by store, and its reconciliation when it has one."""
    run = _get_run(request, run_id)
    statements = list_run_statements(tenant=request.tenant, run=run)
    context: dict[str, Any] = {"portal": "hq", "run": run, "statements": statements}
    return render(request, "hq/settlements/run.html", context)


hq_settlement_run.resource_model = SettlementRun  # type: ignore[attr-defined]


def _close_refused(request: SignedInPortalRequest, error: AppError, run_id: int) -> HttpResponse:
    if isinstance(error, NotFound):
        return error_page(request, error)
    messages.error(request, error.detail)
    return redirect("hq-settlement-run", run_id=run_id)


@portal_page(*HQ, on_error=_close_refused)
def hq_settlement_run_close(request: SignedInPortalRequest, run_id: int) -> HttpResponse:
    """POST: close the run (`close_run`); its period is never re-opened."""
    run = _get_run(request, run_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run_services.close_run(tenant=request.tenant, run=run)
    messages.success(request, _("The run is closed."))
    return redirect("hq-settlement-run", run_id=run.pk)


hq_settlement_run_close.resource_model = SettlementRun  # type: ignore[attr-defined]


def _statement_page(
    request: SignedInPortalRequest, statement_id: int, portal: str, form: NoteForm, error: AppError | None = None
) -> HttpResponse:
    statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id)
    view = statement_view(
        tenant=request.tenant, statement=statement, sales=statement_sales(tenant=request.tenant, statement=statement)
    )
    context = {
        "portal": portal,
        "view": view,
        "statement": statement,
        "form": form,
        "error": error,
        "can_decide": policies.can_decide_statement(request.actor, statement) and not statement.run.dry_run,
        "can_answer": policies.can_answer_dispute(request.actor),
    }
    template = "hq/settlements/statement.html" if portal == "hq" else "store/statements/statement.html"
    return render(request, template, context, status=error.status_code if error else 200)


def _answer_refused(request: SignedInPortalRequest, error: AppError, statement_id: int) -> HttpResponse:
    if isinstance(error, NotFound):
        return error_page(request, error)
    form = NoteForm(request.POST)
    show_error(form, error)
    return _statement_page(request, statement_id, "hq", form, error)


@portal_page(*HQ, on_error=_answer_refused)
def hq_statement(request: SignedInPortalRequest, statement_id: int) -> HttpResponse:
    """A statement as HQ sees it; POST answers its dispute (`answer_dispute`)."""
    if request.method != "POST":
        return _statement_page(request, statement_id, "hq", NoteForm())
    statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id, detail=False)
    data = validated(NoteForm(request.POST))
    statement_services.answer_dispute(
        tenant=request.tenant, statement=statement, actor=request.actor, note=data["note"]
    )
    messages.success(request, _("Your answer is sent to the store."))
    return redirect("hq-statement", statement_id=statement_id)


hq_statement.resource_model = Statement  # type: ignore[attr-defined]


@portal_page(*HQ)
def hq_disputes(request: SignedInPortalRequest) -> HttpResponse:
    """The disputed statements HQ has not answered yet."""
    page = Paginator(list_disputes(tenant=request.tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hq/settlements/disputes.html", {"portal": "hq", "page": page})
