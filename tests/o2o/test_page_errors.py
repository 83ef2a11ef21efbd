"""The pages' error boundary (o2o/portals/errors.py), like the API's exception handler: an
application error raised by a portal view becomes its status, rolls back everything the request
wrote, and is shown on the page or form it came from, in the reader's language, with what the user
typed; htmx gets the fragment with the message, marked so that the page swaps it in.

The views below are this test's own (mounted with `pytest.mark.urls`): each writes something before
it is refused, so that the rollback shows.
"""

from __future__ import annotations

import pytest
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.test import Client
from django.urls import path
from django.utils.translation import gettext as _

from o2o.choices import Role
from o2o.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound, Unprocessable
from o2o.models import TenantRole, User
from o2o.portals.access import portal_page
from o2o.portals.forms import InvalidForm, show_error, validated
from o2o.services import grant_role
from o2o.tenancy import tenant_scope
from o2o.urls import urlpatterns as site_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.o2o.test_page_errors")]

FORM_PAGE = engines["django"].from_string(
    '<p data-testid="page-error">{{ error.detail }}</p><p data-testid="roles">{{ roles }} roles</p>'
    "<form>{{ form.non_field_errors }}{% for field in form %}{{ field }}{{ field.errors }}{% endfor %}</form>"
)


class GuestForm(forms.Form):
    name = forms.CharField(max_length=20)
    phone = forms.CharField(max_length=20, required=False)


ERRORS = {
    "not_found": lambda: NotFound(_("No such order.")),
    "forbidden": lambda: Forbidden(_("Only HQ and the staff of the order's store may do this.")),
    "conflict": lambda: Conflict(_("Only HQ and the staff of the order's store may do this.")),
    "unprocessable": lambda: Unprocessable(_("No such order.")),
    "invalid": lambda: InvalidInput("name", _("Give your name, or log in.")),
}


def _grant_guest(request: HttpRequest) -> None:
    """A write of this request: a guest's user, with a role in the brand."""
    user = User.objects.create_user(username=f"guest-{request.POST.get('name', 'x')}", password="x-pass-99")
    grant_role(tenant=request.tenant, user=user, role=Role.CONSUMER)  # type: ignore[attr-defined]


def _form_again(request: HttpRequest, error: AppError, kind: str) -> HttpResponse:
    """The form it came from, bound to what was typed, with the error."""
    form = GuestForm(request.POST)
    show_error(form, error)
    roles = TenantRole.objects.filter(tenant=request.tenant).count()  # type: ignore[attr-defined]
    return HttpResponse(FORM_PAGE.render({"form": form, "error": error, "roles": roles}, request))


@portal_page(Role.HQ_ADMIN, on_error=_form_again)
def refuse_after_writing(request: HttpRequest, kind: str) -> HttpResponse:
    """POST: writes a guest, then is refused with the error `kind`."""
    validated(GuestForm(request.POST))
    _grant_guest(request)
    raise ERRORS[kind]()


@portal_page(Role.HQ_ADMIN)
def refuse_on_its_own_page(request: HttpRequest, kind: str) -> HttpResponse:
    """GET or POST: writes, then is refused; no page of its own to re-render."""
    _grant_guest(request)
    raise ERRORS[kind]()


@portal_page(Role.HQ_ADMIN)
def ok(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/_error.html", {"error": AppError("fine")})


urlpatterns = [
    path("form/<str:kind>/", refuse_after_writing),
    path("page/<str:kind>/", refuse_on_its_own_page),
    path("ok/", ok),
    *site_urls,
]


@pytest.fixture
def admin_client(tenant, hq_admin):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


def _roles(tenant) -> int:
    with tenant_scope(tenant):
        return TenantRole.objects.filter(tenant=tenant).count()


@pytest.mark.parametrize(
    ("kind", "status"),
    [("not_found", 404), ("forbidden", 403), ("conflict", 409), ("unprocessable", 422), ("invalid", 400)],
)
def test_an_error_becomes_its_status_and_nothing_written_is_kept(tenant, admin_client, kind, status):
    # given the brand's roles
    before = _roles(tenant)
    # when a form's action writes a guest with a role, then is refused
    response = admin_client.post(f"/form/{kind}/", {"name": "li", "phone": "139"})
    # then the answer has the error's status and code, and the guest's role is gone with the rest
    assert response.status_code == status
    assert response["X-Page-Error"] == ERRORS[kind]().code
    assert _roles(tenant) == before
    assert not User.objects.filter(username="guest-li").exists()


def test_the_form_comes_back_with_what_was_typed_and_the_error_at_its_field(tenant, admin_client):
    # given the brand's roles
    before = _roles(tenant)
    # when the action writes a guest's role, then is refused naming the name
    response = admin_client.post("/form/invalid/", {"name": "Li Na", "phone": "13912345678"})
    # then the form comes back as typed, the error at its field, over the state before the action
    html = response.content.decode()
    assert response.status_code == 400
    assert f"{before} roles" in html
    assert 'name="name" value="Li Na"' in html
    assert 'name="phone" value="13912345678"' in html
    assert html.count("Give your name, or log in.") == 2  # above the form and at its field


def test_the_message_is_in_the_readers_language(tenant, admin_client):
    english = admin_client.post("/form/invalid/", {"name": "li"}).content.decode()
    chinese = admin_client.post("/form/invalid/", {"name": "li"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Give your name, or log in." in english
    assert "请填写您的姓名，或登录。" in chinese
    refused = admin_client.post("/form/forbidden/", {"name": "li"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "只有总部和订单所属门店的员工可以执行此操作。" in refused.content.decode()


def test_a_form_the_user_must_correct_is_a_400_shown_once(tenant, admin_client):
    # when the form is posted without its required name (nothing written before the refusal)
    response = admin_client.post("/form/conflict/", {"phone": "139"})
    # then the form shows its own error once, keeping the phone
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("This field is required.") == 2  # the page's message and the field's error
    assert 'name="phone" value="139"' in html


def test_without_a_page_to_return_to_the_error_has_a_page_of_its_own(tenant, admin_client):
    before = _roles(tenant)
    # when a page (GET) and an action (POST) that wrote are refused
    page = admin_client.get("/page/conflict/")
    action = admin_client.post("/page/not_found/", {"name": "zz"})
    # then each is a page with the message and the status, and nothing written is kept
    assert (page.status_code, action.status_code) == (409, 404)
    assert '<h1 data-testid="page-title">Not possible now</h1>' in page.content.decode()
    assert '<p class="alert" role="alert" data-testid="page-error" data-code="not_found">No such order.</p>' in (
        action.content.decode()
    )
    assert _roles(tenant) == before


def test_htmx_gets_the_fragment_marked_for_swapping(tenant, admin_client):
    response = admin_client.post("/page/unprocessable/", {"name": "zz"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert response["X-Page-Error"] == "unprocessable"
    assert "HX-Request" in response["Vary"]
    assert response.content.decode().strip() == (
        '<p class="alert" role="alert" data-testid="page-error" data-code="unprocessable">No such order.</p>'
    )


def test_an_answer_without_error_is_untouched(tenant, admin_client):
    response = admin_client.get("/ok/")
    assert response.status_code == 200
    assert "X-Page-Error" not in response


def test_the_gate_still_answers_before_the_boundary(tenant, make_user):
    # a consumer on an HQ page is refused by the gate (Django's 403), not by the boundary
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(make_user(tenant, Role.CONSUMER, username="+8613900000001"))
    response = client.post("/form/conflict/", {"name": "li"})
    assert response.status_code == 403
    assert "X-Page-Error" not in response


# --- the form helper ----------------------------------------------------------------------------


class ServiceForm(forms.Form):
    district = forms.CharField(required=False)
    phone = forms.CharField(required=False)


def test_a_services_field_goes_to_the_forms_field_by_its_alias_else_above_the_form():
    form = ServiceForm({"district": "x", "phone": "1"})
    show_error(form, InvalidInput("location", "Give your location."), fields={"location": "district"})
    show_error(form, InvalidInput("phone", "Not a phone."))
    show_error(form, InvalidInput("lines", "Order at least one item."))
    show_error(form, Conflict("The slot is full."))
    assert form.errors == {
        "district": ["Give your location."],
        "phone": ["Not a phone."],
        "__all__": ["Order at least one item.", "The slot is full."],
    }


def test_validated_raises_the_forms_own_errors_and_shows_them_once():
    form = GuestForm({"phone": "1"})
    with pytest.raises(InvalidForm) as refused:
        validated(form, detail="Check the form.")
    again = GuestForm({"phone": "1"})
    show_error(again, refused.value)
    assert (refused.value.status_code, refused.value.detail) == (400, "Check the form.")
    assert refused.value.extra == {"errors": {"name": ["This field is required."]}}
    assert again.errors == {"name": ["This field is required."]}
