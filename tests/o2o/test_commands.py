"""Bootstrap commands: `create_tenant` and `seed_demo` (api.md Bootstrap)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from o2o.choices import Role
from o2o.demo import BRANDS
from o2o.models import Tenant, TenantRole, User
from o2o.tenancy import tenant_scope
from o2o.tenancy.selectors import list_tenants_of_user


def create_tenant(*args):
    out = StringIO()
    call_command("create_tenant", *args, stdout=out)
    return out.getvalue()


def brands():
    return sorted(Tenant.objects.values_list("slug", "name", "currency", "timezone"))


def roles_of_brand(slug):
    tenant = Tenant.objects.get(slug=slug)
    with tenant_scope(tenant):
        return sorted(TenantRole.objects.filter(tenant=tenant).values_list("user__username", "role"))


# --- create_tenant ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_tenant_creates_the_brand_and_its_hq_admin():
    # when a brand is created from the command line
    out = create_tenant("acme", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026")
    # then it exists with the defaults, and its admin holds the HQ admin role there
    assert out == "Created brand acme (Acme); HQ admin: boss\n"
    assert brands() == [("acme", "Acme", "CNY", "Asia/Shanghai")]
    assert roles_of_brand("acme") == [("boss", Role.HQ_ADMIN)]
    assert User.objects.get(username="boss").check_password("Boss-pass-2026")


@pytest.mark.django_db
def test_the_new_admin_can_sign_in_and_read_the_brands_settings():
    # given a brand made by the command
    create_tenant("acme", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026")
    # when its admin gets a token and reads the settings of acme
    login = APIClient().post("/api/v1/auth/token/", {"username": "boss", "password": "Boss-pass-2026"}, format="json")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}", HTTP_X_TENANT="acme")
    response = client.get("/api/v1/settings/")
    # then both work
    assert login.status_code == 200
    assert login.json()["tenants"] == ["acme"]
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"
    assert response.json()["name"] == "Acme"


@pytest.mark.django_db
def test_create_tenant_takes_the_currency_and_time_zone():
    # when a brand is created with its own currency and time zone
    create_tenant(
        "acme", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026",
        "--currency", "hkd", "--timezone", "Asia/Hong_Kong",
    )  # fmt: skip
    # then they are kept (the currency upper-cased)
    assert brands() == [("acme", "Acme", "HKD", "Asia/Hong_Kong")]


@pytest.mark.django_db
def test_an_existing_user_named_as_admin_keeps_their_password(make_user):
    # given a user who exists already
    make_user(None, username="boss", password="Original-pw-77")
    # when a new brand names them its admin with another password
    create_tenant("acme", "--name", "Acme", "--admin", "boss", "--password", "Other-pw-88")
    # then they become its admin with their password unchanged
    assert roles_of_brand("acme") == [("boss", Role.HQ_ADMIN)]
    assert User.objects.get(username="boss").check_password("Original-pw-77")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_duplicate_slug_is_refused_and_changes_nothing():
    # given brand acme
    create_tenant("acme", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026")
    # when another brand is created with the same slug (in another case)
    with pytest.raises(CommandError, match=r"^A brand with slug 'acme' exists already\.$"):
        create_tenant("ACME", "--name", "Acme Two", "--admin", "boss2", "--password", "Boss-pass-2026")
    # then acme is unchanged and no second admin exists
    assert brands() == [("acme", "Acme", "CNY", "Asia/Shanghai")]
    assert roles_of_brand("acme") == [("boss", Role.HQ_ADMIN)]
    assert sorted(User.objects.values_list("username", flat=True)) == ["boss"]


@pytest.mark.django_db
def test_an_unknown_time_zone_is_refused_naming_the_option():
    # when the time zone does not exist
    with pytest.raises(CommandError, match=r"^--timezone: unknown time zone 'Mars/Base'$"):
        create_tenant(
            "acme", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026", "--timezone", "Mars/Base"
        )
    # then nothing is created
    assert brands() == []
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_currency_is_refused_naming_the_option():
    # when the currency is not a three-letter code
    with pytest.raises(CommandError, match=r"^--currency: give a three-letter ISO 4217 code such as CNY$"):
        create_tenant("acme", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026", "--currency", "yuan")
    # then nothing is created
    assert brands() == []
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_slug_is_refused():
    # when the slug has characters a slug may not have
    with pytest.raises(CommandError, match=r"^slug: "):
        create_tenant("acme corp", "--name", "Acme", "--admin", "boss", "--password", "Boss-pass-2026")
    # then nothing is created
    assert brands() == []
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_the_required_options_are_required():
    # when the admin is left out
    with pytest.raises(CommandError, match="the following arguments are required: --admin"):
        create_tenant("acme", "--name", "Acme", "--password", "Boss-pass-2026")
    # then nothing is created
    assert brands() == []


# --- seed_demo --------------------------------------------------------------------------------


def demo_counts():
    counts = {"tenants": Tenant.objects.count(), "users": User.objects.count()}
    for tenant in Tenant.objects.order_by("slug"):
        with tenant_scope(tenant):
            counts[f"roles of {tenant.slug}"] = TenantRole.objects.count()
    return counts


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing_the_second_time():
    # given the demo seeded once
    call_command("seed_demo", stdout=StringIO())
    first = demo_counts()
    first_roles = {brand.slug: roles_of_brand(brand.slug) for brand in BRANDS}
    # when it is seeded again
    out = StringIO()
    call_command("seed_demo", stdout=out)
    # then the same brands, users and roles exist, and the logins are printed once each
    assert demo_counts() == first
    assert {brand.slug: roles_of_brand(brand.slug) for brand in BRANDS} == first_roles
    assert first["tenants"] == 2
    assert out.getvalue().count("lumen-admin") == 1
    assert out.getvalue().count("clearview-admin") == 1


@pytest.mark.django_db
def test_seed_demo_keeps_the_two_brands_apart():
    # when the demo is seeded
    call_command("seed_demo", stdout=StringIO())
    # then each brand's HQ people hold roles in their own brand only
    for brand in BRANDS:
        for username, role in ((brand.admin, Role.HQ_ADMIN), (brand.staff, Role.HQ_STAFF)):
            user = User.objects.get(username=username)
            assert [tenant.slug for tenant in list_tenants_of_user(user=user)] == [brand.slug]
            assert (username, role) in roles_of_brand(brand.slug)
    lumen_users = {username for username, _ in roles_of_brand("lumen")}
    clearview_users = {username for username, _ in roles_of_brand("clearview")}
    assert lumen_users & clearview_users == set()


@pytest.mark.django_db
def test_the_demo_admins_can_sign_in_with_the_demo_password():
    # given the demo
    call_command("seed_demo", stdout=StringIO())
    # when lumen's admin asks for a token with the printed password
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "lumen-admin", "password": "demo-pass-2026"}, format="json"
    )
    # then they get one for lumen
    assert response.status_code == 200
    assert response.json()["tenants"] == ["lumen"]


@pytest.mark.django_db(transaction=True)
def test_the_periodic_jobs_come_back_after_a_flush():
    # given a database emptied by flush (a restore without the schedule would look the same)
    from django_celery_beat.models import PeriodicTask

    call_command("flush", interactive=False, verbosity=0)
    # then every app's periodic jobs are scheduled again, enabled
    assert sorted(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True)) == [
        "attribution: recompute recent credits",
        "attribution: refresh the dashboards",
        "bookings: mark no-shows",
        "bookings: send due reminders",
        "guides: approve commissions after the return window",
        "members: remind guides of bindings ending",
        "orders: re-route orders not accepted in time",
        "platform: deliver domain events the after-commit path lost",
        "platform: purge old idempotency records",
        "settlements: follow the brands' settlement frequencies",
    ]


@pytest.mark.django_db
def test_a_job_hq_paused_stays_paused_when_the_schedules_are_ensured_again():
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    from bookings.schedules import JOBS
    from o2o.schedules import ensure_jobs

    PeriodicTask.objects.filter(name="bookings: mark no-shows").update(enabled=False)
    assert ensure_jobs(apps, JOBS) == 0
    assert PeriodicTask.objects.get(name="bookings: mark no-shows").enabled is False
