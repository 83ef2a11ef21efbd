"""The guides API: rules CRUD (HQ), the commissions list by role with its filters and export, the
claims list by role; bad input a 400 naming the field; query counts that do not grow with rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from guides.models import CommissionRuleVersion
from o2o.choices import Role
from o2o.tenancy import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(world, api, make_user):
    return api(make_user(world.tenant, Role.HQ_ADMIN, username="hq-boss"), world.tenant)


def test_hq_creates_changes_and_ends_a_rule_keeping_its_history(world, hq):
    lamps = world.brand.lamp.product.category_id
    created = hq.post(
        "/api/v1/commission-rules/", {"store": world.store.pk, "category": lamps, "rate": "0.0450"}, format="json"
    )
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["store"], rule["category"], rule["rate"], len(rule["history"])) == (world.store.pk, lamps, "0.0450", 1)
    again = hq.post(
        "/api/v1/commission-rules/", {"store": world.store.pk, "category": lamps, "rate": "0.0100"}, format="json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "rule_exists")
    changed = hq.patch(f"/api/v1/commission-rules/{rule['id']}/", {"rate": "0.0500"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["id"], changed.json()["rate"]) == (rule["id"], "0.0500")
    assert [v["rate"] for v in changed.json()["history"]] == ["0.0500", "0.0450"]
    assert changed.json()["history"][1]["valid_to"] is not None
    assert hq.delete(f"/api/v1/commission-rules/{rule['id']}/").status_code == 204
    assert hq.get("/api/v1/commission-rules/").json()["count"] == 0
    with tenant_scope(world.tenant):
        assert CommissionRuleVersion.objects.filter(valid_to__isnull=True).count() == 0
        assert CommissionRuleVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"store": 1, "rate": "1.5"}, "rate"),
        ({"store": 1, "rate": "-0.01"}, "rate"),
        ({"store": 1, "rate": "0.03001"}, "rate"),
        ({"store": 1, "rate": "abc"}, "rate"),
        ({"store": 1}, "rate"),
        ({"rate": "0.0300"}, "store"),
        ({"store": 999999, "rate": "0.0300"}, "store"),
        ({"category": 999999, "rate": "0.0300"}, "category"),
        ({"store": "x", "rate": "0.0300"}, "store"),
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(world, hq, body, field):
    response = hq.post("/api/v1/commission-rules/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert hq.get("/api/v1/commission-rules/").json()["count"] == 0


def test_only_hq_reads_and_writes_rules(world):
    for client in (world.manager, world.as_guide(world.guide), world.shopper):
        assert client.get("/api/v1/commission-rules/").status_code == 403
        assert client.post("/api/v1/commission-rules/", {"store": world.store.pk, "rate": "0.1"}).status_code == 403


def test_each_role_sees_its_commissions(world, hq):
    # given an order credited to guide A and one to guide B, both completed
    a = world.place((world.brand.lamp, 1), code=world.guide.code)
    b = world.place((world.brand.bulb, 1), code=world.other_guide.code)
    world.complete(a["id"])
    world.complete(b["id"])
    other_store = world.brand.store("ELSE", km=9.0)
    other_manager = world.api(world.brand.staff(other_store), world.tenant)

    def amounts(client, query=""):
        response = client.get(f"/api/v1/commissions/{query}")
        assert response.status_code == 200, response.content
        return sorted(row["amount"] for row in response.json()["results"])

    assert amounts(hq) == ["0.38", "5.97"]
    assert amounts(world.manager) == ["0.38", "5.97"]
    assert amounts(other_manager) == []
    assert amounts(world.as_guide(world.guide)) == ["5.97"]
    assert amounts(world.as_guide(world.other_guide)) == ["0.38"]
    assert world.shopper.get("/api/v1/commissions/").status_code == 403
    # the filters
    assert amounts(hq, f"?guide={world.guide.pk}") == ["5.97"]
    assert amounts(hq, f"?order={b['id']}") == ["0.38"]
    assert amounts(hq, "?status=approved") == []
    assert amounts(hq, "?status=pending") == ["0.38", "5.97"]
    row = hq.get(f"/api/v1/commissions/?order={a['id']}").json()["results"][0]
    assert {k: row[k] for k in ("guide", "order", "line", "amount", "status", "kind", "rate")} == {
        "guide": world.guide.pk,
        "order": a["id"],
        "line": a["lines"][0]["id"],
        "amount": "5.97",
        "status": "pending",
        "kind": "sale",
        "rate": "0.0300",
    }


def test_the_period_is_the_month_of_completion(world, hq, frozen):
    import datetime as dt

    frozen(dt.datetime(2026, 4, 30, 16, 30, tzinfo=dt.UTC))  # 1 May 00:30 in Shanghai
    order = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(order["id"])
    assert hq.get("/api/v1/commissions/?period=2026-05").json()["count"] == 1
    assert hq.get("/api/v1/commissions/?period=2026-04").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=nope", "status"),
        ("guide=x", "guide"),
        ("order=-1", "order"),
        ("period=2026-13", "period"),
        ("period=May", "period"),
    ],
)
def test_a_bad_commission_filter_is_a_400_naming_it(world, hq, query, field):
    response = hq.get(f"/api/v1/commissions/?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_hq_exports_the_commissions_and_others_may_not(world, hq):
    order = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(order["id"])
    response = hq.get("/api/v1/commissions/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["Net line amount", "Amount", "Status"]
    assert [r[-3:] for r in rows[1:]] == [["199.00", "5.97", "Pending"]]
    xlsx = hq.get("/api/v1/commissions/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert world.manager.get("/api/v1/commissions/export.csv").status_code == 403


def test_the_claims_list_by_role(world, hq):
    order = world.place((world.brand.lamp, 1))
    world.as_guide(world.guide).post("/api/v1/commission-claims/", {"order": order["id"], "note": "n"}, format="json")
    other_store = world.brand.store("ELSE", km=9.0)
    other_manager = world.api(world.brand.staff(other_store), world.tenant)
    assert hq.get("/api/v1/commission-claims/").json()["count"] == 1
    assert world.manager.get("/api/v1/commission-claims/?status=pending").json()["count"] == 1
    assert world.manager.get("/api/v1/commission-claims/?status=approved").json()["count"] == 0
    assert world.as_guide(world.guide).get("/api/v1/commission-claims/").json()["count"] == 1
    assert world.as_guide(world.other_guide).get("/api/v1/commission-claims/").json()["count"] == 0
    assert other_manager.get("/api/v1/commission-claims/").json()["count"] == 0
    assert world.manager.get("/api/v1/commission-claims/?status=x").status_code == 400


def test_the_list_endpoints_query_counts_do_not_grow_with_rows(world, hq):
    def queries(client, url):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    lamps = world.brand.lamp.product.category_id
    hq.post("/api/v1/commission-rules/", {"category": lamps, "rate": "0.0400"}, format="json")
    first = world.place((world.brand.lamp, 1), code=world.guide.code)
    world.complete(first["id"])
    unclaimed = world.place((world.brand.bulb, 1))
    world.as_guide(world.guide).post(
        "/api/v1/commission-claims/", {"order": unclaimed["id"], "note": "n"}, format="json"
    )
    one = [queries(hq, "/api/v1/commissions/"), queries(world.as_guide(world.guide), "/api/v1/commissions/")]
    one += [queries(hq, "/api/v1/commission-rules/"), queries(world.manager, "/api/v1/commission-claims/")]
    for _ in range(3):
        order = world.place((world.brand.lamp, 1), (world.brand.bulb, 1), code=world.guide.code)
        world.complete(order["id"])
        unclaimed = world.place((world.brand.bulb, 1))
        world.as_guide(world.guide).post(
            "/api/v1/commission-claims/", {"order": unclaimed["id"], "note": "n"}, format="json"
        )
    hq.post("/api/v1/commission-rules/", {"store": world.store.pk, "rate": "0.0400"}, format="json")
    more = [queries(hq, "/api/v1/commissions/"), queries(world.as_guide(world.guide), "/api/v1/commissions/")]
    more += [queries(hq, "/api/v1/commission-rules/"), queries(world.manager, "/api/v1/commission-claims/")]
    # commissions (HQ, a guide), rules, claims: sign-in, tenant, roles, post, count, page, prefetches
    assert one == {"postgresql": [9, 10, 10, 10], "sqlite": [7, 8, 8, 8]}[connection.vendor]  # + RLS settings
    assert more == one
    assert hq.get("/api/v1/commissions/").json()["count"] == 7
