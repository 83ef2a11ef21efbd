"""Attribution's entries of the cross-tenant harness (tests/harness.py), one module per part."""

from __future__ import annotations

from tests.attribution import harness_ingest, harness_links, harness_reports, harness_reports2

FOREIGN_FACTORIES = {**harness_links.FOREIGN_FACTORIES, **harness_reports2.FOREIGN_FACTORIES}
FOREIGN_WRITES = {**harness_links.FOREIGN_WRITES}
NO_FOREIGN_REFERENCES: dict[str, str] = {
    **harness_ingest.NO_FOREIGN_REFERENCES,
    **harness_links.NO_FOREIGN_REFERENCES,
    **harness_reports2.NO_FOREIGN_REFERENCES,
}
SINGLE_OBJECTS = {**harness_reports.SINGLE_OBJECTS, **harness_reports2.SINGLE_OBJECTS}
