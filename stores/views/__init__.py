"""Portal pages of the stores app, thin, one module per portal: `hq` (the store list, a new store,
the store editor with its contract terms and staff, a store's stock), `store` (the store dashboard
of its manager and guides, the stock edited in place, the QR code to print) and `shop` (stores near
me, a store's page, every store's QR code); `common` holds what they share.

Every query is a selector's (`stores.selectors`), every rule a service's or a policy's
(`stores.services`, `stores.policies`, asked with `request.actor` as the API asks it). An
application error a page raises is answered by the pages' error boundary (`o2o.portals.errors`):
its status, nothing written, and the page it came from re-rendered with the form as typed and the
message (each page's `on_error`).
"""
