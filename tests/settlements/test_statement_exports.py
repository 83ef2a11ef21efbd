"""A statement as CSV and as PDF (api.md Settlement): every line, the net and who owes whom, and the
numbers a franchisee checks each line with; the PDF in the CID font STSong-Light, Chinese
included; the same readers as the statement (its store's manager, HQ), a foreign one 404."""

from __future__ import annotations

import pytest

from o2o.tenancy import tenant_scope
from orders.models import Order, Refund
from settlements.models import StatementLine
from stores.models import Store
from tests.settlements.factories import completed_order, local, member
from tests.settlements.pdf_text import pdf_strings
from tests.settlements.statement_world import World

pytestmark = pytest.mark.django_db


def _numbers(world: World) -> tuple[str, str, str, int, int]:
    with tenant_scope(world.scenario.tenant):
        f = world.scenario.franchise
        may5 = Order.objects.get(store=f, total_amount="2000.00").number
        may31 = Order.objects.get(store=f, total_amount="300.00").number
        refunded = Refund.objects.get(order__store=f).order.number
        line = StatementLine.objects.get(statement=world.franchise, kind="tac")
        a, b = (row["campaign"] for row in line.data["campaigns"])
    return may5, may31, refunded, a, b


def test_the_csv_has_every_line_the_net_and_the_numbers_behind_them(world, api):
    # given the franchise store's settled May, when its manager downloads the CSV
    response = api(world.manager, world.scenario.tenant).get(f"/api/v1/statements/{world.franchise.pk}/export.csv")
    # then it is the statement, line by line, with the orders, the refund and each campaign's figures
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statement-F-2025-05-01-2025-05-31.csv"'
    may5, may31, refunded, a, b = _numbers(world)
    assert response.content.decode("utf-8").splitlines() == [
        "\ufeffSection,Item,Reference,Date,Base,Rate,Credited,Brand credited,Credited visits,Before cap,Counts,Amount",
        "Brand,Alpha Eyewear,,,,,,,,,,",
        "Store,Franchise,F,,Franchise store,,,,,,,",
        "Period,,,2025-05-01 - 2025-05-31,,,,,,,,",
        "Status,Open,,,,,,,,,,",
        "Line,Net sales (for information),sales,,2300.00,,,,,,no (for information),2100.00",
        "Line,Store share of net sales,store_share,,2100.00,0.9200,,,,,yes,1932.00",
        "Line,Traffic-acquisition cost,tac,,,,,,,,yes,-233.33",
        "Line,Guide commissions made payable,commission,,45.60,,,,,,yes,-45.60",
        "Net,HQ pays the store,,,,,,,,,,1653.07",
        f"Order completed,,{may5},2025-05-05 12:00,,,,,,,,2000.00",
        f"Order completed,,{may31},2025-05-31 23:59,,,,,,,,300.00",
        f"Refund,,{refunded},2025-05-03 12:00,,,,,,,,-200.00",
        "Orders total,,,,,,,,,,,2300.00",
        "Refunds total,,,,,,,,,,,200.00",
        f"Campaign,A,#{a},,100.00,,1,3,1,33.33,,33.33",
        f"Campaign,B,#{b},,250.00,,2.5,3,2.5,208.33,,200.00",
        "Cap per credited visit,,,,80.00,,,,,,,",
    ]


def test_a_store_name_that_looks_like_a_formula_is_escaped(world, api):
    # given a store renamed to something a spreadsheet would run
    with tenant_scope(world.scenario.tenant):
        Store.objects.filter(pk=world.scenario.franchise.pk).update(name='=HYPERLINK("http://evil","x")')
    # when HQ downloads the CSV, then the name is text, not a formula
    text = api(world.hq, world.scenario.tenant).get(f"/api/v1/statements/{world.franchise.pk}/export.csv").content
    assert 'Store,"\'=HYPERLINK(""http://evil"",""x"")",F' in text.decode("utf-8")


def test_the_pdf_carries_the_chinese_store_name_the_lines_and_the_net(world, api):
    # given the franchise store named in Chinese
    with tenant_scope(world.scenario.tenant):
        Store.objects.filter(pk=world.scenario.franchise.pk).update(name="上海加盟店")
    # when its manager downloads the PDF
    response = api(world.manager, world.scenario.tenant).get(f"/api/v1/statements/{world.franchise.pk}/export.pdf")
    # then it is a PDF in STSong-Light showing the store, the period, every line, the net and its figures
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"/BaseFont /STSong-Light" in response.content
    shown = pdf_strings(response.content)
    assert "Store: 上海加盟店 (F, Franchise store)" in shown
    assert "Period: 2025-05-01 - 2025-05-31" in shown
    may5, _, refunded, _, _ = _numbers(world)
    for figure in ("2100.00", "1932.00", "-233.33", "-45.60", "Net: HQ pays the store", "1653.07", may5, refunded):
        assert figure in shown
    assert shown[shown.index("B") : shown.index("B") + 7] == ["B", "250.00", "2.5", "3", "2.5", "208.33", "200.00"]


def test_the_files_have_the_statements_readers(world, api):
    tenant = world.scenario.tenant
    path = f"/api/v1/statements/{world.franchise.pk}/export"
    # another store's manager: it does not exist for them; a guide: not their role
    assert api(world.other_manager, tenant).get(path + ".csv").status_code == 404
    assert api(world.other_manager, tenant).get(path + ".pdf").status_code == 404
    assert api(world.guide, tenant).get(path + ".csv").status_code == 403
    assert api(world.hq, tenant).get(path + ".pdf").status_code == 200


@pytest.mark.parametrize("more_orders", [0, 5])
def test_the_files_read_a_fixed_number_of_queries(world, api, django_assert_num_queries, more_orders):
    # given the month with `more_orders` more completed orders at the store (the count does not grow)
    tenant = world.scenario.tenant
    with tenant_scope(tenant):
        buyer = member(tenant)
        for _ in range(more_orders):
            completed_order(tenant, world.scenario.franchise, "10.00", local(2025, 5, 9), buyer=buyer)
    client = api(world.manager, tenant)
    for suffix in ("csv", "pdf"):
        with django_assert_num_queries(13):  # auth, tenant, role, post; statement, lines, history; 2 sales
            assert client.get(f"/api/v1/statements/{world.franchise.pk}/export.{suffix}").status_code == 200
