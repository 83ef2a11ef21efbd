"""The menu of each portal lists its pages, for the roles that may open them."""

import html
import re

import pytest
from django.test import Client

from o2o.choices import Role


def section_labels(response) -> list[str]:
    menu = re.search(r'<nav class="subnav" data-testid="sections".*?</nav>', response.content.decode(), re.S)
    return [html.unescape(label) for label in re.findall(r">([^<]+)</a>", menu.group(0))] if menu else []


@pytest.mark.django_db
def test_hq_sees_the_hq_menu_with_every_hq_page(tenant, make_user):
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(make_user(tenant, Role.HQ_STAFF))
    assert section_labels(client.get("/hq/")) == [
        "Dashboard",
        "Stores",
        "Products",
        "Categories",
        "Price lists",
        "Campaigns",
        "Reports",
        "Members",
        "Orders",
        "Unroutable orders",
        "Bookings",
        "Settlements",
        "Commission rules",
        "Commissions",
    ]


@pytest.mark.django_db
def test_a_store_manager_sees_the_store_menu(tenant, make_user):
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(make_user(tenant, Role.STORE_MANAGER))
    assert section_labels(client.get("/store/")) == [
        "Dashboard",
        "Stock",
        "Orders",
        "Today's visits",
        "Members",
        "QR code",
        "Statements",
        "Guides",
        "Claims",
    ]


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_the_shop_menu_and_no_other(tenant):
    client = Client(HTTP_HOST="alpha.localhost")
    home = client.get("/")
    assert section_labels(home) == [
        "Home",
        "Stores near me",
        "Book a visit",
        "Order online",
        "My bookings",
        "My orders",
        "My membership",
    ]
    # and the header offers to log in or to sign up
    assert 'href="/signup/" data-testid="header-signup"' in home.content.decode()


@pytest.mark.django_db
def test_no_menu_without_a_brand():
    assert section_labels(Client().get("/")) == []


@pytest.mark.django_db
def test_a_guide_is_offered_the_store_pages_a_guide_may_open_only(tenant, make_user):
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(make_user(tenant, Role.GUIDE))
    menu = client.get("/store/orders/")
    assert section_labels(menu) == ["Stock", "Orders", "Today's visits", "Members", "QR code"]
    assert [client.get(link.url).status_code for link in menu.context["sections"]] == [200] * 5
