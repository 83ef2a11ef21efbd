"""Dashboard panels: how a higher app shows something on a lower app's dashboard without the lower
app importing it (inversion of control).

The dashboards (`"hq"`: `/hq/`, `o2o.portals.views.hq_home`; `"store"`: `/store/`,
`stores.views.store`) know nothing of attribution, guides or settlements. Each of those apps
registers its panels in its `AppConfig.ready()` (in its own `panels.py`)::

    register(
        "hq",
        name="attribution.funnel",
        order=100,
        template="hq/dashboard/_funnel.html",
        context=funnel_panel,  # (request) -> dict | None
    )

and the dashboard view asks `shown_panels("hq", request)` and renders each in order::

    {% for panel in panels %}{% include panel.template with panel=panel %}{% endfor %}

The included template reads its data as `panel.data.<key>`. The `context` function decides who
sees the panel: it asks its app's policy and returns None when the reader may not see it (the panel
is then not shown), so a panel is policy-checked where its data is read. It runs inside the request
(tenant scope set): keep it to a fixed, small number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

Dashboard = Literal["hq", "store"]
DASHBOARDS: tuple[Dashboard, ...] = ("hq", "store")
PanelContext = Callable[[Any], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    """A registered panel: where (`dashboard`), in which place (`order`, ascending), drawn by which
    template, and its data for a request (`context`; None: not shown to this reader)."""

    dashboard: Dashboard
    name: str
    order: int
    template: str
    context: PanelContext


@dataclass(frozen=True)
class ShownPanel:
    """A panel as a dashboard renders it: its template and the data its `context` gave."""

    name: str
    template: str
    data: Mapping[str, Any]


_registry: dict[tuple[Dashboard, str], Panel] = {}


def register(dashboard: Dashboard, *, name: str, order: int, template: str, context: PanelContext) -> Panel:
    """Register (or replace, by `dashboard` and `name`) a panel. Call it from `AppConfig.ready()`."""
    if dashboard not in DASHBOARDS:
        raise ValueError(f"unknown dashboard {dashboard!r}: one of {DASHBOARDS}")
    panel = Panel(dashboard=dashboard, name=name, order=order, template=template, context=context)
    _registry[(dashboard, name)] = panel
    return panel


def unregister(dashboard: Dashboard, name: str) -> None:
    """Remove the panel `name` of `dashboard` (tests)."""
    _registry.pop((dashboard, name), None)


def registered(dashboard: Dashboard) -> list[Panel]:
    """The panels of `dashboard`, in order (then by name)."""
    return sorted((p for p in _registry.values() if p.dashboard == dashboard), key=lambda p: (p.order, p.name))


def shown_panels(dashboard: Dashboard, request: HttpRequest) -> list[ShownPanel]:
    """The panels of `dashboard` this request's reader sees, in order, each with its data."""
    shown = []
    for panel in registered(dashboard):
        data = panel.context(request)
        if data is not None:
            shown.append(ShownPanel(name=panel.name, template=panel.template, data=data))
    return shown
