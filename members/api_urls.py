"""API routes of the members app, under /api/v1/."""

from django.urls import path

from members import api, api_bindings

urlpatterns = [
    path("members/", api.MemberListApi.as_view(), name="member-list"),
    path("members/me/", api.MyMembershipApi.as_view(), name="member-me"),
    path("members/<int:member_id>/", api.MemberDetailApi.as_view(), name="member-detail"),
    path("members/<int:member_id>/bindings/", api_bindings.MemberBindingsApi.as_view(), name="member-bindings"),
    path("members/<int:member_id>/rebind/", api_bindings.MemberRebindApi.as_view(), name="member-rebind"),
]
