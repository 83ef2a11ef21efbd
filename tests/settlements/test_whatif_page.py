"""The HQ what-if page: the form, each store today, under the proposal and the difference (coloured),
bad input shown on the form; HQ only (the harness checks the roles and brands)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGE = "/hq/settlements/what-if/"


def hq_client(tenant, hq_admin) -> Client:
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


def test_hq_previews_may_without_the_cap(scenario, hq_admin, django_assert_num_queries):
    client = hq_client(scenario.tenant, hq_admin)
    assert client.get(PAGE).status_code == 200
    params = {"period_start": "2025-05-01", "period_end": "2025-06-01", "tac_cap_per_visit": "none"}
    client.get(PAGE, params)
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(PAGE, params).content.decode()
    assert 'data-testid="what-if-table"' in page
    assert '<td class="num delta-down" data-testid="diff-3">-8.33</td>' in page  # F's TAC
    assert '<td class="num delta-down" data-testid="diff-5">-8.33</td>' in page  # F's net
    assert '<td class="num " data-testid="diff-5">0.00</td>' in page  # D's and C's nets


def test_bad_input_is_shown_on_the_form(scenario, hq_admin):
    client = hq_client(scenario.tenant, hq_admin)
    response = client.get(PAGE, {"period_start": "2025-05-01", "period_end": "2025-04-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-period_end"' in page
    assert "what-if-table" not in page
    response = client.get(PAGE, {"period_start": "2025-05-01", "period_end": "2025-06-01", "tac_cap_per_visit": "x"})
    assert (response.status_code, 'data-testid="error-tac_cap_per_visit"' in response.content.decode()) == (400, True)


# the session, user, tenant scope and roles of the page, the form's stores, the service's stores, the six reads of
# the inputs (a cap changes no credit: read once)
PAGE_QUERIES = 17  # with the commissions the period would make payable (one query)
