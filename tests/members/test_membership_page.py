"""/me/, the consumer's "my membership" page: their member card (number and QR code for a guide to
scan), their data as the brand holds it, their guide, links to their bookings and orders, and
changing their name (the same rule and service as `PATCH /api/v1/members/me/`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from members.cards import card_payload, card_qr_svg, member_number, read_member_card
from members.models import BindingSource, GuideBinding, Member
from members.services import join_brand
from o2o.choices import Role
from o2o.models import User
from o2o.tenancy import tenant_scope
from stores.models import StoreStaff
from tests.members.factories import Brand

pytestmark = pytest.mark.django_db

PHONE = "+8613812345678"


def consumer(brand: Brand) -> User:
    return User.objects.get(username=PHONE)


def client_of(user: User, brand: Brand, *, language: str = "en") -> Client:
    client = Client(HTTP_HOST=f"{brand.tenant.slug}.localhost", HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def stored_name(brand: Brand) -> str:
    with tenant_scope(brand.tenant):
        return Member.objects.get(pk=brand.member.pk).name


def bind(brand: Brand, *, days_left: int) -> GuideBinding:
    """Bind the member to the home store's guide (王芳), the binding ending in `days_left` days."""
    User.objects.filter(pk=brand.home_guide.pk).update(name="王芳")
    until = timezone.now() + dt.timedelta(days=days_left)
    with tenant_scope(brand.tenant):
        guide = StoreStaff.objects.get(user=brand.home_guide)
        return GuideBinding.objects.create(
            tenant=brand.tenant,
            member=brand.member,
            guide=guide,
            store=brand.home,
            source=BindingSource.LINK,
            bound_at=until - dt.timedelta(days=30),
            bound_until=until,
        )


def test_the_consumer_sees_their_member_card(brand):
    # when the member opens their membership page
    response = client_of(consumer(brand), brand).get("/me/")
    # then it shows their card: the brand, their name, their number and its QR code
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 data-testid="page-title">My membership</h1>' in html
    assert '<p class="card-name" data-testid="member-name">张伟</p>' in html
    assert f'<strong data-testid="member-number">{brand.member.pk:08d}</strong>' in html
    assert str(card_qr_svg(tenant=brand.tenant, member=brand.member)) in html
    # and their data: the phone masked (the card is shown in a store), the day they joined in the
    # brand's time zone, their home store, no guide
    assert '<dd data-testid="member-phone">138****5678</dd>' in html
    assert '<dd data-testid="member-joined">2026-03-01</dd>' in html
    assert '<dd data-testid="member-home-store">Store SH01</dd>' in html
    assert '<dd data-testid="member-guide">—</dd>' in html
    assert PHONE not in html
    # and the ways to their bookings and orders, and to change their name
    assert 'href="/bookings/" data-testid="my-bookings"' in html
    assert 'href="/shop/orders/" data-testid="my-orders"' in html
    assert 'name="name" maxlength="150" autocomplete="name" required value="张伟"' in html


def test_the_page_shows_the_guide_the_member_is_bound_to_now(brand):
    binding = bind(brand, days_left=10)
    html = client_of(consumer(brand), brand).get("/me/").content.decode()
    until = binding.bound_until.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    assert f'data-testid="member-guide">王芳 · Store SH01 <small>until {until}</small></dd>' in html


def test_an_expired_binding_shows_no_guide(brand):
    bind(brand, days_left=-1)
    html = client_of(consumer(brand), brand).get("/me/").content.decode()
    assert '<dd data-testid="member-guide">—</dd>' in html


def test_the_page_speaks_chinese_to_a_chinese_reader(brand):
    html = client_of(consumer(brand), brand, language="zh-hans").get("/me/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'data-testid="my-bookings">我的预约</a>' in html
    assert 'data-testid="my-orders">我的订单</a>' in html


def test_the_consumer_changes_their_name(brand):
    client = client_of(consumer(brand), brand)
    # when they save a new name (spaces around it are dropped)
    response = client.post("/me/", {"name": "  张小伟 "})
    # then it is stored and they are back on their page, which says so
    assert (response.status_code, response["Location"]) == (302, "/me/")
    assert stored_name(brand) == "张小伟"
    html = client.get("/me/").content.decode()
    assert "Your name is saved." in html
    assert '<p class="card-name" data-testid="member-name">张小伟</p>' in html


@pytest.mark.parametrize(("language", "message"), [("en", "This field is required."), ("zh-hans", "此项为必填项。")])
def test_a_blank_name_is_refused_on_the_form_and_changes_nothing(brand, language, message):
    client = client_of(consumer(brand), brand, language=language)
    response = client.post("/me/", {"name": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<p class="error" id="name-error" role="alert" data-testid="name-error">{message}</p>' in html
    assert stored_name(brand) == "张伟"


def test_a_name_too_long_is_refused_with_the_input_kept(brand):
    name = "张" * 151
    response = client_of(consumer(brand), brand).post("/me/", {"name": name})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'value="{name}"' in html
    assert "Ensure this value has at most 150 characters (it has 151)." in html
    assert stored_name(brand) == "张伟"


def test_a_consumer_whose_membership_is_being_made_sees_a_page_that_waits_for_it(brand, make_user):
    # given a consumer just signed up: their membership follows the sign-up event
    newcomer = make_user(brand.tenant, Role.CONSUMER, username="+8613900000001")
    response = client_of(newcomer, brand).get("/me/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="membership-pending"' in html
    assert 'hx-get="/me/" hx-trigger="every 3s"' in html
    assert 'data-testid="member-card"' not in html
    # and saving a name has no membership to change: 404, nothing made
    assert client_of(newcomer, brand).post("/me/", {"name": "新人"}).status_code == 404
    with tenant_scope(brand.tenant):
        assert not Member.objects.filter(user=newcomer).exists()


def test_a_membership_of_another_brand_is_not_shown(brand, other_tenant, make_user):
    # given a consumer of both brands, with a membership in the other brand only
    person = make_user(brand.tenant, Role.CONSUMER, username="+8613700000007")
    with tenant_scope(other_tenant):
        join_brand(tenant=other_tenant, phone="+8613700000007", name="外人", user=person)
    # when they open their membership page here
    html = client_of(person, brand).get("/me/").content.decode()
    # then the other brand's card does not show: they are not a member here (yet)
    assert 'data-testid="membership-pending"' in html
    assert "外人" not in html


# --- the card's code -------------------------------------------------------------------------


def test_the_card_names_the_member_of_the_brand_and_nothing_else(brand, other_tenant):
    payload = card_payload(tenant=brand.tenant, member=brand.member)
    assert payload.startswith(f"alpha:{member_number(brand.member)}:")
    assert read_member_card(tenant=brand.tenant, payload=payload) == brand.member.pk
    # another brand's scanner, a number changed by hand, anything else: nobody
    assert read_member_card(tenant=other_tenant, payload=payload) is None
    forged = payload.replace(member_number(brand.member), f"{brand.member.pk + 1:08d}", 1)
    assert read_member_card(tenant=brand.tenant, payload=forged) is None
    assert read_member_card(tenant=brand.tenant, payload="alpha:00000001") is None
    assert read_member_card(tenant=brand.tenant, payload="") is None


# --- query counts ----------------------------------------------------------------------------

# tenant, scope (savepoint, set_config, reset, release), session, user, roles, membership (with
# its home store), binding (with the guide and their store)
PAGE_QUERIES = 10
# tenant, scope (4), session, user, roles, the page's savepoint (the error boundary), membership,
# the service's savepoint, locked row, update, two releases
SAVE_QUERIES = 15


@pytest.mark.parametrize("others", [0, 30])
def test_the_page_costs_the_same_queries_however_many_members_and_bindings(brand, others, django_assert_num_queries):
    # given other members, and the member's current and past bindings
    with tenant_scope(brand.tenant):
        for number in range(others):
            join_brand(tenant=brand.tenant, phone=f"+86139{number:08d}", name="会员", home_store=brand.home)
    for days_left in [-5, -1, 10] if others else [10]:
        bind(brand, days_left=days_left)
    client = client_of(consumer(brand), brand)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get("/me/").status_code == 200
    with django_assert_num_queries(SAVE_QUERIES):
        assert client.post("/me/", {"name": "张小伟"}).status_code == 302
