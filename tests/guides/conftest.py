"""The guides tests reuse the attribution tests' stores, staff, product and service."""

from tests.attribution.conftest import guide, manager, other_guide, other_manager, other_store, product, service, store

__all__ = ["guide", "manager", "other_guide", "other_manager", "other_store", "product", "service", "store"]
