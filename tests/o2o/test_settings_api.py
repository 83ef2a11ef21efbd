"""GET/PATCH /api/v1/settings/: the brand's rule parameters (rules.md defaults), HQ admin only."""

from decimal import Decimal

import pytest

from o2o.choices import Role
from o2o.models import Tenant

SETTINGS = "/api/v1/settings/"

DEFAULTS = {
    "slug": "alpha",
    "name": "Alpha Eyewear",
    "accept_within_minutes": 15,
    "min_notice_minutes": 60,
    "booking_window_days": 30,
    "cancel_cutoff_minutes": 120,
    "check_in_early_minutes": 30,
    "no_show_grace_minutes": 30,
    "reminder_hours": [24, 2],
    "lookback_days": 30,
    "attribution_model": "last_touch",
    "protection_days": 30,
    "claim_window_days": 14,
    "return_window_days": 7,
    "default_commission_rate": "0.0300",
    "tac_basis": "visits",
    "tac_cap_per_visit": None,
    "settlement_frequency": "monthly",
    "currency": "CNY",
    "timezone": "Asia/Shanghai",
}


def stored_settings(slug="alpha"):
    tenant = Tenant.objects.get(slug=slug)
    return {
        "accept_within_minutes": tenant.accept_within_minutes,
        "attribution_model": tenant.attribution_model,
        "default_commission_rate": tenant.default_commission_rate,
        "timezone": tenant.timezone,
        "lookback_days": tenant.lookback_days,
        "reminder_hours": tenant.reminder_hours,
        "tac_cap_per_visit": tenant.tac_cap_per_visit,
        "currency": tenant.currency,
        "name": tenant.name,
    }


STORED_DEFAULTS = {
    "accept_within_minutes": 15,
    "attribution_model": "last_touch",
    "default_commission_rate": Decimal("0.0300"),
    "timezone": "Asia/Shanghai",
    "lookback_days": 30,
    "reminder_hours": [24, 2],
    "tac_cap_per_visit": None,
    "currency": "CNY",
    "name": "Alpha Eyewear",
}


@pytest.mark.django_db
def test_the_hq_admin_reads_every_rule_parameter_with_the_defaults_of_the_rules(
    api, tenant, hq_admin, django_assert_num_queries
):
    # given the HQ admin of a new brand
    client = api(hq_admin, tenant)
    # when they read the settings (the tenant; the scope's savepoint and set_config, opened and
    # closed; the token with its user; the caller's roles)
    with django_assert_num_queries(7):
        response = client.get(SETTINGS)
    # then every parameter has its default from rules.md
    assert response.status_code == 200
    assert response.json() == DEFAULTS


@pytest.mark.django_db
def test_patching_one_parameter_changes_it_and_keeps_the_others(api, tenant, hq_admin, django_assert_num_queries):
    # given the HQ admin
    client = api(hq_admin, tenant)
    # when they change how long a store has to accept an order (the 7 of a read, then in one
    # savepoint: the row locked, its check constraint, the update, the history row)
    with django_assert_num_queries(15):
        response = client.patch(SETTINGS, {"accept_within_minutes": 20}, format="json")
    # then that one changes, in the answer and in the database, and the others stay
    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "accept_within_minutes": 20}
    assert stored_settings() == {**STORED_DEFAULTS, "accept_within_minutes": 20}
    assert api(hq_admin, tenant).get(SETTINGS).json() == {**DEFAULTS, "accept_within_minutes": 20}


@pytest.mark.django_db
def test_patching_several_parameters_at_once(api, tenant, hq_admin):
    # when the HQ admin changes the model, the commission rate, the reminders, the cap and the zone
    changes = {
        "attribution_model": "linear",
        "default_commission_rate": "0.0450",
        "reminder_hours": [48, 1],
        "tac_cap_per_visit": "12.50",
        "timezone": "Asia/Hong_Kong",
        "currency": "HKD",
    }
    response = api(hq_admin, tenant).patch(SETTINGS, changes, format="json")
    # then all of them change
    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, **changes}
    assert stored_settings() == {
        **STORED_DEFAULTS,
        "attribution_model": "linear",
        "default_commission_rate": Decimal("0.0450"),
        "reminder_hours": [48, 1],
        "tac_cap_per_visit": Decimal("12.50"),
        "timezone": "Asia/Hong_Kong",
        "currency": "HKD",
    }


@pytest.mark.django_db
def test_the_slug_cannot_be_changed(api, tenant, hq_admin):
    # when the HQ admin tries to rename the brand's slug
    response = api(hq_admin, tenant).patch(SETTINGS, {"slug": "renamed"}, format="json")
    # then the slug stays
    assert response.status_code == 200
    assert response.json()["slug"] == "alpha"
    assert Tenant.objects.filter(slug="alpha").exists()
    assert not Tenant.objects.filter(slug="renamed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"accept_within_minutes": 0}, {"accept_within_minutes": ["Ensure this value is greater than or equal to 1."]}),
        # a deadline or window past the calendar's end would fail every order or booking: a week, a year at most
        (
            {"accept_within_minutes": 2147483647},
            {"accept_within_minutes": ["Ensure this value is less than or equal to 10080."]},
        ),
        ({"booking_window_days": 367}, {"booking_window_days": ["Ensure this value is less than or equal to 366."]}),
        ({"min_notice_minutes": 43201}, {"min_notice_minutes": ["Ensure this value is less than or equal to 43200."]}),
        (
            {"no_show_grace_minutes": 1441},
            {"no_show_grace_minutes": ["Ensure this value is less than or equal to 1440."]},
        ),
        ({"protection_days": 100000}, {"protection_days": ["Ensure this value is less than or equal to 366."]}),
        ({"attribution_model": "bogus"}, {"attribution_model": ['"bogus" is not a valid choice.']}),
        (
            {"default_commission_rate": "1.5"},
            {"default_commission_rate": ["Ensure this value is less than or equal to 1."]},
        ),
        (
            {"default_commission_rate": "-0.01"},
            {"default_commission_rate": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"timezone": "Mars/Base"}, {"timezone": ['"Mars/Base" is not a valid choice.']}),
        ({"lookback_days": "many"}, {"lookback_days": ["A valid integer is required."]}),
        ({"reminder_hours": [0]}, {"reminder_hours": {"0": ["Ensure this value is greater than or equal to 1."]}}),
        ({"tac_cap_per_visit": "-1.00"}, {"tac_cap_per_visit": ["Ensure this value is greater than or equal to 0."]}),
        ({"currency": "yuan"}, {"currency": ["Give a three-letter ISO 4217 code such as CNY."]}),
        ({"currency": "us1"}, {"currency": ["Give a three-letter ISO 4217 code such as CNY."]}),
        ({"currency": "cny"}, {"currency": ["Give a three-letter ISO 4217 code such as CNY."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        (
            {"accept_within_minutes": 20, "attribution_model": "bogus"},
            {"attribution_model": ['"bogus" is not a valid choice.']},
        ),
    ],
)
def test_an_invalid_value_is_a_400_naming_the_field_and_changes_nothing(api, tenant, hq_admin, changes, errors):
    # when the HQ admin sends an invalid value (sometimes beside a valid one)
    response = api(hq_admin, tenant).patch(SETTINGS, changes, format="json")
    # then the field is named and nothing changes, not even the valid part
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == errors
    assert body["detail"] == f"Invalid input: {', '.join(errors)}."
    assert stored_settings() == STORED_DEFAULTS


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.HQ_STAFF, Role.CONSUMER])
def test_other_roles_of_the_brand_may_neither_read_nor_change_the_settings(api, tenant, make_user, role):
    # given a user of the brand who is not its HQ admin
    user = make_user(tenant, role)
    # when they read and change the settings
    read = api(user, tenant).get(SETTINGS)
    write = api(user, tenant).patch(SETTINGS, {"accept_within_minutes": 20}, format="json")
    # then both are refused and nothing changes
    expected = {"code": "permission_denied", "detail": "Your role in this brand may not do this."}
    assert (read.status_code, read.json()) == (403, expected)
    assert (write.status_code, write.json()) == (403, expected)
    assert stored_settings() == STORED_DEFAULTS


@pytest.mark.django_db
def test_another_brands_admin_has_no_role_here(api, tenant, other_tenant, make_user):
    # given the HQ admin of brand beta
    beta_admin = make_user(other_tenant, Role.HQ_ADMIN)
    # when they read and change alpha's settings
    read = api(beta_admin, tenant).get(SETTINGS)
    write = api(beta_admin, tenant).patch(SETTINGS, {"accept_within_minutes": 20}, format="json")
    # then they hold no role in alpha and nothing changes
    expected = {"code": "no_role", "detail": "You hold no role in this brand."}
    assert (read.status_code, read.json()) == (403, expected)
    assert (write.status_code, write.json()) == (403, expected)
    assert stored_settings() == STORED_DEFAULTS


@pytest.mark.django_db
def test_an_admin_changes_only_their_own_brand(api, tenant, other_tenant, hq_admin):
    # when alpha's admin changes a setting
    api(hq_admin, tenant).patch(SETTINGS, {"lookback_days": 7}, format="json")
    # then beta keeps its own
    assert stored_settings("alpha")["lookback_days"] == 7
    assert stored_settings("beta") == {**STORED_DEFAULTS, "name": "Beta Lighting"}


@pytest.mark.django_db
def test_anonymous_callers_are_asked_to_sign_in(api, tenant):
    # when nobody signed in reads the settings
    response = api(None, tenant).get(SETTINGS)
    # then it is a 401
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "detail": "Authentication credentials were not provided."}
