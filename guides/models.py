"""The guides app's models: commission rules, commissions and claims (rules.md section 4)."""

# --- a guide's share links (issue 12 item 1) ---------------------------------------------------

from django.db import models
from django.utils.translation import gettext_lazy as _

from attribution.models import TrackingLink
from o2o.models import TenantOwned
from stores.models import StoreStaff


class GuideLink(TenantOwned):
    """A guide's personal share link for one target (the store's page, a product, booking a service):
    one per guide and target, made on first use (`guides.services.links.guide_link`). `key` names the
    target (`store`, `product:12`, `booking:3`), so that the unique constraint holds without nulls."""

    guide = models.ForeignKey(StoreStaff, on_delete=models.CASCADE, related_name="share_links")
    key = models.CharField(_("target key"), max_length=40)
    link = models.OneToOneField(TrackingLink, on_delete=models.PROTECT, related_name="guide_share")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "guide", "key"], name="guidelink_unique_target")]

    def __str__(self) -> str:
        return f"{self.guide_id} {self.key}"
