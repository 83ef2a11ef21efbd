from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from o2o.api import accounts, invitations, tenant

api_v1 = [
    path("auth/token/", accounts.TokenApi.as_view(), name="auth-token"),
    path("auth/signup/", accounts.SignupApi.as_view(), name="auth-signup"),
    path("auth/join/", accounts.JoinApi.as_view(), name="auth-join"),
    path("me/", accounts.MeApi.as_view(), name="me"),
    path("settings/", tenant.SettingsApi.as_view(), name="settings"),
    path("roles/", tenant.RoleListApi.as_view(), name="role-list"),
    path("roles/<int:role_id>/", tenant.RoleDetailApi.as_view(), name="role-detail"),
    path("roles/invitations/", invitations.InvitationListApi.as_view(), name="role-invitation-list"),
    path(
        "roles/invitations/<int:invitation_id>/",
        invitations.InvitationDetailApi.as_view(),
        name="role-invitation-detail",
    ),
    path("invitations/accept/", invitations.InvitationAcceptApi.as_view(), name="invitation-accept"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/v1/", include("catalog.api_urls")),
    path("api/v1/", include("stores.api_urls")),
    path("api/v1/", include("members.api_urls")),
    path("api/v1/", include("bookings.api_urls")),
    path("api/v1/", include("orders.api_urls")),
    path("api/v1/", include("attribution.api_urls")),
    path("api/v1/", include("guides.api_urls")),
    path("api/v1/", include("settlements.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("catalog.urls")),
    path("", include("stores.urls")),
    path("", include("members.urls")),
    path("", include("bookings.urls")),
    path("", include("orders.urls")),
    path("", include("attribution.urls")),
    path("", include("guides.urls")),
    path("", include("settlements.urls")),
    path("", include("o2o.portals.urls")),
]

handler400 = "o2o.api.errors.bad_request"
handler404 = "o2o.api.errors.not_found"
