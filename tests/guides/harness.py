"""The guides app's entries of the cross-tenant harness (tests/harness.py), one module per part."""

from __future__ import annotations

from tests.guides import harness_commissions

FOREIGN_FACTORIES = {**harness_commissions.FOREIGN_FACTORIES}
FOREIGN_WRITES = {**harness_commissions.FOREIGN_WRITES}
NO_FOREIGN_REFERENCES: dict[str, str] = {**harness_commissions.NO_FOREIGN_REFERENCES}
