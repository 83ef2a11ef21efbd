"""The guides app's entries of the cross-tenant harness (tests/harness.py), one module per part:
the guides and binding endpoints (`harness_guides`), commissions and claims (`harness_commissions`)."""

from __future__ import annotations

from tests.guides import harness_commissions, harness_guides

FOREIGN_FACTORIES = {**harness_guides.FOREIGN_FACTORIES, **harness_commissions.FOREIGN_FACTORIES}
FOREIGN_WRITES = {**harness_guides.FOREIGN_WRITES, **harness_commissions.FOREIGN_WRITES}
NO_FOREIGN_REFERENCES: dict[str, str] = {
    **harness_guides.NO_FOREIGN_REFERENCES,
    **harness_commissions.NO_FOREIGN_REFERENCES,
}
SINGLE_OBJECTS: dict[str, str] = {**harness_guides.SINGLE_OBJECTS}
