"""The stores themselves: list (by distance with `?near=`), create, read, edit, delete; their contracts."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound as DrfNotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from o2o.api.base import TenantApi
from o2o.api.pagination import Pagination
from o2o.fields import MAX_ID, AsciiDecimalField
from o2o.tenancy.request import TenantApiRequest
from stores import policies, selectors, services
from stores.api.common import EVERYONE, HQ, HQ_AND_MANAGER, authorize
from stores.choices import Capability, StoreKind
from stores.models import LAT_BOUNDS, LNG_BOUNDS, RADIUS_KM_BOUNDS, SALES_SHARE_RATE_BOUNDS, Store


class ContractOutput(serializers.Serializer):
    sales_share_rate = serializers.DecimalField(max_digits=7, decimal_places=4)
    tac_chargeable = serializers.BooleanField()
    commission_borne_by_store = serializers.BooleanField()
    valid_from = serializers.DateField()


_CONTRACT_OUTPUT = ContractOutput()  # one instance for every row: building a serializer per row is slow


class StoreOutput(serializers.Serializer):
    """A store as the contract shows it; `contract` is null unless the caller may see it.

    A plain Serializer with declared fields: a ModelSerializer would introspect the model (and
    build the ~600 time-zone choices) on every request, a third of the "stores near me" time.
    """

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="direct | franchise | counter")
    region = serializers.CharField(help_text="price region")
    city = serializers.CharField()
    district = serializers.CharField(help_text="district code")
    address = serializers.CharField()
    phone = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    service_radius_km = serializers.DecimalField(max_digits=6, decimal_places=2)
    territory = serializers.SerializerMethodField()
    timezone = serializers.CharField()
    opening_hours = serializers.JSONField(help_text='{"mon": [["10:00", "22:00"]], ..., "sun": []}')
    capabilities = serializers.ListField(child=serializers.CharField(), help_text="pickup, delivery, services")
    active = serializers.BooleanField(source="is_active")
    contract = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), help_text="district codes"))
    def get_territory(self, store: Store) -> list[str]:
        codes = getattr(store, "territory_codes", None)  # set by nearest_stores
        if codes is not None:
            return codes
        return sorted(t.district for t in store.territory.all())  # prefetched by the selectors

    @extend_schema_field(ContractOutput(allow_null=True))
    def get_contract(self, store: Store) -> dict[str, Any] | None:
        visible = self.context.get("contract_store_ids", set())
        if visible is not None and store.pk not in visible:
            return None
        contract = selectors.contract_in_force(store)
        return _CONTRACT_OUTPUT.to_representation(contract) if contract is not None else None


class NearStoreOutput(StoreOutput):
    """A store of the list: with `?near=`, also its distance (absent without `near`)."""

    distance_km = serializers.FloatField(
        required=False, help_text="only with `?near=`: the great-circle distance, rounded to the metre"
    )


class ContractInput(serializers.Serializer):
    """Terms left out are kept from the version in force (or, for a new store, its kind's defaults)."""

    sales_share_rate = AsciiDecimalField(**SALES_SHARE_RATE_BOUNDS, required=False)
    tac_chargeable = serializers.BooleanField(required=False)
    commission_borne_by_store = serializers.BooleanField(required=False)
    valid_from = serializers.DateField(required=False, help_text="PATCH only; default today (brand's time zone)")


class StoreInput(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=StoreKind.choices)
    region = serializers.CharField(max_length=64, help_text="price region")
    city = serializers.CharField(max_length=64)
    district = serializers.CharField(max_length=16, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    lat = serializers.FloatField(**LAT_BOUNDS)
    lng = serializers.FloatField(**LNG_BOUNDS)
    service_radius_km = AsciiDecimalField(**RADIUS_KM_BOUNDS, required=False)
    territory = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, max_length=500, help_text="district codes"
    )
    timezone = serializers.CharField(max_length=64, required=False)
    opening_hours = serializers.JSONField(
        required=False, help_text='{"mon": [["10:00", "22:00"]], ..., "sun": []} in the store\'s time zone'
    )
    capabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), required=False, max_length=3
    )
    active = serializers.BooleanField(required=False)
    contract = ContractInput(required=False)


def _store_output(request: TenantApiRequest, store: Store) -> dict[str, Any]:
    """One store (fetched afresh, with its territory and the contract in force today) as output."""
    visible = policies.contract_scope(request.actor)
    store = selectors.get_store(tenant=request.tenant, store_id=store.pk)
    if visible is None or store.pk in visible:
        today = selectors.tenant_today(tenant=request.tenant)
        contract = selectors.current_contract(tenant=request.tenant, store=store, on=today)
        store.contracts_in_force = [contract]  # type: ignore[attr-defined]  # as with_current_contracts sets it
    return StoreOutput(store, context={"contract_store_ids": visible}).data


# --- stores -----------------------------------------------------------------------------------

NEAR_PARAMETERS = [
    OpenApiParameter("near", str, description="LAT,LNG: order by great-circle distance, add `distance_km`"),
    OpenApiParameter("kind", str, enum=StoreKind.values),
    OpenApiParameter("city", str),
    OpenApiParameter("region", str),
    OpenApiParameter("capability", str, enum=Capability.values),
    OpenApiParameter("active", bool, description="HQ only (others always see active stores); ignored with near"),
    OpenApiParameter("q", str, description="in the name or code"),
    OpenApiParameter("has_stock", int, description="a SKU id: stores with some of it available"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


def _parse_near(value: str) -> tuple[float, float]:
    try:
        lat_text, lng_text = value.split(",")
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:
        raise serializers.ValidationError({"near": ["Give LAT,LNG in degrees, e.g. 31.2304,121.4737."]})
    within = LAT_BOUNDS["min_value"] <= lat <= LAT_BOUNDS["max_value"]
    if not (within and LNG_BOUNDS["min_value"] <= lng <= LNG_BOUNDS["max_value"]):  # also refuses nan
        raise serializers.ValidationError({"near": ["A latitude is within ±90 and a longitude within ±180."]})
    return lat, lng


class StoreListApi(TenantApi):
    """GET /api/v1/stores/ (anyone), POST (HQ): the brand's stores; `?near=LAT,LNG` by distance."""

    allowed_roles: ClassVar = {"GET": EVERYONE, "POST": HQ}
    resource_model = Store

    @extend_schema(parameters=NEAR_PARAMETERS, responses={200: NearStoreOutput(many=True)})
    def get(self, request: TenantApiRequest) -> Response:
        filters = {key: request.query_params.get(key, "") for key in ("kind", "city", "region", "capability", "q")}
        filters["has_stock"] = request.query_params.get("has_stock", "")
        filters["active"] = request.query_params.get("active", "") if request.actor.is_hq else "true"
        context = {"contract_store_ids": policies.contract_scope(request.actor)}
        if "near" in request.query_params:
            return self._near(request, filters, context)
        stores = selectors.list_stores(tenant=request.tenant, filters=filters)
        if context["contract_store_ids"] != set():
            today = selectors.tenant_today(tenant=request.tenant)
            stores = selectors.with_current_contracts(tenant=request.tenant, stores=stores, on=today)
        return self.paginate(stores, partial(StoreOutput, context=context))

    def _near(self, request: TenantApiRequest, filters: dict[str, str], context: dict[str, Any]) -> Response:
        lat, lng = _parse_near(request.query_params["near"])
        paginator = Pagination()
        page_size = paginator.get_page_size(request) or Pagination.page_size
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            raise DrfNotFound("Invalid page.")
        if page < 1:
            raise DrfNotFound("Invalid page.")
        has_stock = filters["has_stock"]
        if has_stock and not (has_stock.isascii() and has_stock.isdigit() and int(has_stock) <= MAX_ID):
            raise serializers.ValidationError({"has_stock": ["Enter a whole number."]})
        found, total = selectors.nearest_stores(
            tenant=request.tenant,
            lat=lat,
            lng=lng,
            limit=page_size,
            offset=(page - 1) * page_size,
            capability=filters["capability"] or None,
            kind=filters["kind"] or None,
            city=filters["city"] or None,
            region=filters["region"] or None,
            q=filters["q"] or None,
            sku_id=int(has_stock) if has_stock else None,
        )
        if page > 1 and not found:
            raise DrfNotFound("Invalid page.")
        stores = [store for store, _ in found]
        for store, distance in found:
            store.distance_km = round(distance, 3)  # type: ignore[attr-defined]  # read by NearStoreOutput
        if context["contract_store_ids"] != set():
            today = selectors.tenant_today(tenant=request.tenant)
            selectors.attach_current_contracts(tenant=request.tenant, stores=stores, on=today)
        url = request.build_absolute_uri()
        after = (page - 1) * page_size + len(found)
        previous = None
        if page > 1:
            previous = remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1)
        return Response(
            {
                "count": total,
                "next": replace_query_param(url, "page", page + 1) if after < total else None,
                "previous": previous,
                "results": NearStoreOutput(stores, many=True, context=context).data,
            }
        )

    @extend_schema(request=StoreInput, responses={201: StoreOutput})
    def post(self, request: TenantApiRequest) -> Response:
        policies.authorize_create_store(request.actor)
        data = StoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        given = values.pop("contract", None)
        contract = None
        if given is not None:
            defaults = services.ContractTerms.defaults_for(values["kind"])
            contract = services.ContractTerms(
                sales_share_rate=given.get("sales_share_rate", defaults.sales_share_rate),
                tac_chargeable=given.get("tac_chargeable", defaults.tac_chargeable),
                commission_borne_by_store=given.get("commission_borne_by_store", defaults.commission_borne_by_store),
            )
        store = services.create_store(tenant=request.tenant, data=services.StoreInput(**values), contract=contract)
        return Response(_store_output(request, store), status=status.HTTP_201_CREATED)


class StoreDetailApi(TenantApi):
    """GET /api/v1/stores/{id}/ (anyone), PATCH and DELETE (HQ).

    PATCH changes the fields given; a `contract` in it starts a new version of the terms from its
    `valid_from` (default today), terms left out kept from the version in force then. DELETE
    deletes a store nothing refers to yet (204), and deactivates one with stock, staff or history
    (200, the store with `active: false`).
    """

    allowed_roles: ClassVar = {"GET": EVERYONE, "PATCH": HQ, "DELETE": HQ}
    resource_model = Store
    error_responses: ClassVar = {"PATCH": {409: "A contract version starting before the latest one"}}

    @extend_schema(responses={200: StoreOutput})
    def get(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        return Response(_store_output(request, store))

    @extend_schema(request=StoreInput(partial=True), responses={200: StoreOutput})
    def patch(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "edit_store", store)
        data = StoreInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        given = changes.pop("contract", None)
        store = services.edit_store(
            tenant=request.tenant,
            store=store,
            changes=changes,
            contract=services.ContractChange(**given) if given is not None else None,
        )
        return Response(_store_output(request, store))

    @extend_schema(responses={200: StoreOutput, 204: None})
    def delete(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "edit_store", store)
        if services.delete_store(tenant=request.tenant, store=store):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(_store_output(request, store))


class StoreContractsApi(TenantApi):
    """GET /api/v1/stores/{id}/contracts/ (HQ, that store's manager): every version, newest first."""

    allowed_roles: ClassVar = {"GET": HQ_AND_MANAGER}
    resource_model = Store

    @extend_schema(responses={200: ContractOutput(many=True)})
    def get(self, request: TenantApiRequest, store_id: int) -> Response:
        store = selectors.get_store(tenant=request.tenant, store_id=store_id)
        authorize(request, "see_contract", store)
        return self.paginate(selectors.list_contracts(tenant=request.tenant, store=store), ContractOutput)
