"""Who may do what to campaigns and tracking links, answered for the request's actor: the API
(`attribution.api`) and the HQ pages (`attribution.views`) ask the same functions.

- **Campaigns and their spend** (create, change, delete, add spend, read): HQ only (admin or staff).
- **Tracking links**: HQ sees and creates every link of the brand. A store manager sees the links
  of their store (a link for their store, or for one of its guides) and creates links for their
  store and its guides only. A guide sees their own links (a link naming them); a guide making their
  own link waits for the guide portal (issue 12). Consumers see none.

- **Dashboards** (`/hq/`, `/store/`; attribution.panels): HQ reads the brand's figures and asks
  for them to be recomputed now; a store manager reads their own store's funnel; a guide none.

A link one may not see does not exist for them (404, never 403).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from attribution.models import TrackingLink
from o2o.choices import HQ_ROLES, Role
from o2o.tenancy.actor import Actor, require
from stores.policies import managed_store_id, visible_store_ids

CAMPAIGN_EDITORS = HQ_ROLES
LINK_READERS = HQ_ROLES | {Role.STORE_MANAGER, Role.GUIDE}
LINK_MAKERS = HQ_ROLES | {Role.STORE_MANAGER}


def can_manage_campaigns(actor: Actor) -> bool:
    """HQ (admin or staff) runs the brand's campaigns and records what they cost."""
    return actor.is_hq


def guide_post_id(actor: Actor) -> int | None:
    """The id of the actor's post as a guide (holding the guide role), else None."""
    post = actor.staff_post
    if post is None or not actor.works_at(post.store_id, as_role=Role.GUIDE):
        return None
    return int(post.pk)


def link_scope(actor: Actor) -> Q | None:
    """The condition on the links the actor may see; None for every link of the brand (HQ)."""
    if actor.is_hq:
        return None
    seen = Q(pk__in=[])
    store_id = managed_store_id(actor)
    if store_id is not None:
        seen |= Q(store_id=store_id) | Q(guide__store_id=store_id)
    guide_id = guide_post_id(actor)
    if guide_id is not None:
        seen |= Q(guide_id=guide_id)
    return seen


def can_see_link(actor: Actor, link: TrackingLink, *, guide_store_id: int | None = None) -> bool:
    """As `link_scope`, for one link in hand (`guide_store_id`: the store of the link's guide)."""
    if actor.is_hq:
        return True
    store_id = managed_store_id(actor)
    if store_id is not None and store_id in {link.store_id, guide_store_id}:
        return True
    guide_id = guide_post_id(actor)
    return guide_id is not None and link.guide_id == guide_id


def can_make_link(actor: Actor, *, store_id: int | None) -> bool:
    """HQ makes any link; a store manager a link for their own store (and its guides)."""
    if actor.is_hq:
        return True
    managed = managed_store_id(actor)
    return managed is not None and store_id == managed


def authorize_link(actor: Actor, *, store_id: int | None) -> None:
    """Raise Forbidden (403) unless the actor may make a link for the store `store_id`."""
    require(can_make_link(actor, store_id=store_id), _("Only HQ and this store's manager may make its links."))


def authorize_campaigns(actor: Actor) -> None:
    """Raise Forbidden (403) unless the actor is HQ."""
    require(can_manage_campaigns(actor), _("Only HQ runs campaigns."))


def funnel_stores(actor: Actor) -> set[int] | None:
    """The stores whose funnel the actor reads (`GET /reports/funnel/`): None for the whole brand
    (HQ); a store manager their store's (credits of its conversions, the visitors of its links, the
    spend allocated to it); an empty set for a manager without a post (nothing of theirs)."""
    return visible_store_ids(actor)


def can_see_brand_dashboard(actor: Actor) -> bool:
    """HQ (admin or staff) reads the brand's attribution figures on `/hq/`."""
    return actor.is_hq


def can_refresh_dashboard(actor: Actor) -> bool:
    """HQ (admin or staff) has the dashboards' figures recomputed now."""
    return actor.is_hq


def authorize_dashboard_refresh(actor: Actor) -> None:
    """Raise Forbidden (403) unless the actor may have the figures recomputed."""
    require(can_refresh_dashboard(actor), _("Only HQ has the dashboards' figures recomputed."))


def dashboard_store(actor: Actor) -> int | None:
    """The store whose funnel the actor reads on `/store/`: the store they manage; None for anyone
    else (a guide, who sees no funnel)."""
    return managed_store_id(actor)


FUNNEL_READERS = HQ_ROLES | {Role.STORE_MANAGER}
COHORT_READERS = HQ_ROLES
PRICE_BAND_EDITORS = HQ_ROLES


def can_read_cohort_reports(actor: Actor) -> bool:
    """The repurchase cycle and retention by cohort are the brand's, read by HQ (admin or staff)
    only: a store manager reads their store's funnel, not the brand's customers' habits."""
    return actor.is_hq


def authorize_cohort_reports(actor: Actor) -> None:
    """Raise Forbidden (403) unless the actor may read the repurchase and retention reports."""
    require(can_read_cohort_reports(actor), _("Only HQ reads the repurchase and retention reports."))


def can_manage_price_bands(actor: Actor) -> bool:
    """HQ (admin or staff) sets the brand's price bands."""
    return actor.is_hq


def authorize_price_bands(actor: Actor) -> None:
    """Raise Forbidden (403) unless the actor may set the price bands."""
    require(can_manage_price_bands(actor), _("Only HQ sets the price bands."))
