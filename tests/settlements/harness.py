"""Settlement's entries of the cross-tenant harness (tests/harness.py merges `tests.<app>.harness`
of every installed app by itself), one module per part: runs, statements list, ledger and what-if
(`harness_runs`), the statement pages and decisions (`harness_pages`)."""

from __future__ import annotations

from tests.settlements import harness_pages, harness_runs

FOREIGN_FACTORIES = {**harness_pages.FOREIGN_FACTORIES, **harness_runs.FOREIGN_FACTORIES}
NO_FOREIGN_REFERENCES: dict[str, str] = {**harness_pages.NO_FOREIGN_REFERENCES, **harness_runs.NO_FOREIGN_REFERENCES}
