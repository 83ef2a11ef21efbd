"""The portals skeleton: the gate of each landing page, the navigation, login, the brand picker, i18n."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from o2o.choices import Role
from o2o.services import grant_role
from o2o.tenancy.middleware import SESSION_TENANT_KEY

pytestmark = pytest.mark.django_db


class _Nav(HTMLParser):
    """The (text, href) of the links inside `<nav data-testid="nav">`."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._in_nav = False
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav" and ("data-testid", "nav") in attrs:
            self._in_nav = True
        elif tag == "a" and self._in_nav:
            self._href = dict(attrs)["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self.links.append((data.strip(), self._href))
            self._href = None


def nav_of(response) -> list[tuple[str, str]]:
    parser = _Nav()
    parser.feed(response.content.decode())
    return parser.links


def text_of(response, name: str) -> str:
    """The text of the element marked `data-testid=name` (first one)."""
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', response.content.decode())
    assert match, f"no {name} on the page"
    return match.group(1).strip()


def host_client(tenant, user=None, **extra) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost", **extra)
    if user is not None:
        client.force_login(user)
    return client


# --- the gate --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/hq/", "/store/", "/guide/"])
def test_anonymous_visitors_are_sent_to_login_and_back(tenant, path):
    # when an anonymous visitor opens a staff landing page of the brand
    response = host_client(tenant).get(path)
    # then they are asked to log in, coming back to the page afterwards
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_anonymous_visitors_without_a_brand_are_sent_to_login_too():
    response = Client().get("/hq/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/hq/"


@pytest.mark.parametrize("path", ["/hq/", "/store/", "/guide/"])
def test_a_user_without_a_role_in_the_brand_is_refused(tenant, other_tenant, make_user, path):
    # given an HQ admin of the other brand only
    outsider = make_user(other_tenant, Role.HQ_ADMIN, username="outsider")
    # when they open the page on this brand's host
    response = host_client(tenant, outsider).get(path)
    # then it is forbidden, and the page says why
    assert response.status_code == 403
    assert text_of(response, "page-title") == "Forbidden"
    assert "Your role in this brand may not see this page." in response.content.decode()


@pytest.mark.parametrize(
    ("path", "role", "title"),
    [
        ("/hq/", Role.HQ_ADMIN, "HQ dashboard"),
        ("/hq/", Role.HQ_STAFF, "HQ dashboard"),
        ("/store/", Role.STORE_MANAGER, "Store dashboard"),
        ("/guide/", Role.GUIDE, "My workbench"),  # the guides app's workbench
    ],
)
def test_a_landing_page_opens_for_its_role_showing_brand_and_user(tenant, make_user, path, role, title):
    # given a user with the page's role
    user = make_user(tenant, role, username="someone")
    # when they open it
    response = host_client(tenant, user).get(path)
    # then they see the page with the brand, who they are and their role
    assert response.status_code == 200
    assert text_of(response, "page-title") == title
    assert text_of(response, "brand") == "Alpha Eyewear"
    assert text_of(response, "user") == "Test User"
    assert text_of(response, "roles") == str(Role(role).label)


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/hq/", Role.STORE_MANAGER),
        ("/hq/", Role.GUIDE),
        ("/hq/", Role.CONSUMER),
        ("/store/", Role.HQ_ADMIN),
        ("/store/", Role.GUIDE),
        ("/store/", Role.CONSUMER),
        ("/guide/", Role.HQ_ADMIN),
        ("/guide/", Role.STORE_MANAGER),
        ("/guide/", Role.CONSUMER),
    ],
)
def test_a_landing_page_refuses_the_other_roles(tenant, make_user, path, role):
    user = make_user(tenant, role, username="someone")
    assert host_client(tenant, user).get(path).status_code == 403


def test_the_hq_page_lists_the_brands_hq_team_and_no_one_else(tenant, other_tenant, make_user, hq_admin):
    # given an HQ staff member here, a store manager here and an HQ admin of the other brand
    make_user(tenant, Role.HQ_STAFF, username="alpha-staff")
    make_user(tenant, Role.STORE_MANAGER, username="alpha-store")
    make_user(other_tenant, Role.HQ_ADMIN, username="beta-admin")
    # when the HQ admin opens the HQ page
    response = host_client(tenant, hq_admin).get("/hq/")
    # then the team card names exactly this brand's HQ people
    assert [(r.user.username, r.role) for r in response.context["team"]] == [
        ("alpha-admin", Role.HQ_ADMIN),
        ("alpha-staff", Role.HQ_STAFF),
    ]
    assert "beta-admin" not in response.content.decode()


# --- navigation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "links"),
    [
        ((Role.HQ_ADMIN,), [("HQ", "/hq/"), ("Admin", "/admin/")]),
        ((Role.HQ_STAFF,), [("HQ", "/hq/"), ("Admin", "/admin/")]),
        ((Role.STORE_MANAGER,), [("Store", "/store/")]),
        ((Role.GUIDE,), [("Guide", "/guide/")]),
        ((Role.CONSUMER,), [("Shop", "/")]),
        ((Role.HQ_STAFF, Role.STORE_MANAGER), [("HQ", "/hq/"), ("Admin", "/admin/"), ("Store", "/store/")]),
    ],
)
def test_the_navigation_shows_exactly_the_portals_of_the_users_roles(tenant, make_user, roles, links):
    # given a user with these roles
    user = make_user(tenant, *roles, username="someone")
    # when they open the shop (a page anyone may see)
    response = host_client(tenant, user).get("/")
    # then the navigation links exactly their portals
    assert response.status_code == 200
    assert nav_of(response) == links


def test_anonymous_visitors_and_users_without_a_role_get_no_navigation(tenant, other_tenant, make_user):
    outsider = make_user(other_tenant, Role.HQ_ADMIN, username="outsider")
    assert nav_of(host_client(tenant).get("/")) == []
    assert nav_of(host_client(tenant, outsider).get("/")) == []


# --- the shop and the welcome page -----------------------------------------------------------


def test_the_shop_opens_for_anonymous_visitors_of_a_brand(tenant):
    # when an anonymous visitor opens the brand's address
    response = host_client(tenant).get("/")
    # then they see the brand's shop and the way to log in
    assert response.status_code == 200
    assert text_of(response, "page-title") == "Alpha Eyewear"
    assert "Welcome to Alpha Eyewear." in response.content.decode()
    assert 'href="/login/?next=/"' in response.content.decode()


def test_without_a_brand_the_home_page_is_a_welcome_with_a_login_link(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert text_of(response, "page-title") == "Welcome to O2O"
    assert 'href="/login/"' in response.content.decode()


def test_a_signed_in_user_without_a_brand_chosen_is_sent_to_the_brand_picker(tenant, hq_admin):
    client = Client()
    client.force_login(hq_admin)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/brands/"


# --- login, logout, the brand picker ---------------------------------------------------------


def test_logging_in_with_one_brand_lands_on_its_hq_page(tenant, hq_admin):
    # given an HQ admin of one brand
    client = Client()
    # when they log in and follow where they are sent
    response = client.post("/login/", {"username": "alpha-admin", "password": "pw-secret-42"})
    hops = []
    while response.status_code == 302:
        hops.append(response["Location"])
        response = client.get(response["Location"])
    # then the brand is picked for them and they land on its HQ page
    assert hops == ["/home/", "/brands/", "/home/", "/hq/"]
    assert response.status_code == 200
    assert text_of(response, "page-title") == "HQ dashboard"
    assert client.session[SESSION_TENANT_KEY] == "alpha"


def test_a_wrong_password_shows_the_login_page_again(tenant, hq_admin):
    client = Client()
    response = client.post("/login/", {"username": "alpha-admin", "password": "wrong"})
    assert response.status_code == 200
    assert "Your username and password didn't match. Please try again." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_comes_back_to_the_page_asked_for(tenant, hq_admin):
    client = Client(HTTP_HOST="alpha.localhost")
    response = client.post("/login/", {"username": "alpha-admin", "password": "pw-secret-42", "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_logout_is_a_post_and_forgets_user_and_brand(tenant, hq_admin):
    # given a signed-in HQ admin working in their brand
    client = Client()
    client.force_login(hq_admin)
    assert client.get("/brands/").status_code == 302
    # when they try a GET, then post to log out
    refused = client.get("/logout/")
    response = client.post("/logout/")
    # then only the post logs them out, and the session forgets the brand
    assert refused.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert dict(client.session) == {}


def test_the_brand_picker_lists_both_brands_of_a_user_with_roles_in_two(tenant, other_tenant, make_user, in_tenant):
    # given a person who is HQ in one brand and a consumer in the other
    user = make_user(tenant, Role.HQ_ADMIN, username="both")
    with in_tenant(other_tenant):
        grant_role(tenant=other_tenant, user=user, role=Role.CONSUMER)
    client = Client()
    client.force_login(user)
    # when they open the brand picker
    response = client.get("/brands/")
    # then both brands are offered, by name, and none is picked yet
    assert response.status_code == 200
    assert [t.slug for t in response.context["tenants"]] == ["alpha", "beta"]
    assert re.findall(r'name="tenant" value="(\w+)"[^>]*>([^<]+)<', response.content.decode()) == [
        ("alpha", "Alpha Eyewear"),
        ("beta", "Beta Lighting"),
    ]
    assert SESSION_TENANT_KEY not in client.session
    # and when they pick the second, they land on its shop (they are a consumer there)
    response = client.post("/brands/switch/", {"tenant": "beta"}, follow=True)
    assert response.redirect_chain == [("/home/", 302), ("/", 302)]
    assert client.session[SESSION_TENANT_KEY] == "beta"
    assert text_of(response, "brand") == "Beta Lighting"


def test_switching_to_a_brand_without_a_role_there_is_refused(tenant, other_tenant, hq_admin):
    # given an HQ admin working in their brand
    client = Client()
    client.force_login(hq_admin)
    client.get("/brands/")
    # when they try to switch to a brand where they hold no role
    response = client.post("/brands/switch/", {"tenant": "beta"})
    # then they are sent back to the picker with a message, still in their own brand
    assert response.status_code == 302
    assert response["Location"] == "/brands/?all=1"
    assert client.session[SESSION_TENANT_KEY] == "alpha"
    page = client.get(response["Location"])
    assert "You hold no role in that brand." in page.content.decode()
    assert client.get("/hq/").context["tenant"] == tenant


def test_a_user_of_one_brand_is_refused_on_the_other_brands_host(tenant, other_tenant, hq_admin):
    assert host_client(other_tenant, hq_admin).get("/hq/").status_code == 403


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "login_title", "hq_title"),
    [
        ("zh-hans", "登录", "总部看板"),
        ("zh-CN,zh;q=0.9", "登录", "总部看板"),
        ("en", "Log in", "HQ dashboard"),
    ],
)
def test_pages_speak_the_language_the_browser_asks_for(tenant, hq_admin, accept_language, login_title, hq_title):
    # when the login page and the HQ page are asked for in a language
    login = Client(HTTP_ACCEPT_LANGUAGE=accept_language).get("/login/")
    hq = host_client(tenant, hq_admin, HTTP_ACCEPT_LANGUAGE=accept_language).get("/hq/")
    # then their titles are in it
    assert text_of(login, "page-title") == login_title
    assert text_of(hq, "page-title") == hq_title


def test_the_language_switch_keeps_the_choice(tenant, hq_admin):
    # given an HQ admin whose browser asks for English
    client = host_client(tenant, hq_admin, HTTP_ACCEPT_LANGUAGE="en")
    # when they switch to Chinese on the HQ page
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/hq/"})
    # then they are back on the page, which now speaks Chinese, navigation included
    assert response.status_code == 302
    assert response["Location"] == "/hq/"
    page = client.get("/hq/")
    assert text_of(page, "page-title") == "总部看板"
    assert nav_of(page) == [("总部", "/hq/"), ("管理后台", "/admin/")]
    assert text_of(page, "roles") == "总部管理员"
    # and switching back gives English again
    client.post("/i18n/setlang/", {"language": "en", "next": "/hq/"})
    assert text_of(client.get("/hq/"), "page-title") == "HQ dashboard"
