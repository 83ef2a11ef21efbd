"""The stores API (`api.md`, Catalog and stores; Bookings: a store's services).

Who sees and does what:
- a store's public face (`GET /stores/`, `/stores/{id}/`, `/stores/{id}/services/`) is readable
  by anyone, signed in or not; inactive stores are listed for HQ only;
- HQ (admin and staff) creates, edits and deletes stores, creates staff, sets anything;
- a store's `contract` (commercial terms between HQ and the store's operator) is shown to HQ and
  to that store's manager; everyone else gets `contract: null`;
- stock: HQ and the store's own staff read it; HQ and the store's own manager set it. The store
  itself is public, so another store's manager (or guide) gets a 403 on its stock, not a 404;
- staff: HQ and the store's own manager list them; HQ creates them.
A store of another brand is a 404, like a missing one, whatever the caller's role.

By sub-domain: `stores` (the stores and their contracts), `staff`, `stock`, `offerings` (the
services a store offers), `bulk` (import and export); `common` holds the role sets and the checks
they share. The views are re-exported here for `api_urls.py`.
"""

from stores.api.bulk import StoreExportApi, StoreImportApi
from stores.api.offerings import StoreServicesApi
from stores.api.staff import StoreStaffApi
from stores.api.stock import StoreStockApi
from stores.api.stores import StoreContractsApi, StoreDetailApi, StoreListApi

__all__ = [
    "StoreContractsApi",
    "StoreDetailApi",
    "StoreExportApi",
    "StoreImportApi",
    "StoreListApi",
    "StoreServicesApi",
    "StoreStaffApi",
    "StoreStockApi",
]
