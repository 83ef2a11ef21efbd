"""What the logs say about a refused request: a 403 is a warning without a traceback (an error with
one per refused page buried the real errors); a 5xx keeps its traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from o2o.choices import Role


def request_records(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, bool]]:
    return [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records if r.name == "django.request"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hq/", "/admin/"])
def test_a_page_refused_to_a_role_is_logged_as_a_warning_without_a_traceback(tenant, make_user, caplog, path):
    # given a consumer of the brand, signed in on its host
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(make_user(tenant, Role.CONSUMER, username="+8613800138000"))
    # when they open an HQ page (PermissionDenied raised by the portal's gate, or the admin's)
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get(path)
    # then it is a 403, logged once as a warning with no traceback
    assert response.status_code == 403
    assert request_records(caplog) == [("WARNING", f"Forbidden (Permission denied): {path}", False)]


def test_a_server_error_keeps_its_traceback(caplog):
    # when Django logs a 500 with its exception
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        with caplog.at_level(logging.INFO, logger="django.request"):
            logging.getLogger("django.request").error(
                "Internal Server Error: /hq/", exc_info=exc, extra={"status_code": 500}
            )
    # then the traceback is kept
    assert request_records(caplog) == [("ERROR", "Internal Server Error: /hq/", True)]
