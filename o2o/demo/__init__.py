"""Demo data: every app adds its part through `register_seeder`, so `seed_demo` always shows the whole
platform. Seeders run in app-layer order, each inside the scope of the brand it seeds, and must be
idempotent (running `seed_demo` twice changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from o2o.models import Tenant


@dataclass
class DemoBrand:
    slug: str
    name: str
    admin: str
    staff: str
    timezone: str = "Asia/Shanghai"
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, what)


DEMO_PASSWORD = "demo-pass-2026"

BRANDS = [
    DemoBrand(slug="lumen", name="Lumen Lighting 光明灯饰", admin="lumen-admin", staff="lumen-staff"),
    DemoBrand(slug="clearview", name="ClearView Optical 明视眼镜", admin="clearview-admin", staff="clearview-staff"),
]

Seeder = Callable[[Tenant, DemoBrand], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int, name: str) -> Callable[[Seeder], Seeder]:
    """Register a demo seeder; lower `order` runs first (use the app's layer: o2o 0, catalog 10...)."""

    def decorate(func: Seeder) -> Seeder:
        _seeders.append((order, name, func))
        return func

    return decorate


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, func) for _, name, func in sorted(_seeders, key=lambda item: (item[0], item[1]))]
