"""/api/v1/roles/ and /api/v1/roles/{id}/: the HQ roles of a brand, granted and revoked by its HQ admins."""

import pytest

from o2o.choices import Role
from o2o.models import TenantRole

ROLES = "/api/v1/roles/"


def roles_in(in_tenant, tenant):
    with in_tenant(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


def role_row(tenant_role):
    return {
        "id": tenant_role.pk,
        "user": tenant_role.user_id,
        "username": tenant_role.user.username,
        "name": tenant_role.user.name,
        "role": tenant_role.role,
        "created_at": tenant_role.created_at.astimezone().isoformat(),
    }


@pytest.mark.django_db
def test_the_hq_admin_lists_the_hq_roles_of_their_brand_only(api, tenant, other_tenant, hq_admin, make_user, in_tenant):
    # given alpha with an admin, a staff member and a consumer, and beta with its own HQ
    make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    make_user(tenant, Role.CONSUMER, username="alpha-consumer")
    make_user(other_tenant, Role.HQ_ADMIN, username="beta-admin")
    make_user(other_tenant, Role.HQ_STAFF, username="beta-staff")
    # when alpha's admin lists the roles
    response = api(hq_admin, tenant).get(ROLES)
    # then they see alpha's HQ roles, oldest first, and nothing of beta or the consumers
    assert response.status_code == 200
    with in_tenant(tenant):
        expected = [
            role_row(r)
            for r in TenantRole.objects.filter(tenant=tenant, role__in=[Role.HQ_ADMIN, Role.HQ_STAFF]).order_by("pk")
        ]
    assert [row["username"] for row in expected] == ["alpha-admin", "alpha-staff"]
    assert response.json() == {"count": 2, "next": None, "previous": None, "results": expected}


@pytest.mark.django_db
@pytest.mark.parametrize("extra_staff", [1, 19])
def test_listing_roles_costs_the_same_queries_for_2_or_20_roles(
    api, tenant, hq_admin, make_user, django_assert_num_queries, extra_staff
):
    # given alpha with 2 or 20 HQ roles
    for number in range(extra_staff):
        make_user(tenant, Role.HQ_STAFF, username=f"staff-{number}")
    client = api(hq_admin, tenant)
    # when the admin lists them (tenant, scope savepoint and set_config pairs, token, roles, the
    # count and one page with its users)
    with django_assert_num_queries(9):
        response = client.get(ROLES)
    # then all are there
    assert response.status_code == 200
    assert response.json()["count"] == extra_staff + 1
    assert len(response.json()["results"]) == extra_staff + 1


@pytest.mark.django_db
def test_the_hq_admin_grants_hq_staff_to_someone_of_the_brand(
    api, tenant, hq_admin, make_user, in_tenant, django_assert_num_queries
):
    # given a consumer of alpha
    newcomer = make_user(tenant, Role.CONSUMER, username="newcomer")
    client = api(hq_admin, tenant)
    # when the admin makes them HQ staff
    with django_assert_num_queries(12):
        response = client.post(ROLES, {"username": "newcomer", "role": "hq_staff"}, format="json")
    # then the role exists and is answered
    assert response.status_code == 201
    with in_tenant(tenant):
        granted = TenantRole.objects.select_related("user").get(user=newcomer, role=Role.HQ_STAFF)
    assert response.json() == role_row(granted)
    assert roles_in(in_tenant, tenant) == [
        ("alpha-admin", Role.HQ_ADMIN),
        ("newcomer", Role.CONSUMER),
        ("newcomer", Role.HQ_STAFF),
    ]


NOBODY = "Nobody in this brand has this username: invite the person by phone or e-mail instead."
NOT_A_MEMBER = {"code": "invalid", "detail": NOBODY, "errors": {"username": [NOBODY]}}


@pytest.mark.django_db
def test_a_user_of_another_brand_looks_exactly_like_nobody(api, tenant, other_tenant, hq_admin, make_user, in_tenant):
    # given a consumer of beta only, and a user with no role anywhere
    make_user(other_tenant, Role.CONSUMER, username="beta-consumer")
    make_user(None, username="loner")
    client = api(hq_admin, tenant)
    # when alpha's admin tries to give each of them, and a username nobody has, a role in alpha
    answers = [
        client.post(ROLES, {"username": name, "role": "hq_staff"}, format="json")
        for name in ("beta-consumer", "loner", "ghost")
    ]
    # then the three answers are the same 400 naming username: nothing tells an account exists elsewhere
    assert [(a.status_code, a.json()) for a in answers] == [(400, NOT_A_MEMBER)] * 3
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN)]
    assert roles_in(in_tenant, other_tenant) == [("beta-consumer", Role.CONSUMER)]


@pytest.mark.django_db
def test_only_hq_roles_can_be_granted_here(api, tenant, hq_admin, make_user, in_tenant):
    # given a user of the brand
    make_user(tenant, Role.HQ_STAFF, username="newcomer")
    # when the admin tries to make them a consumer through the HQ roles endpoint
    response = api(hq_admin, tenant).post(ROLES, {"username": "newcomer", "role": "consumer"}, format="json")
    # then role is named and nothing is granted
    assert response.status_code == 400
    assert response.json()["errors"] == {"role": ['"consumer" is not a valid choice.']}
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN), ("newcomer", Role.HQ_STAFF)]


@pytest.mark.django_db
def test_hq_staff_may_not_list_or_grant_roles(api, tenant, hq_admin, make_user, in_tenant):
    # given an HQ staff member
    staff = make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    make_user(None, username="newcomer")
    # when they list and grant roles
    listed = api(staff, tenant).get(ROLES)
    granted = api(staff, tenant).post(ROLES, {"username": "newcomer", "role": "hq_admin"}, format="json")
    # then both are refused and nothing changes
    assert listed.status_code == 403
    assert granted.status_code == 403
    assert granted.json() == {"code": "permission_denied", "detail": "Your role in this brand may not do this."}
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN), ("alpha-staff", Role.HQ_STAFF)]


@pytest.mark.django_db
def test_the_admin_reads_one_role(api, tenant, hq_admin, in_tenant):
    # given the admin's own role
    with in_tenant(tenant):
        own = TenantRole.objects.select_related("user").get(user=hq_admin)
    # when they read it
    response = api(hq_admin, tenant).get(f"{ROLES}{own.pk}/")
    # then it is answered
    assert response.status_code == 200
    assert response.json() == role_row(own)


@pytest.mark.django_db
def test_revoking_a_staff_role_removes_it(api, tenant, hq_admin, make_user, in_tenant, django_assert_num_queries):
    # given an HQ staff member
    staff = make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    with in_tenant(tenant):
        role_id = TenantRole.objects.get(user=staff).pk
    client = api(hq_admin, tenant)
    # when the admin revokes it
    with django_assert_num_queries(11):
        response = client.delete(f"{ROLES}{role_id}/")
    # then it is gone
    assert response.status_code == 204
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN)]


@pytest.mark.django_db
def test_the_last_hq_admin_cannot_be_removed(api, tenant, hq_admin, in_tenant):
    # given a brand with a single HQ admin
    with in_tenant(tenant):
        role_id = TenantRole.objects.get(user=hq_admin).pk
    # when that admin revokes their own role
    response = api(hq_admin, tenant).delete(f"{ROLES}{role_id}/")
    # then it is refused and the role stays
    assert response.status_code == 409
    assert response.json() == {"code": "last_admin", "detail": "A brand keeps at least one HQ admin."}
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN)]


@pytest.mark.django_db
def test_an_admin_can_be_removed_while_another_remains(api, tenant, hq_admin, make_user, in_tenant):
    # given a second HQ admin
    second = make_user(tenant, Role.HQ_ADMIN, username="second-admin")
    with in_tenant(tenant):
        role_id = TenantRole.objects.get(user=second).pk
    # when the first removes the second
    response = api(hq_admin, tenant).delete(f"{ROLES}{role_id}/")
    # then only the first remains
    assert response.status_code == 204
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN)]


@pytest.mark.django_db
def test_a_foreign_brands_role_is_not_found(api, tenant, other_tenant, hq_admin, make_user, in_tenant):
    # given a role in brand beta
    beta_staff = make_user(other_tenant, Role.HQ_STAFF, username="beta-staff")
    with in_tenant(other_tenant):
        foreign_id = TenantRole.objects.get(user=beta_staff).pk
    client = api(hq_admin, tenant)
    # when alpha's admin reads or deletes it
    read = client.get(f"{ROLES}{foreign_id}/")
    deleted = client.delete(f"{ROLES}{foreign_id}/")
    # then it does not exist for them, exactly like a missing one, and beta keeps it
    missing = client.get(f"{ROLES}999999/")
    assert (read.status_code, read.json()) == (404, {"code": "not_found", "detail": "No such role."})
    assert (deleted.status_code, deleted.json()) == (404, {"code": "not_found", "detail": "No such role."})
    assert (missing.status_code, missing.json()) == (404, {"code": "not_found", "detail": "No such role."})
    assert roles_in(in_tenant, other_tenant) == [("beta-staff", Role.HQ_STAFF)]


@pytest.mark.django_db
def test_a_consumer_role_is_not_reachable_through_the_hq_roles_endpoint(api, tenant, hq_admin, make_user, in_tenant):
    # given a consumer of alpha
    consumer = make_user(tenant, Role.CONSUMER, username="alpha-consumer")
    with in_tenant(tenant):
        role_id = TenantRole.objects.get(user=consumer).pk
    # when the admin tries to delete their role here
    response = api(hq_admin, tenant).delete(f"{ROLES}{role_id}/")
    # then it is not found and stays
    assert response.status_code == 404
    assert roles_in(in_tenant, tenant) == [("alpha-admin", Role.HQ_ADMIN), ("alpha-consumer", Role.CONSUMER)]
