"""Statements' files and decisions (api.md, Settlement):

- `GET /api/v1/statements/{id}/export.csv` and `export.pdf`: the statement with its underlying
  numbers (HQ; a store manager their store's statements of real runs);
- `POST /api/v1/statements/{id}/confirm/` and `/dispute/ {note}`: the store's manager;
- `POST /api/v1/statements/{id}/answer/ {note}`: HQ answers a dispute.
The decisions answer the statement with its history (`StatementDecisionOutput`); their states and
conflicts are `settlements.services.statements`'. Errors stay JSON.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.tenancy.request import SignedInApiRequest
from settlements import exports, policies
from settlements.models import Statement, StatementEvent
from settlements.selectors.statements import get_statement, statement_sales
from settlements.services import statements as statement_services
from settlements.statement_view import StatementView, statement_view


def read_statement_view(request: SignedInApiRequest | Any, statement_id: int) -> StatementView:
    """The statement the caller may see, with its sales, ready for a file (5 queries)."""
    statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id)
    sales = statement_sales(tenant=request.tenant, statement=statement)
    return statement_view(tenant=request.tenant, statement=statement, sales=sales)


def file_response(content: bytes, media_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _StatementFileApi(TenantApi):
    allowed_roles: ClassVar = {"GET": policies.STATEMENT_READERS}
    resource_model = Statement

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        renderer = JSONRenderer()  # the file is an HttpResponse; errors stay JSON
        return renderer, renderer.media_type


class StatementCsvApi(_StatementFileApi):
    """GET /api/v1/statements/{id}/export.csv: the statement and its underlying numbers as CSV."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request: SignedInApiRequest, statement_id: int) -> HttpResponse:
        view = read_statement_view(request, statement_id)
        name = exports.statement_file_name(view) + ".csv"
        return file_response(exports.statement_csv(view), exports.CSV_MEDIA_TYPE, name)


class StatementPdfApi(_StatementFileApi):
    """GET /api/v1/statements/{id}/export.pdf: the statement as a PDF in the reader's language."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: SignedInApiRequest, statement_id: int) -> HttpResponse:
        view = read_statement_view(request, statement_id)
        name = exports.statement_file_name(view) + ".pdf"
        return file_response(exports.statement_pdf(view), exports.PDF_MEDIA_TYPE, name)


class StatementEventOutput(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None)

    class Meta:
        model = StatementEvent
        fields = ["action", "note", "by", "at"]


class StatementDecisionOutput(serializers.ModelSerializer):
    history = StatementEventOutput(many=True, source="events")

    class Meta:
        model = Statement
        fields = ["id", "store", "status", "net", "note", "answer", "answered_at", "history"]


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


def _decided(request: SignedInApiRequest, statement_id: int) -> Response:
    statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id)
    return Response(StatementDecisionOutput(statement).data)


class StatementConfirmApi(TenantApi):
    """POST /api/v1/statements/{id}/confirm/: the store's manager accepts the statement."""

    allowed_roles: ClassVar = {"POST": policies.STATEMENT_DECIDERS}
    resource_model = Statement
    error_responses: ClassVar = {"POST": {409: "A preview, or a dispute HQ has not answered yet"}}

    @extend_schema(request=None, responses={200: StatementDecisionOutput})
    def post(self, request: SignedInApiRequest, statement_id: int) -> Response:
        statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id, detail=False)
        statement_services.confirm_statement(tenant=request.tenant, statement=statement, actor=request.actor)
        return _decided(request, statement_id)


class StatementDisputeApi(TenantApi):
    """POST /api/v1/statements/{id}/dispute/ {note}: the store's manager disputes the statement."""

    allowed_roles: ClassVar = {"POST": policies.STATEMENT_DECIDERS}
    resource_model = Statement
    error_responses: ClassVar = {"POST": {409: "Confirmed, a preview, or a dispute not answered yet"}}

    @extend_schema(request=NoteInput, responses={200: StatementDecisionOutput})
    def post(self, request: SignedInApiRequest, statement_id: int) -> Response:
        statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id, detail=False)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        statement_services.dispute_statement(
            tenant=request.tenant, statement=statement, actor=request.actor, note=data.validated_data["note"]
        )
        return _decided(request, statement_id)


class StatementAnswerApi(TenantApi):
    """POST /api/v1/statements/{id}/answer/ {note}: HQ answers the statement's dispute."""

    allowed_roles: ClassVar = {"POST": policies.DISPUTE_ANSWERERS}
    resource_model = Statement
    error_responses: ClassVar = {"POST": {409: "No dispute waiting for an answer"}}

    @extend_schema(request=NoteInput, responses={200: StatementDecisionOutput})
    def post(self, request: SignedInApiRequest, statement_id: int) -> Response:
        statement = get_statement(tenant=request.tenant, actor=request.actor, statement_id=statement_id, detail=False)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        statement_services.answer_dispute(
            tenant=request.tenant, statement=statement, actor=request.actor, note=data.validated_data["note"]
        )
        return _decided(request, statement_id)


urlpatterns = [
    path("statements/<int:statement_id>/export.csv", StatementCsvApi.as_view(), name="statement-export-csv"),
    path("statements/<int:statement_id>/export.pdf", StatementPdfApi.as_view(), name="statement-export-pdf"),
    path("statements/<int:statement_id>/confirm/", StatementConfirmApi.as_view(), name="statement-confirm"),
    path("statements/<int:statement_id>/dispute/", StatementDisputeApi.as_view(), name="statement-dispute"),
    path("statements/<int:statement_id>/answer/", StatementAnswerApi.as_view(), name="statement-answer"),
]
