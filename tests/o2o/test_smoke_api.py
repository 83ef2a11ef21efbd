import pytest

from o2o.choices import Role


@pytest.mark.django_db
def test_me_shows_the_roles_of_the_caller_in_the_named_brand(api, tenant, hq_admin):
    # when the HQ admin asks who they are in their brand
    response = api(hq_admin, tenant).get("/api/v1/me/")
    # then the brand and the role are named
    assert response.status_code == 200
    assert response.json() == {
        "id": hq_admin.pk,
        "username": "alpha-admin",
        "name": "Test User",
        "tenant": "alpha",
        "roles": [Role.HQ_ADMIN],
    }
