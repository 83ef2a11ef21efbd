"""Portal pages of the members app."""

from django.urls import path

from members.views import hq, shop, store

urlpatterns = [
    path("hq/members/", hq.hq_member_list, name="hq-member-list"),
    path("store/members/", store.store_member_list, name="store-member-list"),
    path("me/", shop.my_membership, name="shop-membership"),
]
