"""The paths of a report window, for the Markov model (rules.md 3.4): each attributed conversion's
touchpoints, oldest first, ending in a conversion; each person's touchpoints in the window ending in
null when that person made no conversion of the kind in the window."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import CharField, F, OuterRef, Subquery, Value
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


def _person(member_field: str | Subquery, visitor_field: str) -> Coalesce:
    member = F(member_field) if isinstance(member_field, str) else member_field
    # a member's id (digits), else "v" and the visitor id (Concat would turn a null member into "")
    return Coalesce(
        Cast(member, CharField()),
        Concat(Value("v"), F(visitor_field)),
        output_field=CharField(),
    )


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
        .annotate(person=_person("member_id", "visitor_id"))
        .values_list("kind", "person")
    )
    for kind, person in persons:
        paths.persons_converted[kind].add(person)
    member_of = VisitorIdentity.objects.filter(tenant=tenant, visitor_id=OuterRef("visitor_id")).values("member_id")[:1]
    touches = (
        Touchpoint.objects.filter(tenant=tenant, **in_window)
        .exclude(channel__in=B2C_CHANNELS)
        .annotate(person=_person(Subquery(member_of), "visitor_id"))
        .order_by("at", "pk")
        .values_list("person", field)
    )
    for person, key in touches:
        paths.of_person.setdefault(person, []).append(key or None)
    return paths
