"""Portal pages of the members app."""

from django.urls import path

from members import views

urlpatterns = [
    path("hq/members/", views.hq_member_list, name="hq-member-list"),
    path("store/members/", views.store_member_list, name="store-member-list"),
]
