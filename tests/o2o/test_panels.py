"""The dashboards' panel registry (o2o.portals.panels): panels in order, hidden from a reader their
function returns None for, replaced by name, only on the dashboards that exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory

from o2o.portals import panels


@pytest.fixture
def scratch(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """An empty registry (the apps' panels put back after the test)."""
    monkeypatch.setattr(panels, "_registry", {})
    made: list[tuple[str, str]] = []
    yield made
    for dashboard, name in made:
        panels.unregister(dashboard, name)  # type: ignore[arg-type]


def _register(made: list[tuple[str, str]], name: str, order: int, context: Any, dashboard: str = "hq") -> None:
    panels.register(dashboard, name=name, order=order, template=f"{name}.html", context=context)  # type: ignore[arg-type]
    made.append((dashboard, name))


def test_panels_show_in_order_with_their_data_and_hide_when_refused(scratch: list[tuple[str, str]]) -> None:
    request = RequestFactory().get("/hq/")
    _register(scratch, "test.late", 9_001, lambda request: {"n": 2})
    _register(scratch, "test.early", 9_000, lambda request: {"n": 1, "path": request.path})
    _register(scratch, "test.hidden", 8_999, lambda request: None)
    _register(scratch, "test.elsewhere", 9_000, lambda request: {"n": 3}, dashboard="store")
    shown = [panel for panel in panels.shown_panels("hq", request) if panel.name.startswith("test.")]
    assert [(panel.name, panel.template, dict(panel.data)) for panel in shown] == [
        ("test.early", "test.early.html", {"n": 1, "path": "/hq/"}),
        ("test.late", "test.late.html", {"n": 2}),
    ]


def test_registering_a_name_again_replaces_the_panel(scratch: list[tuple[str, str]]) -> None:
    _register(scratch, "test.once", 9_000, lambda request: {"v": "old"})
    _register(scratch, "test.once", 9_000, lambda request: {"v": "new"})
    shown = [p for p in panels.shown_panels("hq", RequestFactory().get("/hq/")) if p.name == "test.once"]
    assert [dict(p.data) for p in shown] == [{"v": "new"}]


def test_an_unknown_dashboard_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dashboard 'guide'"):
        panels.register("guide", name="x", order=1, template="x.html", context=lambda request: {})  # type: ignore[arg-type]


def test_the_apps_register_their_panels() -> None:
    assert [(p.name, p.template) for p in panels.registered("hq")][:2] == [
        ("orders.today", "hq/dashboard/_orders_today.html"),
        ("attribution.funnel", "hq/dashboard/_funnel.html"),
    ]
    assert [(p.name, p.template) for p in panels.registered("store")] == [
        ("attribution.funnel", "store/_funnel_panel.html"),
        ("settlements.latest_statement", "store/statements/_panel.html"),
    ]
