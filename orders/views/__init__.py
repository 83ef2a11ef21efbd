"""Portal pages of the orders app, thin, one module per portal: `shop` (consumers: checkout, the
tracking page, their orders, cancelling one), `store` (the store's queue, an order of the store
and the store's actions on it) and `hq` (every order, one order with its routing record and the
actions, the unroutable queue with assignment by hand).

Every query is a selector's (`orders.selectors`), every rule a service's or a policy's
(`orders.services`, `orders.policies`, asked with `request.actor`). An application error a page
raises is answered by the pages' error boundary (`o2o.portals.errors`): its status, nothing
written, and the page it came from re-rendered with the message (each page's `on_error`).
"""

from orders import services  # noqa: F401  (`orders.views.services`: the browser tests slow a service down)
from orders.views.store import QUEUE_POLL_SECONDS  # noqa: F401  (the queue's refresh, read by the browser tests)
