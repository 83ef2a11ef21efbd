"""The Django admin for HQ: in for the HQ of the current brand only, and only that brand's rows."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client

from o2o.choices import Role
from o2o.models import TenantOwned, TenantRole
from o2o.tenancy.middleware import SESSION_TENANT_KEY

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/o2o/tenantrole/"


def admin_client(tenant, user) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(user)
    return client


def listed_usernames(response) -> list[str]:
    return re.findall(r'<(?:th|td) class="field-username">(?:<a [^>]*>)?([^<]+)<', response.content.decode())


def roles_of_brand(tenant, in_tenant) -> list[tuple[str, str]]:
    with in_tenant(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


@pytest.fixture
def two_brands(tenant, other_tenant, make_user, hq_admin):
    """Brand A (alpha) with an HQ admin, an HQ staff member and a consumer; brand B with its own two."""
    make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    make_user(tenant, Role.CONSUMER, username="alpha-consumer")
    make_user(other_tenant, Role.HQ_ADMIN, username="beta-admin")
    make_user(other_tenant, Role.CONSUMER, username="beta-consumer")
    return tenant, other_tenant


@pytest.mark.parametrize("role", [Role.HQ_ADMIN, Role.HQ_STAFF])
def test_hq_of_the_brand_get_in_without_being_django_staff(tenant, make_user, role):
    # given an HQ user who is not Django staff
    user = make_user(tenant, role, username="hq-person")
    assert (user.is_staff, user.is_superuser) == (False, False)
    # when they open the admin on their brand's host
    response = admin_client(tenant, user).get("/admin/")
    # then they are in, under their brand's name, and see tenant-owned models only (no users, no
    # schedules, no login records: those are global and stay with superusers)
    assert response.status_code == 200
    assert response.context["site_header"] == "Alpha Eyewear · HQ"
    listed = [
        apps.get_model(app["app_label"], m["object_name"])
        for app in response.context["app_list"]
        for m in app["models"]
    ]
    assert TenantRole in listed
    assert [model for model in listed if not issubclass(model, TenantOwned)] == []


def test_the_changelist_shows_exactly_the_brands_roles(two_brands, hq_admin):
    # when the HQ admin of brand A lists the roles
    response = admin_client(two_brands[0], hq_admin).get(CHANGELIST)
    # then exactly brand A's people are listed, none of brand B's
    assert response.status_code == 200
    assert sorted(listed_usernames(response)) == ["alpha-admin", "alpha-consumer", "alpha-staff"]
    assert sorted(r.user.username for r in response.context["cl"].result_list) == [
        "alpha-admin",
        "alpha-consumer",
        "alpha-staff",
    ]
    assert "beta-" not in response.content.decode()


def test_a_role_of_another_brand_cannot_be_opened_by_its_id(two_brands, hq_admin, in_tenant):
    # given the id of an HQ role in brand B
    with in_tenant(two_brands[1]):
        foreign = TenantRole.objects.get(user__username="beta-admin")
    # when brand A's HQ admin opens it by id
    response = admin_client(two_brands[0], hq_admin).get(f"{CHANGELIST}{foreign.pk}/change/")
    # then the admin does not know it (it sends them back to the index, as for a missing id)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.STORE_MANAGER, Role.GUIDE])
def test_other_roles_of_the_brand_are_refused(tenant, make_user, role):
    user = make_user(tenant, role, username="not-hq")
    for path in ("/admin/", CHANGELIST):
        response = admin_client(tenant, user).get(path)
        assert response.status_code == 403, path
        assert "Only the HQ of this brand may use the admin." in response.content.decode()


def test_an_hq_admin_of_one_brand_gets_nothing_on_another_brands_host(two_brands, hq_admin):
    # when brand A's HQ admin opens the admin on brand B's host
    client = admin_client(two_brands[1], hq_admin)
    # then every page is refused
    assert client.get("/admin/").status_code == 403
    assert client.get(CHANGELIST).status_code == 403


def test_the_brand_picked_after_login_scopes_the_admin_too(two_brands, hq_admin):
    # given an HQ admin who picked their brand (no host prefix)
    client = Client()
    client.force_login(hq_admin)
    client.get("/brands/")
    assert client.session[SESSION_TENANT_KEY] == "alpha"
    # when they list the roles
    response = client.get(CHANGELIST)
    # then brand A's roles are listed
    assert sorted(listed_usernames(response)) == ["alpha-admin", "alpha-consumer", "alpha-staff"]


def test_without_a_brand_a_signed_in_user_is_refused(two_brands, hq_admin):
    client = Client()
    client.force_login(hq_admin)
    assert client.get("/admin/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_portal_login(tenant):
    client = Client(HTTP_HOST="alpha.localhost")
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={CHANGELIST}"
    # and the admin's own login page sends them there too
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"


def test_the_hq_admin_grants_an_hq_role_in_their_brand_only(two_brands, hq_admin, make_user, in_tenant):
    # given a consumer of brand A
    beta_before = roles_of_brand(two_brands[1], in_tenant)
    # when the HQ admin of brand A makes them HQ staff
    response = admin_client(two_brands[0], hq_admin).post(
        f"{CHANGELIST}add/", {"username": "alpha-consumer", "role": Role.HQ_STAFF}
    )
    # then brand A has the new role, and brand B is unchanged
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert roles_of_brand(two_brands[0], in_tenant) == [
        ("alpha-admin", Role.HQ_ADMIN),
        ("alpha-consumer", Role.CONSUMER),
        ("alpha-consumer", Role.HQ_STAFF),
        ("alpha-staff", Role.HQ_STAFF),
    ]
    assert roles_of_brand(two_brands[1], in_tenant) == beta_before


def test_the_admin_cannot_reach_a_user_of_another_brand(two_brands, hq_admin, make_user, in_tenant):
    # given a user of brand B only, and a user with no role anywhere
    make_user(two_brands[1], Role.CONSUMER, username="beta-only")
    make_user(None, username="loner")
    before = roles_of_brand(two_brands[0], in_tenant)
    client = admin_client(two_brands[0], hq_admin)
    # when brand A's admin names each, and a username nobody has
    forms = [
        client.post(f"{CHANGELIST}add/", {"username": name, "role": Role.HQ_STAFF}).context["adminform"].form
        for name in ("beta-only", "loner", "ghost")
    ]
    # then each is refused the same way, and nothing is granted
    nobody = "Nobody in this brand has this username: invite the person by phone or e-mail instead."
    assert [form.errors for form in forms] == [{"username": [nobody]}] * 3
    assert roles_of_brand(two_brands[0], in_tenant) == before


def test_only_hq_roles_can_be_granted_in_the_admin(tenant, hq_admin, make_user, in_tenant):
    make_user(tenant, Role.CONSUMER, username="newcomer")
    before = roles_of_brand(tenant, in_tenant)
    response = admin_client(tenant, hq_admin).post(
        f"{CHANGELIST}add/", {"username": "newcomer", "role": Role.STORE_MANAGER}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "role": ["Select a valid choice. store_manager is not one of the available choices."]
    }
    assert roles_of_brand(tenant, in_tenant) == before


def test_hq_staff_may_look_but_not_grant_or_revoke(two_brands, make_user, in_tenant):
    # given an HQ staff member of brand A
    staff = make_user(two_brands[0], Role.HQ_STAFF, username="staff-2")
    make_user(None, username="newcomer")
    before = roles_of_brand(two_brands[0], in_tenant)
    with in_tenant(two_brands[0]):
        consumer_role = TenantRole.objects.get(user__username="alpha-consumer")
    client = admin_client(two_brands[0], staff)
    # then they see the list but may neither add nor delete
    assert client.get(CHANGELIST).status_code == 200
    assert client.post(f"{CHANGELIST}add/", {"username": "newcomer", "role": Role.HQ_STAFF}).status_code == 403
    assert client.post(f"{CHANGELIST}{consumer_role.pk}/delete/", {"post": "yes"}).status_code == 403
    assert roles_of_brand(two_brands[0], in_tenant) == before


def test_revoking_the_brands_last_hq_admin_is_refused(tenant, hq_admin, in_tenant):
    # given the brand's only HQ admin
    with in_tenant(tenant):
        own = TenantRole.objects.get(user=hq_admin, role=Role.HQ_ADMIN)
    # when they try to delete their own role
    response = admin_client(tenant, hq_admin).post(f"{CHANGELIST}{own.pk}/delete/", {"post": "yes"})
    # then it is refused and the role stays
    assert response.status_code == 403
    assert "A brand keeps at least one HQ admin." in response.content.decode()
    assert roles_of_brand(tenant, in_tenant) == [("alpha-admin", Role.HQ_ADMIN)]


def test_the_hq_admin_revokes_a_role(two_brands, hq_admin, in_tenant):
    with in_tenant(two_brands[0]):
        staff_role = TenantRole.objects.get(user__username="alpha-staff")
    response = admin_client(two_brands[0], hq_admin).post(f"{CHANGELIST}{staff_role.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert roles_of_brand(two_brands[0], in_tenant) == [
        ("alpha-admin", Role.HQ_ADMIN),
        ("alpha-consumer", Role.CONSUMER),
    ]
