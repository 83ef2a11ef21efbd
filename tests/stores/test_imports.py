"""HQ's bulk import and export of stores (issue item 6): CSV or XLSX, all or nothing, every bad row reported."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from o2o.tenancy import tenant_scope
from stores.models import Store, StoreContract, TerritoryDistrict
from tests.stores.factories import make_store, snapshot

pytestmark = pytest.mark.django_db

HEADER = [
    "code",
    "name",
    "kind",
    "region",
    "city",
    "district",
    "address",
    "lat",
    "lng",
    "service_radius_km",
    "territory",
    "capabilities",
    "timezone",
    "active",
]
GOOD_ROWS = [
    [
        "SH01",
        "People's Square",
        "direct",
        "east",
        "Shanghai",
        "310101",
        "1 Nanjing Road",
        "31.2304",
        "121.4737",
        "6",
        "",
        "pickup;delivery",
        "Asia/Shanghai",
        "true",
    ],
    [
        "HZ02",
        "West Lake 西湖店",
        "franchise",
        "east",
        "Hangzhou",
        "330106",
        "2 Hubin Road",
        "30.2741",
        "120.1551",
        "12.5",
        "330106 330102;330105",
        "pickup;services",
        "",
        "",
    ],
    [
        "BJ03",
        "Sanlitun counter",
        "counter",
        "north",
        "Beijing",
        "110105",
        "19 Sanlitun Road",
        "39.9334",
        "116.4546",
        "",
        "",
        "",
        "Asia/Shanghai",
        "false",
    ],
]


def _csv(rows, header=HEADER) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("stores.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def _xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:  # coordinates as numbers, as Excel keeps them
        sheet.append([_number(v) if h in {"lat", "lng"} else v for h, v in zip(header, row, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("stores.xlsx", buffer.getvalue(), content_type="application/octet-stream")


def _number(value: str) -> float | str:
    try:
        return float(value)
    except ValueError:
        return value


def _everything(tenant):
    return [snapshot(model, tenant) for model in (Store, TerritoryDistrict, StoreContract)]


def _stores(tenant):
    with tenant_scope(tenant):
        return [
            (
                s.code,
                s.name,
                s.kind,
                s.city,
                s.lat,
                s.lng,
                s.service_radius_km,
                s.capabilities,
                s.is_active,
                sorted(s.territory.values_list("district", flat=True)),
            )
            for s in Store.objects.order_by("code")
        ]


@pytest.mark.parametrize("make_file", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_a_good_file_creates_new_codes_and_updates_known_ones(
    api, tenant, hq_admin, make_file, in_tenant, django_assert_num_queries
):
    # given a store SH01 already there, with a territory and a custom service radius
    with in_tenant(tenant):
        make_store(tenant, code="SH01", name="Old name", territory=["310104"])
    client = api(hq_admin, tenant)
    upload = make_file(GOOD_ROWS)
    # when HQ imports the three rows
    with django_assert_num_queries(39):
        response = client.post("/api/v1/imports/stores/", {"file": upload}, format="multipart")
    # then SH01 is updated, the others created with their kind's opening contract
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 2, "updated": 1}
    assert _stores(tenant) == [
        ("BJ03", "Sanlitun counter", "counter", "Beijing", 39.9334, 116.4546, Decimal("5.00"), [], False, []),
        (
            "HZ02",
            "West Lake 西湖店",
            "franchise",
            "Hangzhou",
            30.2741,
            120.1551,
            Decimal("12.50"),
            ["pickup", "services"],
            True,
            ["330102", "330105", "330106"],
        ),
        (
            "SH01",
            "People's Square",
            "direct",
            "Shanghai",
            31.2304,
            121.4737,
            Decimal("6.00"),
            ["pickup", "delivery"],
            True,
            [],
        ),
    ]
    with in_tenant(tenant):
        assert sorted(StoreContract.objects.values_list("store__code", "sales_share_rate")) == [
            ("BJ03", Decimal("0.2000")),
            ("HZ02", Decimal("0.9200")),
            ("SH01", Decimal("0.0000")),
        ]


@pytest.mark.parametrize("make_file", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_one_bad_row_among_good_ones_rejects_the_file_naming_line_and_field_and_writes_nothing(
    api, tenant, hq_admin, make_file, in_tenant
):
    # given an existing store, and a file whose 3rd line has a latitude of "north"
    with in_tenant(tenant):
        make_store(tenant, code="SH01", name="Old name")
    before = _everything(tenant)
    rows = [GOOD_ROWS[0], [*GOOD_ROWS[1][:7], "north", *GOOD_ROWS[1][8:]], GOOD_ROWS[2]]
    if make_file is _xlsx:
        rows[1][7] = "north"  # text in a number column
    # when HQ imports it
    response = api(hq_admin, tenant).post("/api/v1/imports/stores/", {"file": make_file(rows)}, format="multipart")
    # then it is refused naming line 3 and the field, and nothing was written, not even the good rows
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "1 row of the file is invalid (line 3); nothing was imported.",
        "errors": {"rows": [{"line": 3, "field": "lat", "message": "A number of degrees is required."}]},
    }
    assert _everything(tenant) == before


def test_every_bad_row_and_field_is_reported(api, tenant, hq_admin):
    rows = [
        GOOD_ROWS[0],
        [
            "HZ02",
            "",
            "kiosk",
            "east",
            "Hangzhou",
            "",
            "2 Road",
            "30.2",
            "200",
            "-1",
            "",
            "pickup;teleport",
            "Mars/Base",
            "maybe",
        ],
        GOOD_ROWS[2],
        [*GOOD_ROWS[0][:1], *GOOD_ROWS[2][1:]],  # SH01 again
        ["TZ05", "Bad tz", "direct", "east", "Shanghai", "", "1 Road", "31", "121", "", "", "", "Mars/Base", ""],
    ]
    response = api(hq_admin, tenant).post("/api/v1/imports/stores/", {"file": _csv(rows)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["detail"] == "3 rows of the file are invalid (lines 3, 5, 6); nothing was imported."
    assert response.json()["errors"]["rows"] == [
        {"line": 3, "field": "name", "message": "This field is required."},
        {"line": 3, "field": "kind", "message": "One of direct, franchise, counter."},
        {"line": 3, "field": "lng", "message": "Between -180 and 180."},
        {"line": 3, "field": "service_radius_km", "message": "A number of km between 0 and 9999.99."},
        {"line": 3, "field": "capabilities", "message": "Unknown teleport; use pickup, delivery, services."},
        {"line": 3, "field": "active", "message": "true or false."},
        {"line": 5, "field": "code", "message": "Code SH01 is also on line 2."},
        {"line": 6, "field": "timezone", "message": "Unknown time zone 'Mars/Base'."},
    ]
    assert snapshot(Store, tenant) == []


def test_a_header_without_a_required_column_or_with_an_unknown_one_is_refused(api, tenant, hq_admin):
    header = [h for h in HEADER if h != "lat"] + ["colour"]
    rows = [[v for h, v in zip(HEADER, GOOD_ROWS[0], strict=True) if h != "lat"] + ["red"]]
    response = api(hq_admin, tenant).post("/api/v1/imports/stores/", {"file": _csv(rows, header)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["rows"] == [
        {"line": 1, "field": "lat", "message": "This column is missing."},
        {
            "line": 1,
            "field": "colour",
            "message": "Unknown column; the columns are code, name, kind, region, city, address, lat, lng, district, "
            "phone, service_radius_km, territory, capabilities, timezone, active, opening_hours.",
        },
    ]
    assert snapshot(Store, tenant) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file has no rows under its header."),
        (b"PK\x03\x04garbage", "Not a readable XLSX workbook."),
        (b"\xff\xfe\x00\xd8bad", "The CSV is neither UTF-8 nor GB18030 text."),
    ],
)
def test_an_unreadable_file_is_400_naming_file(api, tenant, hq_admin, content, message):
    upload = SimpleUploadedFile("x.csv", content)
    if content == b"":
        upload = _csv([])
    response = api(hq_admin, tenant).post("/api/v1/imports/stores/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": [message]}


def test_a_gb18030_csv_from_a_chinese_excel_is_read(api, tenant, hq_admin):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, GOOD_ROWS[1]])
    upload = SimpleUploadedFile("stores.csv", buffer.getvalue().encode("gb18030"))
    response = api(hq_admin, tenant).post("/api/v1/imports/stores/", {"file": upload}, format="multipart")
    assert response.status_code == 201
    assert [row[1] for row in _stores(tenant)] == ["West Lake 西湖店"]


@pytest.mark.parametrize("who", ["manager", "guide", "consumer"])
def test_only_hq_imports(api, tenant, manager, guide, consumer, who):
    user = {"manager": manager, "guide": guide, "consumer": consumer}[who]
    before = snapshot(Store, tenant)
    response = api(user, tenant).post("/api/v1/imports/stores/", {"file": _csv(GOOD_ROWS)}, format="multipart")
    assert response.status_code == 403
    assert snapshot(Store, tenant) == before


def test_the_csv_export_lists_every_store_in_the_import_columns(
    api, tenant, hq_admin, in_tenant, django_assert_num_queries
):
    with in_tenant(tenant):
        make_store(
            tenant,
            code="HZ02",
            name="West Lake 西湖店",
            kind="franchise",
            city="Hangzhou",
            lat=30.2741,
            lng=120.1551,
            territory=["330106", "330102"],
            capabilities=["pickup", "services"],
        )
        make_store(tenant, code="BJ03", name="Sanlitun", kind="counter", active=False, capabilities=[])
    client = api(hq_admin, tenant)
    with django_assert_num_queries(10):
        response = client.get("/api/v1/exports/stores/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="stores-alpha.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [
        (r["code"], r["name"], r["kind"], r["lat"], r["territory"], r["capabilities"], r["active"]) for r in rows
    ] == [
        ("BJ03", "Sanlitun", "counter", "31.2304", "", "", "false"),
        ("HZ02", "West Lake 西湖店", "franchise", "30.2741", "330102 330106", "pickup;services", "true"),
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(api, tenant, hq_admin, in_tenant, file_format):
    # given two stores
    with in_tenant(tenant):
        make_store(
            tenant,
            code="HZ02",
            kind="franchise",
            territory=["330106"],
            capabilities=["services"],
            opening_hours={
                **{d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                "sat": [],
                "sun": [["10:00", "16:00"]],
            },
        )
        make_store(tenant, code="BJ03", kind="counter", active=False)
    before = _everything(tenant)
    client = api(hq_admin, tenant)
    exported = client.get("/api/v1/exports/stores/", {"format": file_format})
    # when HQ imports the export
    upload = SimpleUploadedFile(f"stores.{file_format}", exported.content)
    response = client.post("/api/v1/imports/stores/", {"file": upload}, format="multipart")
    # then both are updated to what they were
    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 0, "updated": 2}
    assert _everything(tenant)[1:] == before[1:]
    assert _everything(tenant)[0] == before[0]
    if file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(exported.content)).active
        assert [cell.value for cell in sheet[1]][:3] == ["code", "name", "kind"]


def test_the_xlsx_export_replaces_characters_a_workbook_cannot_hold(api, tenant, hq_admin, in_tenant):
    # given a store whose name holds a control character
    with in_tenant(tenant):
        make_store(tenant, code="SH01", name="People\x1bs Square")
    # when HQ exports the stores as XLSX
    response = api(hq_admin, tenant).get("/api/v1/exports/stores/", {"format": "xlsx"})
    # then the file comes, with the character replaced
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]][:2] == ["SH01", "People\ufffds Square"]


def test_an_unknown_export_format_is_400(api, tenant, hq_admin):
    response = api(hq_admin, tenant).get("/api/v1/exports/stores/", {"format": "pdf"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"format": ["csv or xlsx."]}
