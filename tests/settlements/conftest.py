"""Fixtures of the settlement tests: the hand-worked month (scenario.py)."""

from __future__ import annotations

import pytest

from o2o.models import Tenant
from tests.settlements.scenario import Scenario, build_scenario


@pytest.fixture
def scenario(tenant: Tenant) -> Scenario:
    return build_scenario(tenant)
