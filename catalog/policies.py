"""Who may do what to the catalog, for the API (`catalog.api`) and the HQ pages (`catalog.views`)
alike: both gate their views with these role sets, so an action has the same answer both ways.

- **Writing the catalog** (categories, products and SKUs, regional prices, bookable services, the
  bulk import) and **exporting it**: HQ only, admin and staff (`CATALOG_EDITORS`). The HQ catalog
  pages (products, categories, price lists, import and export) are HQ's editors and are HQ only too.
- **Reading the price lists** through the API: HQ and store staff (`PRICE_READERS`), who price a
  sale in the store.
- **Reading categories, products and services**: anyone, signed in or not (the shop shows them);
  everyone but HQ sees the active ones only (`sees_inactive`).
"""

from __future__ import annotations

from o2o.choices import HQ_ROLES, STORE_ROLES
from o2o.tenancy.actor import Actor

CATALOG_EDITORS = HQ_ROLES
PRICE_READERS = HQ_ROLES | STORE_ROLES


def can_edit_catalog(actor: Actor) -> bool:
    """HQ (admin or staff) writes the catalog."""
    return bool(actor.roles & CATALOG_EDITORS)


def sees_inactive(actor: Actor) -> bool:
    """HQ sees inactive products, SKUs and services; everyone else the active ones only."""
    return can_edit_catalog(actor)
