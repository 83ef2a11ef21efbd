"""HQ's reports pages (issue 11 item 6): the funnel table with its controls, the repurchase cycle,
the retention cohort table shaded by rate, the price bands; download links carrying the page's
parameters; a bad date shown next to its field with a 400; constant query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from attribution.models import PriceBand
from attribution.services.conversions import record_order
from o2o.choices import Role
from o2o.tenancy import tenant_scope
from tests.attribution.credits_factories import build_world, days_ago
from tests.attribution.report_factories import at, open_shop

pytestmark = pytest.mark.django_db
# the page's own queries in the test transaction: the tenant scope (3), the tenant, the session,
# its user, the roles, and the messages' session read
PAGE_QUERIES = 8


@pytest.fixture
def hq(tenant, hq_admin):
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(hq_admin)
    return client


@pytest.fixture
def world(tenant):
    world = build_world(tenant)
    with tenant_scope(tenant):
        world.touch("v1", days_ago(3), world.poster)
        record_order(tenant=tenant, order_id=world.order(days_ago(2), "199.00", visitor_id="v1").pk)
        world.spend(world.poster, dt.date(2026, 6, 20), "90.00")
    return world


@pytest.fixture
def shop(tenant):
    shop = open_shop(tenant)
    with tenant_scope(tenant):
        PriceBand.objects.create(tenant=tenant, lower_bound=Decimal("0.00"), label="Budget")
        for who, day in (("A", "2026-01-01"), ("A", "2026-01-11"), ("B", "2026-01-02"), ("B", "2026-01-05")):
            shop.buy(who, at(day), [("Frames", "100.00")])
        shop.buy("A", at("2026-02-03"), [("Frames", "100.00")])
    return shop


def test_the_funnel_page_shows_the_table_and_its_downloads(hq, world, django_assert_num_queries):
    params = {"group_by": "campaign", "model": "last_touch", "from": "2026-06-01", "to": "2026-06-30"}
    # the page's own, then visitors, credits, spend and labels
    with django_assert_num_queries(PAGE_QUERIES + 4):
        page = hq.get("/hq/reports/", params)
    assert page.status_code == 200
    [row] = page.context["report"].rows
    assert (row.label, row.visitors, row.orders, row.revenue, row.cost) == (
        "Poster QR",
        1,
        Decimal("1.000000000000"),
        Decimal("199.00"),
        Decimal("90.00"),
    )
    html = page.content.decode()
    query = "group_by=campaign&amp;model=last_touch&amp;from=2026-06-01&amp;to=2026-06-30"
    assert f'href="/hq/reports/funnel.csv?{query}"' in html
    assert f'href="/hq/reports/funnel.xlsx?{query}"' in html
    assert 'data-testid="funnel-row"' in html


def test_the_funnel_download_is_the_page_s_table(hq, world):
    params = {"group_by": "store", "model": "linear", "from": "2026-06-01", "to": "2026-06-30"}
    response = hq.get("/hq/reports/funnel.xlsx", params)
    assert response["Content-Disposition"] == 'attachment; filename="funnel-store-linear-2026-06-01-2026-06-30.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[1] for row in rows] == ["Label", "North", "None"]
    assert Decimal(str(rows[1][6])) == Decimal("199.00")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/hq/reports/", {"from": "2026-02-30"}, "from"),
        ("/hq/reports/", {"from": "2026-06-10", "to": "2026-06-01"}, "to"),
        ("/hq/reports/", {"group_by": "store", "model": "markov"}, "model"),
        ("/hq/reports/repurchase/", {"to": "never"}, "to"),
        ("/hq/reports/retention/", {"from": "2026-13"}, "from"),
        ("/hq/reports/retention/", {"from": "2026-01", "to": "2025-12"}, "to"),
    ],
)
def test_a_bad_parameter_is_shown_next_to_its_field(hq, tenant, path, params, field):
    page = hq.get(path, params)
    assert page.status_code == 400
    assert page.context["report"] is None
    assert list(page.context["form"].errors) == [field]
    assert 'data-testid="page-error"' in page.content.decode()
    assert 'data-testid="downloads"' not in page.content.decode()


def test_the_repurchase_page(hq, shop, django_assert_num_queries):
    params = {"from": "2026-01-01", "to": "2026-01-31", "category": str(shop.categories["Frames"].pk)}
    # the page's own; the form's category (validated, then its select rendered), the report's check
    # of it, the bands, the statement, the names
    with django_assert_num_queries(PAGE_QUERIES + 6):
        page = hq.get("/hq/reports/repurchase/", params)
    assert page.status_code == 200
    [row] = page.context["report"].rows
    assert (row.category, row.band.label, row.members, row.purchases, row.intervals, row.median_days) == (
        "Frames",
        "Budget",
        2,
        4,
        2,
        Decimal("6.5"),  # A 10 days, B 3 days
    )
    assert (
        f'href="/hq/reports/repurchase.csv?from=2026-01-01&amp;to=2026-01-31&amp;category={shop.categories["Frames"].pk}"'
        in page.content.decode()
    )


def test_the_retention_page_shades_each_rate(hq, shop, django_assert_num_queries):
    with django_assert_num_queries(PAGE_QUERIES + 1):
        page = hq.get("/hq/reports/retention/", {"from": "2026-01", "to": "2026-01"})
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert (row.cohort.size, [(cell.cell.members, cell.shade, cell.percent) for cell in row.cells[:2]]) == (
        2,
        [(2, 10, Decimal("100.0")), (1, 5, Decimal("50.0"))],
    )
    html = page.content.decode()
    assert 'class="rate shade-10"' in html
    assert 'class="rate shade-5"' in html
    assert 'href="/hq/reports/retention.xlsx?from=2026-01&amp;to=2026-01"' in html


def test_hq_adds_and_deletes_a_price_band_on_the_page(hq, tenant):
    assert hq.post("/hq/reports/price-bands/", {"lower_bound": "300.00", "label": "High"}).status_code == 302
    page = hq.post("/hq/reports/price-bands/", {"lower_bound": "300", "label": "Again"})
    assert page.status_code == 400
    assert list(page.context["form"].errors) == ["lower_bound"]
    assert [(band.label, band.lower, band.upper) for band in page.context["shown"]] == [
        ("High", Decimal("300.00"), None)
    ]
    with tenant_scope(tenant):
        band = PriceBand.objects.get(tenant=tenant)
    assert hq.post(f"/hq/reports/price-bands/{band.pk}/delete/").status_code == 302
    shown = hq.get("/hq/reports/price-bands/").context["shown"]
    assert [(band.id, band.label) for band in shown] == [(None, "All prices")]


def test_the_menu_offers_the_reports(hq, tenant):
    page = hq.get("/hq/reports/")
    assert any(link.key == "hq-reports" for link in page.context["sections"])


def test_a_store_manager_may_not_open_the_hq_reports(tenant, make_staff):
    store = open_shop(tenant).store
    client = Client(HTTP_HOST=f"{tenant.slug}.localhost")
    client.force_login(make_staff(store, Role.STORE_MANAGER))
    for path in ("/hq/reports/", "/hq/reports/retention.csv", "/hq/reports/price-bands/"):
        assert client.get(path).status_code == 403
