"""Fixtures of the settlement tests: the hand-worked month (scenario.py)."""

from __future__ import annotations

import pytest

from o2o.models import Tenant
from tests.settlements.scenario import Scenario, build_scenario


@pytest.fixture
def scenario(tenant: Tenant) -> Scenario:
    return build_scenario(tenant)


from tests.settlements.statement_world import world  # noqa: E402, F401  (the settled month and its people)
