"""Guides (api.md "Guides and commission"): the guides list for HQ and store managers, and a
guide's own: their share links and QR codes, their bound customers, recording serving a customer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from attribution.models import TrackingLink
from guides import policies
from guides.models import GuideLink
from guides.selectors.guides import get_guide, list_guide_customers, list_guides
from guides.services.links import ShareLink, guide_link, share_link, store_links
from members.binding import record_served
from members.masking import mask_phone
from members.models import Member
from o2o.api.base import TenantApi
from o2o.choices import HQ_ROLES, Role
from o2o.fields import id_field
from o2o.models import Tenant
from o2o.tenancy.request import SignedInApiRequest
from stores.models import StoreStaff

MANAGERS = HQ_ROLES | {Role.STORE_MANAGER}
GUIDE = frozenset({Role.GUIDE})


class GuideOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    store = serializers.IntegerField()
    code = serializers.CharField(help_text="what an order's `guide_code` names")
    link = serializers.URLField(help_text="the guide's share link to their store's page")
    qr = serializers.URLField(help_text="its QR code (SVG; `.../qr.png` for a PNG)")


class ShareLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    target = serializers.CharField(help_text="store, product or booking")
    product = serializers.IntegerField(allow_null=True)
    service = serializers.IntegerField(allow_null=True)
    url = serializers.URLField()
    qr = serializers.URLField()
    qr_png = serializers.URLField()


class MyGuideOutput(GuideOutput):
    links = ShareLinkOutput(many=True, help_text="every share link made so far, the store's first")


def _guide_row(tenant: Tenant, guide: StoreStaff, link: TrackingLink) -> dict[str, Any]:
    shared = share_link(tenant, link)
    return {
        "id": guide.pk,
        "name": guide.user.name or guide.user.username,
        "store": guide.store_id,
        "code": guide.code,
        "link": shared.url,
        "qr": shared.qr,
    }


def _rows(tenant: Tenant, guides: Iterable[StoreStaff]) -> list[dict[str, Any]]:
    guides = list(guides)
    links = store_links(tenant=tenant, guides=guides)
    return [_guide_row(tenant, guide, links[guide.pk]) for guide in guides]


def _paginated(name: str, item: serializers.Serializer) -> Any:
    return inline_serializer(
        name=name,
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


class GuideListApi(TenantApi):
    """GET /api/v1/guides/: the active guides, by store (HQ: all; a store manager: their store's)."""

    allowed_roles: ClassVar = {"GET": MANAGERS}
    resource_model = StoreStaff

    @extend_schema(responses={200: _paginated("PaginatedGuideList", GuideOutput(many=True))})
    def get(self, request: SignedInApiRequest) -> Response:
        from o2o.api.pagination import Pagination

        paginator = Pagination()
        page = paginator.paginate_queryset(list_guides(tenant=request.tenant, actor=request.actor), request, view=self)
        return paginator.get_paginated_response(GuideOutput(_rows(request.tenant, page or []), many=True).data)


class GuideDetailApi(TenantApi):
    """GET /api/v1/guides/{id}/: one guide (404 for another store's, for a store manager)."""

    allowed_roles: ClassVar = {"GET": MANAGERS}
    resource_model = StoreStaff

    @extend_schema(responses={200: GuideOutput})
    def get(self, request: SignedInApiRequest, guide_id: int) -> Response:
        guide = get_guide(tenant=request.tenant, actor=request.actor, guide_id=guide_id)
        return Response(GuideOutput(_rows(request.tenant, [guide])[0]).data)


class MyGuideApi(TenantApi):
    """GET /api/v1/guides/me/: the calling guide, with every share link of theirs (the store's
    made when missing); `POST /api/v1/guides/me/links/` makes the others."""

    allowed_roles: ClassVar = {"GET": GUIDE}
    resource_model = StoreStaff

    @extend_schema(responses={200: MyGuideOutput})
    def get(self, request: SignedInApiRequest) -> Response:
        guide = policies.own_guide_post(request.actor)
        store_link = store_links(tenant=request.tenant, guides=[guide])[guide.pk]
        others = (
            GuideLink.objects.filter(tenant=request.tenant, guide=guide)
            .exclude(link=store_link)
            .select_related("link")
            .order_by("pk")
        )
        links: list[ShareLink] = [share_link(request.tenant, link) for link in [store_link, *(s.link for s in others)]]
        row = {**_guide_row(request.tenant, guide, store_link), "links": [link.__dict__ for link in links]}
        return Response(MyGuideOutput(row).data)


class MyLinksApi(TenantApi):
    """POST /api/v1/guides/me/links/ `{target: store|product|booking, product?, service?}`: the
    calling guide's share link to that target (the same one every time) -> 200. 400 naming
    `target`, `product` (a product link needs an active product) or `service` (a booking link needs
    an active service their store offers)."""

    allowed_roles: ClassVar = {"POST": GUIDE}
    resource_model = TrackingLink
    error_responses: ClassVar = {"POST": {400: "Invalid input"}}

    class Input(serializers.Serializer):
        target = serializers.CharField(max_length=10, help_text="store, product or booking")
        product = id_field(required=False, allow_null=True)
        service = id_field(required=False, allow_null=True)

    @extend_schema(request=Input, responses={200: ShareLinkOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        guide = policies.own_guide_post(request.actor)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        link = guide_link(
            tenant=request.tenant,
            guide=guide,
            target=values["target"],
            product_id=values.get("product"),
            service_id=values.get("service"),
        )
        return Response(ShareLinkOutput(share_link(request.tenant, link).__dict__).data)


class CustomerOutput(serializers.Serializer):
    member = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    phone = serializers.SerializerMethodField(help_text="masked (`138****5678`)")
    source = serializers.CharField(source="binding_source", help_text="link, qr, served or manual")  # type: ignore[assignment]
    bound_at = serializers.DateTimeField()
    bound_until = serializers.DateTimeField()
    last_visit = serializers.DateTimeField(source="last_visit_at", allow_null=True)
    last_order = serializers.DateTimeField(source="last_order_at", allow_null=True)

    def get_phone(self, member: Member) -> str:
        return mask_phone(str(member.phone))


class MyCustomersApi(TenantApi):
    """GET /api/v1/guides/me/customers/: the customers bound to the calling guide now, soonest
    expiry first, with `bound_until`, their last store visit and last order."""

    allowed_roles: ClassVar = {"GET": GUIDE}
    resource_model = Member

    @extend_schema(responses={200: _paginated("PaginatedGuideCustomerList", CustomerOutput(many=True))})
    def get(self, request: SignedInApiRequest) -> Response:
        guide = policies.own_guide_post(request.actor)
        return self.paginate(list_guide_customers(tenant=request.tenant, guide=guide), CustomerOutput)


class ServedBindingOutput(serializers.Serializer):
    guide = serializers.IntegerField(source="guide_id")
    source = serializers.CharField()  # type: ignore[assignment]
    bound_at = serializers.DateTimeField()
    bound_until = serializers.DateTimeField()


class ServedOutput(serializers.Serializer):
    outcome = serializers.CharField(
        help_text="bound, renewed, unchanged (already bound to you that long) or kept_by_other (another "
        "guide's customer: no re-binding while their protection lasts)"
    )
    member = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(help_text="masked")
    binding = ServedBindingOutput(allow_null=True, help_text="the binding in force afterwards")


class MyServedApi(TenantApi):
    """POST /api/v1/guides/me/served/ `{phone}` or `{member_code}` (what the member's QR code holds):
    the calling guide served this member in the store; they are bound to the guide unless another
    guide's protection lasts (rules.md 4.1). 400 naming `phone` or `member_code` (neither or both
    given, not a member of the brand, not a member code of the brand)."""

    allowed_roles: ClassVar = {"POST": GUIDE}
    resource_model = Member
    error_responses: ClassVar = {"POST": {400: "Invalid input"}}

    class Input(serializers.Serializer):
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
        member_code = serializers.CharField(max_length=200, required=False, allow_blank=True)

    @extend_schema(request=Input, responses={200: ServedOutput})
    def post(self, request: SignedInApiRequest) -> Response:
        guide = policies.own_guide_post(request.actor)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        served = record_served(
            tenant=request.tenant,
            guide=guide,
            phone=data.validated_data.get("phone", ""),
            member_code=data.validated_data.get("member_code", ""),
        )
        row = {
            "outcome": served.result.outcome.value,
            "member": served.member.pk,
            "name": served.member.name,
            "phone": mask_phone(str(served.member.phone)),
            "binding": served.result.binding,
        }
        return Response(ServedOutput(row).data)


urlpatterns = [
    path("guides/", GuideListApi.as_view(), name="guide-list"),
    path("guides/me/", MyGuideApi.as_view(), name="guide-me"),
    path("guides/me/links/", MyLinksApi.as_view(), name="guide-me-links"),
    path("guides/me/customers/", MyCustomersApi.as_view(), name="guide-me-customers"),
    path("guides/me/served/", MyServedApi.as_view(), name="guide-me-served"),
    path("guides/<int:guide_id>/", GuideDetailApi.as_view(), name="guide-detail"),
]
