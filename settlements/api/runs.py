"""Settlement runs and their statements (api.md, Settlement).

- `POST /api/v1/settlement-runs/` `{period_start, period_end, dry_run?}` (HQ) -> 202 `{id, status}`:
  the brand's run of the period, created and queued, or the same run again (a failed one queued
  again); 400 naming `period_end` for a period not ended (a real run) or ending before it starts;
  409 `period_overlaps` for a period overlapping one already settled.
- `GET /api/v1/settlement-runs/` (HQ): the runs, latest first; `GET .../{id}/` `{id, period_start,
  period_end, status, dry_run, totals, progress, error, created_at, finished_at, closed_at,
  reconciliation, reconciled_at}` (`progress` 0-100 while it runs).
- `POST .../{id}/close/` (HQ): the run closed (its commissions paid); 409 `run_not_done` for a dry,
  unfinished or failed run. Closing a closed run answers it as it is.
- `POST .../{id}/reconcile/` (HQ): reconciled now, synchronously (the same reads as a run), the
  run with its `reconciliation` `{ok, checks: [{name, ok, expected, found, detail}]}`; 409
  `run_not_done` for a run not finished.
- `GET /api/v1/statements/?run=&store=` (HQ: every store's; a store manager: their store's only):
  `{id, run, store, store_code, store_name, period: {start, end}, status, note, lines: [{kind,
  description, amount, counts, data}], net}`; `net` > 0: HQ owes the store.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.fields import id_field
from o2o.tenancy.request import TenantApiRequest
from settlements import policies
from settlements.models import SettlementRun, Statement, StatementLine
from settlements.selectors.runs import get_run, list_runs, list_statements
from settlements.services.reconciliation import reconcile_run
from settlements.services.runs import close_run, start_run

HQ = policies.RUN_MANAGERS
READERS = policies.STATEMENT_READERS


class RunOutput(serializers.ModelSerializer):
    class Meta:
        model = SettlementRun
        fields = [
            "id",
            "period_start",
            "period_end",
            "status",
            "dry_run",
            "totals",
            "progress",
            "error",
            "created_at",
            "finished_at",
            "closed_at",
            "reconciliation",
            "reconciled_at",
        ]


class RunStarted(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class RunInput(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    dry_run = serializers.BooleanField(required=False, default=False)


class RunListApi(TenantApi):
    """GET/POST /api/v1/settlement-runs/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ, "POST": HQ}
    resource_model = SettlementRun
    error_responses: ClassVar = {"POST": {409: "The period overlaps a period already settled"}}

    @extend_schema(responses={200: RunOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        return self.paginate(list_runs(tenant=request.tenant), RunOutput)

    @extend_schema(request=RunInput, responses={202: RunStarted})
    def post(self, request: TenantApiRequest) -> Response:
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run, _ = start_run(tenant=request.tenant, **data.validated_data)
        return Response({"id": run.pk, "status": run.status}, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(TenantApi):
    """GET /api/v1/settlement-runs/{id}/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ}
    resource_model = SettlementRun

    @extend_schema(responses={200: RunOutput})
    def get(self, request: TenantApiRequest, run_id: int) -> Response:
        return Response(RunOutput(get_run(tenant=request.tenant, run_id=run_id)).data)


class RunCloseApi(TenantApi):
    """POST /api/v1/settlement-runs/{id}/close/ (HQ)."""

    allowed_roles: ClassVar = {"POST": HQ}
    resource_model = SettlementRun
    error_responses: ClassVar = {"POST": {409: "The run is a dry run, not finished, or failed"}}

    @extend_schema(request=None, responses={200: RunOutput})
    def post(self, request: TenantApiRequest, run_id: int) -> Response:
        run = get_run(tenant=request.tenant, run_id=run_id)
        return Response(RunOutput(close_run(tenant=request.tenant, run=run)).data)


class RunReconcileApi(TenantApi):
    """POST /api/v1/settlement-runs/{id}/reconcile/ (HQ): reconcile now."""

    allowed_roles: ClassVar = {"POST": HQ}
    resource_model = SettlementRun
    error_responses: ClassVar = {"POST": {409: "The run is not finished"}}

    @extend_schema(request=None, responses={200: RunOutput})
    def post(self, request: TenantApiRequest, run_id: int) -> Response:
        run = get_run(tenant=request.tenant, run_id=run_id)
        return Response(RunOutput(reconcile_run(tenant=request.tenant, run=run)).data)


class LineOutput(serializers.ModelSerializer):
    class Meta:
        model = StatementLine
        fields = ["kind", "description", "amount", "counts", "data"]


class StatementOutput(serializers.ModelSerializer):
    store_code = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    period = serializers.SerializerMethodField()
    lines = LineOutput(many=True)

    class Meta:
        model = Statement
        fields = ["id", "run", "store", "store_code", "store_name", "period", "status", "note", "lines", "net"]

    def get_period(self, statement: Statement) -> dict[str, Any]:
        return {"start": statement.run.period_start.isoformat(), "end": statement.run.period_end.isoformat()}


class StatementFilter(serializers.Serializer):
    run = id_field(required=False)
    store = id_field(required=False)


class StatementListApi(TenantApi):
    """GET /api/v1/statements/?run=&store= (HQ; a store manager: their store's)."""

    allowed_roles: ClassVar = {"GET": READERS}
    resource_model = Statement

    @extend_schema(
        parameters=[OpenApiParameter("run", int), OpenApiParameter("store", int)],
        responses={200: StatementOutput(many=True)},
    )
    def get(self, request: TenantApiRequest) -> Response:
        params = StatementFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        statements = list_statements(
            tenant=request.tenant,
            actor=request.actor,
            run_id=params.validated_data.get("run"),
            store_id=params.validated_data.get("store"),
        )
        return self.paginate(statements, StatementOutput)


urlpatterns = [
    path("settlement-runs/", RunListApi.as_view(), name="settlement-run-list"),
    path("settlement-runs/<int:run_id>/", RunDetailApi.as_view(), name="settlement-run-detail"),
    path("settlement-runs/<int:run_id>/close/", RunCloseApi.as_view(), name="settlement-run-close"),
    path("settlement-runs/<int:run_id>/reconcile/", RunReconcileApi.as_view(), name="settlement-run-reconcile"),
    path("statements/", StatementListApi.as_view(), name="statement-list"),
]
