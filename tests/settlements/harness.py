"""Settlement's entries of the cross-tenant harness (tests/harness.py), one module per part."""

from __future__ import annotations

from tests.settlements import harness_pages

FOREIGN_FACTORIES = {**harness_pages.FOREIGN_FACTORIES}
NO_FOREIGN_REFERENCES: dict[str, str] = {**harness_pages.NO_FOREIGN_REFERENCES}
