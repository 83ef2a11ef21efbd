"""Attribution's tables (rules.md section 3): campaigns and their spend, tracking links, the
touchpoints they record, which visitor ids are which member's, the conversions, and the credit
each model gives each touchpoint of a conversion.

Touchpoints and credits are the large tables: every report reads them by brand and time, so each
carries the columns its reports group by (campaign, channel, guide, store), copied when it is
written, and the indexes those reads use.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attribution.choices import Channel, ConversionKind, StitchSource, Target, TouchKind
from catalog.models import Product, Service
from members.models import Member
from o2o.choices import AttributionModel
from o2o.models import TenantOwned, User
from o2o.money import MONEY, MoneyOptions
from o2o.visitors import VISITOR_ID_MAX_LENGTH
from stores.models import Store, StoreStaff

CREDIT: MoneyOptions = {"max_digits": 13, "decimal_places": 12}  # a share of one conversion: 0 to 1
CODE_LENGTH = 16


class Campaign(TenantOwned):
    """A brand's campaign on a channel, over dates, with a budget; what it cost is its spend."""

    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    starts = models.DateField(_("starts"))
    ends = models.DateField(_("ends"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), **MONEY, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="campaign_unique_name"),
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True) | models.Q(ends__gte=models.F("starts")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0), name="campaign_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignSpend(TenantOwned):
    """What a campaign cost on a date (several entries a day add up)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="spend", verbose_name=_("campaign"))
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign spend")
        verbose_name_plural = _("campaign spend")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gte=0), name="spend_not_negative")]
        indexes = [models.Index(fields=["tenant", "date"], name="spend_tenant_date")]


class TrackingLink(TenantOwned):
    """A short link (and its QR code) for a campaign, a store and/or a guide, to a target:
    `/t/{code}` redirects to the target and records a touchpoint."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="links", verbose_name=_("campaign")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("store")
    )
    guide = models.ForeignKey(
        StoreStaff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("guide")
    )
    target = models.CharField(_("target"), max_length=10, choices=Target, default=Target.SHOP)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    label = models.CharField(_("label"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="link_unique_code")]

    def __str__(self) -> str:
        return self.code


class Touchpoint(TenantOwned):
    """A click, scan or client event carrying a campaign or a link (rules.md 3.1), by a visitor.

    `campaign`, `channel`, `store` and `guide` are the link's (or the event's campaign's), copied
    when recorded, so that reports group without joins. `client_event_id` is the client's own id of
    an ingested event: unique per brand, so a retried batch stores each event once.
    """

    at = models.DateTimeField(_("at"))
    visitor_id = models.CharField(_("visitor id"), max_length=VISITOR_ID_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=10, choices=TouchKind)
    link = models.ForeignKey(TrackingLink, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel, blank=True)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guide = models.ForeignKey(StoreStaff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    client_event_id = models.CharField(_("client event id"), max_length=64, null=True, blank=True)
    referrer = models.CharField(_("referrer"), max_length=500, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    props = models.JSONField(_("properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "client_event_id"],
                condition=models.Q(client_event_id__isnull=False),
                name="touchpoint_unique_client_event",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "visitor_id", "at"], name="touch_tenant_visitor_at"),
            # the funnel's window: its grouping columns read from the index alone (PostgreSQL)
            models.Index(
                fields=["tenant", "at"],
                include=["visitor_id", "campaign", "channel", "store", "guide"],
                name="touch_window_cover",
            ),
        ]


class VisitorIdentity(TenantOwned):
    """A visitor id found to be a member's (rules.md 3.2): a person is a member with every visitor
    id stitched to them. A visitor id is one member's at most."""

    visitor_id = models.CharField(_("visitor id"), max_length=VISITOR_ID_MAX_LENGTH)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    source = models.CharField(_("source"), max_length=10, choices=StitchSource)
    stitched_at = models.DateTimeField(_("stitched at"), default=timezone.now)

    class Meta:
        verbose_name = _("visitor identity")
        verbose_name_plural = _("visitor identities")
        constraints = [models.UniqueConstraint(fields=["tenant", "visitor_id"], name="identity_unique_visitor")]
        indexes = [models.Index(fields=["tenant", "member"], name="identity_tenant_member")]


class Conversion(TenantOwned):
    """A booking made, a store visit or an O2O order placed, by a person (rules.md 3.2), at its
    store; recorded once per source (`source_id`: the booking's, the visit's or the order's id)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ConversionKind)
    source_id = models.BigIntegerField(_("source id"))
    at = models.DateTimeField(_("at"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    visitor_id = models.CharField(_("visitor id"), max_length=VISITOR_ID_MAX_LENGTH, blank=True)
    revenue = models.DecimalField(_("revenue"), **MONEY, default=0)
    credited_at = models.DateTimeField(_("credited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        constraints = [models.UniqueConstraint(fields=["tenant", "kind", "source_id"], name="conversion_unique_source")]
        indexes = [models.Index(fields=["tenant", "at"], name="conversion_tenant_at")]


class Credit(TenantOwned):
    """The share (0 to 1) of a conversion one model gives one of its touchpoints (rules.md 3.4).

    The conversion's kind, time, store and revenue and the touchpoint's campaign, channel and guide
    are copied, so that a funnel is one aggregate over this table.
    """

    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="credits")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="+")
    model = models.CharField(_("model"), max_length=20, choices=AttributionModel)
    share = models.DecimalField(_("share"), **CREDIT)
    kind = models.CharField(max_length=10, choices=ConversionKind)
    at = models.DateTimeField()
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revenue = models.DecimalField(**MONEY, default=0)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel, blank=True)
    guide = models.ForeignKey(StoreStaff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "conversion", "touchpoint", "model"], name="credit_unique_per_model"
            ),
            models.CheckConstraint(condition=models.Q(share__gte=0, share__lte=1), name="credit_share_0_to_1"),
        ]
        indexes = [
            # the funnel's credited conversions of a window under a model, from the index alone (PostgreSQL)
            models.Index(
                fields=["tenant", "model", "at"],
                include=["kind", "share", "revenue", "campaign", "channel", "store", "guide"],
                name="credit_window_cover",
            )
        ]


class DashboardSnapshot(TenantOwned):
    """The dashboards' attribution figures of a window, computed in the background
    (`attribution.services.dashboard.refresh_dashboard`, beat every 15 minutes) and read by the
    pages as they are: the brand's (`store` None, for HQ) and each store's (for its manager).
    A refresh replaces the brand's snapshots; the pages read the newest."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    first = models.DateField(_("first day"))
    last = models.DateField(_("last day"))
    model = models.CharField(_("model"), max_length=20, choices=AttributionModel)
    computed_at = models.DateTimeField(_("computed at"))
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        indexes = [models.Index(fields=["tenant", "store", "computed_at"], name="snapshot_tenant_store_at")]


class PriceBand(TenantOwned):
    """A price band the brand sets for the repurchase report: from its lower bound (included) to
    the next band's (excluded); the highest band is open-ended, and the lowest also takes a price
    below its bound. A brand without bands has one band, "all prices"."""

    lower_bound = models.DecimalField(_("lower bound"), **MONEY)
    label = models.CharField(_("label"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("price band")
        verbose_name_plural = _("price bands")
        ordering = ["lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "lower_bound"], name="priceband_unique_lower_bound"),
            models.CheckConstraint(condition=models.Q(lower_bound__gte=0), name="priceband_bound_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label or str(self.lower_bound)
