"""The demo's walkthrough works for every login it prints: each signs in with the printed password
at its brand and opens every page its line names (what each finds to do there is
tests/orders/test_demo_walkthrough.py)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from o2o.demo import BRANDS, DEMO_PASSWORD
from tests.bookings.factories import clock

pytestmark = pytest.mark.django_db

PATH = re.compile(r"(?<![\w/])/[\w/-]*")


def test_every_printed_login_signs_in_and_opens_every_page_it_names(make_tenant):
    # given the demo, seeded on a Monday afternoon, and what it prints
    for brand in BRANDS:
        make_tenant(brand.slug, name=brand.name, timezone=brand.timezone)
    out = io.StringIO()
    with clock(dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)):  # 14:00 in Shanghai
        call_command("seed_demo", stdout=out)
    printed = [line.split(maxsplit=3) for line in out.getvalue().splitlines() if line.startswith("  ")]
    assert len(printed) == sum(len(brand.logins) for brand in BRANDS) >= 2 * 6
    opened: list[tuple[str, str, int]] = []
    for slug, username, _role, what in ((line[0], line[1], line[2], line[3]) for line in printed):
        # when each login signs in at its brand with the printed password
        client = Client(HTTP_HOST=f"{slug}.localhost", HTTP_ACCEPT_LANGUAGE="en")
        answer = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert answer.status_code == 302, (username, answer.status_code)
        # and opens each page its line names
        paths = PATH.findall(what)
        assert paths, (username, what)
        opened += [(username, path, client.get(path).status_code) for path in paths]
    # then every page opens
    assert [row for row in opened if row[2] != 200] == []
