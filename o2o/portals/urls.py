from django.contrib.auth import views as auth_views
from django.urls import path

from o2o.portals import views

urlpatterns = [
    path("", views.shop_home, name="shop-home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.sign_up, name="signup"),
    path("brands/", views.choose_tenant, name="choose-tenant"),
    path("brands/switch/", views.switch_tenant, name="switch-tenant"),
    path("invitations/accept/", views.accept_invitation_page, name="accept-invitation"),
    path("home/", views.portal_home, name="portal-home"),
    path("hq/", views.hq_home, name="hq-home"),
    path("store/", views.store_home, name="store-home"),
    path("guide/", views.guide_home, name="guide-home"),
]
