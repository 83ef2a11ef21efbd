"""The what-if preview (issue 13, item 4): May under the brand's rules and under a proposal, store
by store, and the difference; nothing written. (Commissions are not wired to guides yet: the
preview reads none, so F's net today is 1932.00 - 233.33 = 1698.67.)"""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from settlements.models import Account, JournalEntry, Posting, SettlementRun, Statement, StatementLine

pytestmark = pytest.mark.django_db

WHAT_IF = "/api/v1/settlements/what-if/"
MAY = {"period_start": "2025-05-01", "period_end": "2025-06-01"}


def rows_written(tenant) -> list[int]:
    with tenant_scope(tenant):
        return [m.objects.count() for m in (SettlementRun, Statement, StatementLine, JournalEntry, Posting, Account)]


def test_hq_sees_each_store_without_the_cap_and_the_difference(api, hq_admin, scenario, django_assert_num_queries):
    client = api(hq_admin, scenario.tenant)
    before = rows_written(scenario.tenant)
    client.get(WHAT_IF, MAY)
    # when HQ previews May without the cap per visit (B's 8.33 and 1.67 no longer stay with HQ)
    with django_assert_num_queries(WHAT_IF_QUERIES):
        response = client.get(WHAT_IF, {**MAY, "tac_cap_per_visit": "none"})
    assert response.status_code == 200
    body = response.json()
    assert body["rules"]["today"]["tac_cap_per_visit"] == "80.00"
    assert body["rules"]["proposal"]["tac_cap_per_visit"] is None
    by_code = {row["code"]: row for row in body["stores"]}
    franchise, counter = by_code["F"], by_code["C"]
    assert (franchise["today"]["tac"], franchise["proposal"]["tac"], franchise["difference"]["tac"]) == (
        "-233.33", "-241.66", "-8.33",
    )  # fmt: skip
    assert (franchise["today"]["net"], franchise["proposal"]["net"], franchise["difference"]["net"]) == (
        "1698.67", "1690.34", "-8.33",
    )  # fmt: skip
    # C's TAC is shown for information only (not chargeable): its net does not move
    assert (counter["difference"]["tac"], counter["difference"]["net"]) == ("-1.67", "0.00")
    assert body["totals"]["difference"]["net"] == "-8.33"
    # and nothing was written
    assert rows_written(scenario.tenant) == before


def test_another_share_rate_for_one_store_and_another_model(api, hq_admin, scenario):
    client = api(hq_admin, scenario.tenant)
    body = client.get(WHAT_IF, {**MAY, "store": scenario.franchise.pk, "share_rate": "0.9"}).json()
    franchise = next(row for row in body["stores"] if row["code"] == "F")
    # 0.90 x 2100.00 = 1890.00: 42.00 less than at 0.92
    assert (franchise["proposal"]["store_share"], franchise["difference"]["net"]) == ("1890.00", "-42.00")
    assert {row["code"]: row["difference"]["net"] for row in body["stores"]} == {
        "D": "0.00",
        "F": "-42.00",
        "C": "0.00",
    }
    # under last touch only one visit of A at D is credited (at 14 May): A's 100.00 all to D, B's none
    other = client.get(WHAT_IF, {**MAY, "model": "last_touch"}).json()
    assert {row["code"]: row["proposal"]["tac"] for row in other["stores"]} == {
        "D": "-80.00",  # capped at 1 visit x 80.00
        "F": "0.00",
        "C": "0.00",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period_end": "2025-06-01"}, "period_start"),
        ({**MAY, "period_end": "2025-04-01"}, "period_end"),
        ({**MAY, "model": "psychic"}, "model"),
        ({**MAY, "tac_basis": "likes"}, "tac_basis"),
        ({**MAY, "tac_cap_per_visit": "lots"}, "tac_cap_per_visit"),
        ({**MAY, "tac_cap_per_visit": "-1"}, "tac_cap_per_visit"),
        ({**MAY, "tac_cap_per_visit": "1e2"}, "tac_cap_per_visit"),  # a plain amount, as every money field
        ({**MAY, "tac_cap_per_visit": "NaN"}, "tac_cap_per_visit"),
        ({**MAY, "store": "1", "share_rate": "1e-1"}, "share_rate"),
        ({**MAY, "share_rate": "0.5"}, "store"),
        ({**MAY, "store": 1, "share_rate": "1.5"}, "share_rate"),
        ({**MAY, "store": 999999, "share_rate": "0.5"}, "store"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, hq_admin, scenario, params, field):
    response = api(hq_admin, scenario.tenant).get(WHAT_IF, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_another_brands_store_is_refused(api, hq_admin, scenario, other_tenant):
    from tests.stores.factories import make_store

    with tenant_scope(other_tenant):
        foreign = make_store(other_tenant, code="X")
    response = api(hq_admin, scenario.tenant).get(WHAT_IF, {**MAY, "store": foreign.pk, "share_rate": "0.5"})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["store"])


# the request's 7 (tenant scope, caller), the stores, the six reads of today's inputs (the
# proposal's cap changes no credit: its inputs are today's)
WHAT_IF_QUERIES = 15  # with the commissions the period would make payable (one query)
