"""The ingestion endpoint's entries of the cross-tenant harness (merged into tests/attribution/harness.py)."""

from __future__ import annotations

# url name -> why its write body names no id of a tenant-owned row that the harness can check
NO_FOREIGN_REFERENCES: dict[str, str] = {
    "event-list": (
        "its events name link codes and campaign ids, but each event is answered on its own in the 202 "
        "(`rejected`), not with a 400: another brand's are rejected exactly as made-up ones and nothing is "
        "stored in either brand (tests/attribution/test_ingest_api.py::"
        "test_another_brands_link_codes_and_campaign_ids_are_rejected_like_unknown_ones)"
    ),
}
