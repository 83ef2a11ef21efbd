"""A statement as a file: CSV (through `o2o.spreadsheets`, formulas escaped) and PDF (reportlab
with its built-in CID font `STSong-Light`, so Chinese prints without a font file; stack.md).

Both carry the same rows (`statement_rows`): the brand, the store, the period, the status, every
line and whether it counts, the net and who owes whom, then the underlying numbers: each order and
refund with its number, time and amount, the share rate over net sales, each campaign's spend with
the store's credited conversions and the brand's total, and the commissions made payable.
"""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

import tablib
from django.utils.translation import gettext as _

from o2o import spreadsheets
from settlements.models import LineKind
from settlements.statement_view import StatementView

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
PDF_MEDIA_TYPE = "application/pdf"
PDF_FONT = "STSong-Light"


def _headers() -> list[str]:
    return [
        _("Section"),
        _("Item"),
        _("Reference"),
        _("Date"),
        _("Base"),
        _("Rate"),
        _("Credited"),
        _("Brand credited"),
        _("Credited visits"),
        _("Before cap"),
        _("Counts"),
        _("Amount"),
    ]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def statement_rows(view: StatementView) -> list[list[str]]:
    """The statement's rows, twelve cells each (`_headers`)."""
    blank = [""] * 12

    def row(**cells: str) -> list[str]:
        keys = [
            "section",
            "item",
            "reference",
            "date",
            "base",
            "rate",
            "credited",
            "brand",
            "visits",
            "before_cap",
            "counts",
            "amount",
        ]
        out = list(blank)
        for key, value in cells.items():
            out[keys.index(key)] = value
        return out

    yes, no = _("yes"), _("no (for information)")
    rows = [
        row(section=_("Brand"), item=view.brand),
        row(section=_("Store"), item=view.store, reference=view.store_code, base=view.store_kind),
        row(section=_("Period"), date=f"{view.period_first} - {view.period_last}"),
        row(section=_("Status"), item=view.status),
    ]
    bases: dict[str, str] = {
        LineKind.SALES: view.orders_total,
        LineKind.STORE_SHARE: view.net_sales,
        LineKind.COMMISSION: view.commission_payable,
    }
    for line in view.lines:
        rows.append(
            row(
                section=_("Line"),
                item=line.label,
                reference=line.kind,
                base=bases.get(line.kind, ""),
                rate=view.share_rate if line.kind == LineKind.STORE_SHARE else "",
                counts=yes if line.counts else no,
                amount=_money(line.amount),
            )
        )
    rows.append(row(section=_("Net"), item=view.who_owes, amount=_money(view.net)))
    for sale in view.sales:
        rows.append(row(section=sale.label, reference=sale.number, date=sale.at, amount=_money(sale.amount)))
    rows.append(row(section=_("Orders total"), amount=view.orders_total))
    rows.append(row(section=_("Refunds total"), amount=view.refunds_total))
    for campaign in view.campaigns:
        rows.append(
            row(
                section=_("Campaign"),
                item=campaign.name,
                reference=f"#{campaign.campaign_id}",
                base=campaign.spend,
                credited=campaign.credited,
                brand=campaign.brand_credited,
                visits=campaign.visits,
                before_cap=campaign.before_cap,
                amount=campaign.amount,
            )
        )
    if view.cap_per_visit is not None:
        rows.append(row(section=_("Cap per credited visit"), base=view.cap_per_visit))
    return rows


def statement_file_name(view: StatementView) -> str:
    return f"statement-{view.store_code}-{view.period_first:%Y-%m-%d}-{view.period_last:%Y-%m-%d}"


def statement_csv(view: StatementView) -> bytes:
    """The statement as CSV in UTF-8 with a BOM (Excel reads Chinese then), formulas escaped."""
    dataset = tablib.Dataset(*statement_rows(view), headers=_headers())
    return ("\ufeff" + spreadsheets.CSV().export_data(dataset)).encode("utf-8")


def statement_pdf(view: StatementView) -> bytes:
    """The statement as an A4 PDF in the reader's language, Chinese in `STSong-Light`."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    title = ParagraphStyle("title", fontName=PDF_FONT, fontSize=15, leading=20)
    text = ParagraphStyle("text", fontName=PDF_FONT, fontSize=9, leading=13)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=statement_file_name(view),
        author=view.brand,
    )

    def table(rows: list[list[str]], widths: list[float]) -> Table:
        made = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
        made.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), PDF_FONT, 8.5),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (-1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        return made

    story = [
        Paragraph(escape(_("Settlement statement")), title),
        Paragraph(escape(f"{_('Brand')}: {view.brand}"), text),
        Paragraph(escape(f"{_('Store')}: {view.store} ({view.store_code}, {view.store_kind})"), text),
        Paragraph(escape(f"{_('Period')}: {view.period_first} - {view.period_last}"), text),
        Paragraph(escape(f"{_('Status')}: {view.status}"), text),
        Spacer(1, 4 * mm),
    ]
    lines = [[_("Line"), _("Counts"), _("Amount")]]
    lines += [
        [line.label, _("yes") if line.counts else _("no (for information)"), _money(line.amount)] for line in view.lines
    ]
    lines.append([_("Net") + ": " + view.who_owes, "", _money(view.net)])
    story += [table(lines, [100, 45, 35]), Spacer(1, 5 * mm)]
    story.append(Paragraph(escape(_("Underlying numbers")), title))
    facts = [
        [_("Figure"), _("Value")],
        [_("Orders total"), view.orders_total],
        [_("Refunds total"), view.refunds_total],
        [_("Net sales"), view.net_sales],
        [_("Share rate"), view.share_rate],
        [_("Commissions made payable"), view.commission_payable],
    ]
    if view.cap_per_visit is not None:
        facts.append([_("Cap per credited visit"), view.cap_per_visit])
    story += [table(facts, [100, 80]), Spacer(1, 4 * mm)]
    if view.campaigns:
        campaigns = [
            [_("Campaign"), _("Spend"), _("Credited"), _("Brand credited"), _("Credited visits"), _("Before cap"),
             _("Amount")]
        ]  # fmt: skip
        campaigns += [
            [c.name, c.spend, c.credited, c.brand_credited, c.visits, c.before_cap, c.amount] for c in view.campaigns
        ]
        story += [table(campaigns, [40, 22, 22, 26, 26, 22, 22]), Spacer(1, 4 * mm)]
    sales = [[_("Order or refund"), _("Number"), _("Date"), _("Amount")]]
    sales += [[sale.label, sale.number, sale.at, _money(sale.amount)] for sale in view.sales]
    story.append(table(sales, [50, 55, 45, 30]))
    document.build(story)
    return buffer.getvalue()
