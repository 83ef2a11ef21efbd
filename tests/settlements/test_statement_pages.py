"""The settlement pages: HQ's run with its statements, a store's statement with every line and its
numbers, a dispute from the page reaching HQ's list; query counts that do not grow."""

from __future__ import annotations

import pytest
from django.test import Client

from o2o.tenancy import tenant_scope
from tests.settlements.factories import completed_order, local, member
from tests.settlements.statement_world import World

pytestmark = pytest.mark.django_db


def client_of(world: World, user) -> Client:
    client = Client(HTTP_HOST=f"{world.scenario.tenant.slug}.localhost")
    client.force_login(user)
    return client


def test_hq_sees_the_run_with_each_stores_statement(world):
    page = client_of(world, world.hq).get(f"/hq/settlements/runs/{world.run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="run-net">1899.98<' in html
    assert 'data-testid="statement-net">1653.07<' in html
    assert 'data-testid="statement-net">246.91<' in html
    assert 'data-testid="reconciliation"' not in html  # no reconciliation on this branch yet


def test_a_manager_disputes_from_the_page_and_hq_sees_it(world):
    manager = client_of(world, world.manager)
    page = manager.get(f"/store/statements/{world.franchise.pk}/")
    html = page.content.decode()
    assert 'data-testid="statement-net">1653.07<' in html
    assert 'data-testid="who-owes">HQ pays the store<' in html
    assert 'data-testid="share-rate">0.9200<' in html
    # a dispute without a note is refused on the page, nothing changed
    refused = manager.post(f"/store/statements/{world.franchise.pk}/", {"action": "dispute", "note": ""})
    assert refused.status_code == 400
    assert "Say what is wrong in a note." in refused.content.decode()
    done = manager.post(f"/store/statements/{world.franchise.pk}/", {"action": "dispute", "note": "B is too high"})
    assert done.status_code == 302
    disputes = client_of(world, world.hq).get("/hq/settlements/disputes/").content.decode()
    assert 'data-testid="dispute-note">B is too high<' in disputes


@pytest.mark.parametrize("more", [0, 4])
def test_the_pages_read_a_fixed_number_of_queries(world, django_assert_num_queries, more):
    tenant = world.scenario.tenant
    with tenant_scope(tenant):
        buyer = member(tenant)
        for _ in range(more):
            completed_order(tenant, world.scenario.franchise, "10.00", local(2025, 5, 9), buyer=buyer)
    hq, manager = client_of(world, world.hq), client_of(world, world.manager)
    pages = [
        (hq, "/hq/settlements/", QUERIES["runs"]),
        (hq, f"/hq/settlements/runs/{world.run.pk}/", QUERIES["run"]),
        (hq, f"/hq/settlements/statements/{world.franchise.pk}/", QUERIES["hq_statement"]),
        (hq, "/hq/settlements/disputes/", QUERIES["disputes"]),
        (manager, "/store/statements/", QUERIES["store_list"]),
        (manager, f"/store/statements/{world.franchise.pk}/", QUERIES["store_statement"]),
        (manager, "/store/", None),
    ]
    for client, path, count in pages:
        if count is None:
            assert client.get(path).status_code == 200
            continue
        with django_assert_num_queries(count):
            assert client.get(path).status_code == 200, path


QUERIES = {"runs": 10, "run": 11, "hq_statement": 13, "disputes": 9, "store_list": 11, "store_statement": 14}
