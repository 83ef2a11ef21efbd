"""The paths of a report window, for the Markov model (rules.md 3.4): each attributed conversion's
touchpoints, oldest first, ending in a conversion; each person's touchpoints in the window ending in
null when that person made no conversion of the kind in the window."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Concat

from attribution.choices import B2C_CHANNELS, ConversionKind
from attribution.credit_models import LINEAR
from attribution.models import Conversion, Credit, Touchpoint, VisitorIdentity
from o2o.models import Tenant

if TYPE_CHECKING:
    from attribution.selectors.funnel import Window

Path = tuple[Sequence[Hashable], bool]


@dataclass
class WindowPaths:
    converted: dict[str, list[list[Hashable]]] = field(default_factory=lambda: defaultdict(list))
    persons_converted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    of_person: dict[str, list[Hashable]] = field(default_factory=dict)
    revenue: Decimal = Decimal(0)

    def of_kind(self, kind: str) -> list[Path]:
        """The converted paths of `kind`, then the null paths of the persons without one."""
        paths: list[Path] = [(steps, True) for steps in self.converted[kind]]
        done = self.persons_converted[kind]
        paths.extend((steps, False) for person, steps in self.of_person.items() if person not in done)
        return paths


def person_key(member: str | Combinable, visitor_field: str) -> Coalesce:
    """A person as one text: the member's id (digits) when `member` (a field or an expression) is
    set, else "v" and the visitor id. Not Concat("m", member): Django's Concat turns a NULL part
    into "" on every database, which would make every visitor-only person the same person."""
    member_value = F(member) if isinstance(member, str) else member
    return Coalesce(Cast(member_value, CharField()), Concat(Value("v"), F(visitor_field)), output_field=CharField())


def window_paths(*, tenant: Tenant, field: str, window: Window) -> WindowPaths:
    """The window's paths over the touchpoints' `field` (campaign_id or channel). Three queries."""
    paths = WindowPaths()
    in_window = {"at__gte": window.start, "at__lt": window.end}
    # every touch of a conversion has a positive linear share: its linear credits are its path
    steps = (
        Credit.objects.filter(tenant=tenant, model=LINEAR, **in_window)
        .order_by("conversion_id", "touchpoint__at", "touchpoint_id")
        .values_list("conversion_id", "kind", field, "revenue")
    )
    current: int | None = None
    for conversion_id, kind, key, revenue in steps:
        if conversion_id != current:
            current = conversion_id
            paths.converted[kind].append([])
            if kind == ConversionKind.ORDER:
                paths.revenue += revenue
        paths.converted[kind][-1].append(key or None)
    persons = (
        Conversion.objects.filter(tenant=tenant, **in_window)
        .annotate(person=person_key("member_id", "visitor_id"))
        .values_list("kind", "person")
    )
    for kind, person in persons:
        paths.persons_converted[kind].add(person)
    column = {"campaign_id": "campaign_id", "channel": "channel"}[field]
    b2c = sorted(str(channel) for channel in B2C_CHANNELS)
    b2c_in = ", ".join(["%s"] * len(b2c))
    sql = f"""
        SELECT COALESCE(CAST(i.member_id AS TEXT), 'v' || t.visitor_id), t.{column}
        FROM {Touchpoint._meta.db_table} t
        LEFT JOIN {VisitorIdentity._meta.db_table} i ON i.tenant_id = t.tenant_id AND i.visitor_id = t.visitor_id
        WHERE t.tenant_id = %s AND t.at >= %s AND t.at < %s AND t.channel NOT IN ({b2c_in})
        ORDER BY t.at, t.id
    """  # noqa: S608  (the column is one of two names, every value a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenant.pk, window.start, window.end, *b2c])
        touches = cursor.fetchall()
    for person, key in touches:
        paths.of_person.setdefault(person, []).append(key or None)
    return paths
