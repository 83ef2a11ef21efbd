"""The reports' entries in the cross-tenant harness (to merge into tests/attribution/harness.py).

`GET /api/v1/reports/funnel/` declares no `resource_model`: it answers aggregates, not rows with
ids, so the harness checks its roles and brands (401, 403, unknown brand 404) and
tests/attribution/test_funnel.py::test_another_brand_s_rows_never_count proves that another brand's
touchpoints, credits and spend never reach it.
"""

from __future__ import annotations

SINGLE_OBJECTS = {"report-funnel": "a report of the brand's aggregates, not a list of rows"}
