"""The ledger, read only (api.md, Settlement; HQ).

- `GET /api/v1/ledger/accounts/` `{id, owner, kind, balance}`: `owner` `{type: brand|store|guide,
  id, name}` (`id` and `name` null for the brand's own accounts); `balance` the sum of the
  account's postings (signed; on a store operator's account > 0 is what HQ owes the store).
- `GET /api/v1/ledger/entries/` `{id, posted_at, description, run, statement, reverses, postings:
  [{account, amount}]}`, newest first; each entry's amounts sum to zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from o2o.api.base import TenantApi
from o2o.tenancy.request import TenantApiRequest
from settlements import policies
from settlements.models import Account, JournalEntry, Posting
from settlements.selectors.ledger import list_accounts, list_entries

HQ = policies.LEDGER_READERS


class OwnerOutput(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)


class AccountOutput(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    balance = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "owner", "kind", "balance"]

    @extend_schema(responses=OwnerOutput)
    def get_owner(self, account: Account) -> dict[str, Any]:
        if account.store is not None:
            return {"type": "store", "id": account.store_id, "name": account.store.name}
        if account.guide is not None:
            return {"type": "guide", "id": account.guide_id, "name": str(account.guide.user)}
        return {"type": "brand", "id": None, "name": None}

    def get_balance(self, account: Account) -> str:
        return str((getattr(account, "balance", None) or Decimal(0)).quantize(Decimal("0.01")))


class PostingOutput(serializers.ModelSerializer):
    class Meta:
        model = Posting
        fields = ["account", "amount"]


class EntryOutput(serializers.ModelSerializer):
    postings = PostingOutput(many=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "posted_at", "description", "run", "statement", "reverses", "postings"]


class AccountListApi(TenantApi):
    """GET /api/v1/ledger/accounts/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ}
    resource_model = Account

    @extend_schema(responses={200: AccountOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        return self.paginate(list_accounts(tenant=request.tenant), AccountOutput)


class EntryListApi(TenantApi):
    """GET /api/v1/ledger/entries/ (HQ)."""

    allowed_roles: ClassVar = {"GET": HQ}
    resource_model = JournalEntry

    @extend_schema(responses={200: EntryOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        return self.paginate(list_entries(tenant=request.tenant), EntryOutput)


urlpatterns = [
    path("ledger/accounts/", AccountListApi.as_view(), name="ledger-account-list"),
    path("ledger/entries/", EntryListApi.as_view(), name="ledger-entry-list"),
]
