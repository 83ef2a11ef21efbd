"""Demo attribution of each brand (issue 11 item 8): campaigns with their spend, tracking links and
QR codes, a month of touchpoints, stitched visitors, and the conversions of the demo's bookings,
visits and orders credited, so that every funnel, chart and report shows real numbers.

For each brand, after the orders seeder:
- six campaigns over the channels (WeChat, Douyin, mini-program, posters, own site, and a Tmall
  shop: B2C, whose touchpoints count nowhere), each with a budget and daily or weekly spend over
  the last month;
- links: a poster QR per open store (the flagship's is `WALKTHRU`, see `demo_walkthrough`), the
  campaigns' links to the shop, a product and the booking page, and a WeChat link per guide;
- a month of touchpoints (`ANONYMOUS` visitors who mostly never convert, the visitor ids the demo's
  bookings, walk-ins and orders carry touched a few days before they converted, and a second
  device of every third member, stitched to them through the identity service), in bulk;
- the conversions of the brand's bookings, visits and orders recorded now (the domain events'
  handlers, delivered after the brand's transaction, find them recorded and change nothing), a
  demo booking's at when the bookings seeder made it (two days before its slot, or now when that
  is later: its row keeps the moment it was written), and the credits recomputed for the month.

Deterministic (`random.Random` seeded by the brand) and idempotent: a brand that has the poster
campaign is left as it is (the walkthrough line is printed again).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.choices import B2C_CHANNELS, Channel, StitchSource, Target, TouchKind
from attribution.demo_walkthrough import WALK_CODE, WALK_VISITOR, flagship, walk, walk_member
from attribution.models import Campaign, CampaignSpend, Conversion, Touchpoint, TrackingLink
from attribution.services import conversions
from attribution.services.credits import recompute_credits
from attribution.services.dashboard import refresh_dashboard
from attribution.services.identity import stitch
from attribution.services.links import CODE_ALPHABET, CODE_SIZE
from bookings.models import Booking, StoreVisit
from catalog.models import Product, Service
from members.masking import mask_phone
from members.models import Member
from o2o.choices import Role
from o2o.demo import DemoBrand, register_seeder
from o2o.demo.kernel import demo_user
from o2o.models import Tenant
from o2o.services import grant_role
from orders.choices import Channel as OrderChannel
from orders.models import Order
from stores.choices import StaffRole
from stores.models import Store, StoreService, StoreStaff

DAYS = 30
DEMO_MARK = "demo-"  # the lower seeders' visitor ids
EVENT_MARK = "demo-touch-"  # the seeded touchpoints' client event ids
ANONYMOUS = 1200
TOUCHED = 0.8  # the share of the demo's conversions whose visitor touched a link before
DEVICE_EVERY = 3  # every third member has a second device, stitched to them
BOOKED_BEFORE = dt.timedelta(days=2)  # what bookings.demo books a slot ahead
POSTERS = "Store posters"


@dataclass(frozen=True)
class Plan:
    name: str
    channel: str
    budget: str
    every: int  # days between spend entries: 1 daily, 7 weekly
    spend: tuple[int, int]  # yuan per entry, from-to
    weight: int  # share of the anonymous touchpoints
    links: tuple[str, ...]  # targets of the campaign's own links (posters: one per store)


PLANS = (
    Plan("WeChat Moments: light up your home", Channel.WECHAT, "15000.00", 1, (250, 450), 30, ("shop", "product")),
    Plan("Douyin short videos", Channel.DOUYIN, "18000.00", 1, (300, 600), 25, ("shop", "product")),
    Plan("Mini-program coupon week", Channel.MINI_PROGRAM, "6000.00", 7, (600, 900), 12, ("shop", "booking")),
    Plan(POSTERS, Channel.POSTER, "4000.00", 7, (350, 500), 15, ()),
    Plan("Own site search ads", Channel.OWN_SITE, "7000.00", 1, (120, 220), 8, ("shop", "booking", "product")),
    Plan("Tmall flagship shop", Channel.TMALL, "20000.00", 1, (400, 700), 10, ("shop",)),
)
REFERRERS: dict[str, str] = {
    Channel.WECHAT: "https://servicewechat.com/",
    Channel.DOUYIN: "https://www.douyin.com/",
    Channel.MINI_PROGRAM: "https://servicewechat.com/",
    Channel.OWN_SITE: "https://www.baidu.com/",
    Channel.TMALL: "https://detail.tmall.com/",
}
AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.47",
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 aweme",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
)


@dataclass
class Seed:
    tenant: Tenant
    rng: random.Random
    now: dt.datetime
    stores: list[Store]
    campaigns: dict[str, Campaign]
    links: dict[int, list[TrackingLink]]  # by campaign id
    posters: dict[int, TrackingLink]  # by store id
    rows: list[Touchpoint]

    def touch(self, link: TrackingLink, visitor_id: str, at: dt.datetime) -> None:
        campaign = self.campaigns_by_id[link.campaign_id] if link.campaign_id else None
        channel = campaign.channel if campaign else Channel.GUIDE
        self.rows.append(
            Touchpoint(
                tenant=self.tenant,
                at=at,
                visitor_id=visitor_id,
                kind=TouchKind.SCAN if channel == Channel.POSTER else TouchKind.CLICK,
                link=link,
                campaign=campaign,
                channel=channel,
                store_id=link.store_id,
                guide_id=link.guide_id,
                client_event_id=f"{EVENT_MARK}{len(self.rows) + 1:06d}",
                referrer=REFERRERS.get(channel, ""),
                user_agent=self.rng.choice(AGENTS),
            )
        )

    @property
    def campaigns_by_id(self) -> dict[int, Campaign]:
        return {campaign.pk: campaign for campaign in self.campaigns.values()}


def _campaigns(*, tenant: Tenant, today: dt.date) -> dict[str, Campaign]:
    for plan in PLANS:
        Campaign.objects.get_or_create(
            tenant=tenant,
            name=plan.name,
            defaults={
                "channel": plan.channel,
                "starts": today - dt.timedelta(days=DAYS + 5),
                "ends": today + dt.timedelta(days=DAYS),
                "budget": Decimal(plan.budget),
            },
        )
    return {
        campaign.name: campaign for campaign in Campaign.objects.filter(tenant=tenant, name__in=[p.name for p in PLANS])
    }


def _spend(*, seed: Seed, today: dt.date) -> None:
    rows = []
    for plan in PLANS:
        campaign = seed.campaigns[plan.name]
        for days_ago in range(DAYS - 1, 0, -plan.every):
            amount = Decimal(seed.rng.randint(*plan.spend)).quantize(Decimal("0.01"))
            note = _("weekly print run") if plan.every == 7 else ""
            rows.append(
                CampaignSpend(
                    tenant=seed.tenant,
                    campaign=campaign,
                    date=today - dt.timedelta(days=days_ago),
                    amount=amount,
                    note=note,
                )
            )
    CampaignSpend.objects.bulk_create(rows)


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_SIZE))
        if code not in taken:
            taken.add(code)
            return code


def _links(*, seed: Seed, flagship_store: Store | None) -> None:
    tenant, rng = seed.tenant, seed.rng
    taken = {WALK_CODE}
    product = Product.objects.filter(tenant=tenant, is_active=True).order_by("name", "pk").first()
    service = Service.objects.filter(tenant=tenant, is_active=True).order_by("name", "pk").first()
    offered = set(StoreService.objects.filter(tenant=tenant, service=service).values_list("store_id", flat=True))
    rows: list[TrackingLink] = []
    for plan in PLANS:
        campaign = seed.campaigns[plan.name]
        if plan.name == POSTERS:
            for store in seed.stores:
                walkthrough = store == flagship_store
                bookable = service is not None and store.pk in offered
                rows.append(
                    TrackingLink(
                        tenant=tenant,
                        code=WALK_CODE if walkthrough else _code(rng, taken),
                        campaign=campaign,
                        store=store,
                        target=Target.BOOKING if bookable else Target.STORE,
                        service=service if bookable else None,
                        label=_("Window poster, %(store)s") % {"store": store.name},
                    )
                )
            continue
        for target in plan.links:
            if (target == "product" and product is None) or (target == "booking" and service is None):
                continue
            rows.append(
                TrackingLink(
                    tenant=tenant,
                    code=_code(rng, taken),
                    campaign=campaign,
                    target=target,
                    product=product if target == "product" else None,
                    service=service if target == "booking" else None,
                    label=plan.name,
                )
            )
    wechat = seed.campaigns[PLANS[0].name]
    guides = StoreStaff.objects.filter(tenant=tenant, role=StaffRole.GUIDE, is_active=True).select_related("user")
    for guide in guides.order_by("store__code", "pk"):
        rows.append(
            TrackingLink(
                tenant=tenant,
                code=_code(rng, taken),
                campaign=wechat,
                store_id=guide.store_id,
                guide=guide,
                target=Target.SHOP,
                label=_("%(guide)s's WeChat link") % {"guide": guide.user.name or guide.user.username},
            )
        )
    TrackingLink.objects.bulk_create(rows)
    for link in TrackingLink.objects.filter(tenant=tenant, campaign__in=list(seed.campaigns.values())).order_by("pk"):
        seed.links.setdefault(link.campaign_id or 0, []).append(link)
        if link.campaign_id == seed.campaigns[POSTERS].pk and link.store_id:
            seed.posters[link.store_id] = link


def _anonymous_touches(seed: Seed) -> None:
    """`ANONYMOUS` visitors, one to three touches each over the month, by the plans' weights."""
    plans = [plan for plan in PLANS if seed.links.get(seed.campaigns[plan.name].pk)]
    weights = [plan.weight for plan in plans]
    start = seed.now - dt.timedelta(days=DAYS - 1)
    for number in range(1, ANONYMOUS + 1):
        visitor = f"demo-visitor-{number:05d}"
        for _touch in range(seed.rng.choice((1, 1, 2, 3))):
            plan = seed.rng.choices(plans, weights)[0]
            link = seed.rng.choice(seed.links[seed.campaigns[plan.name].pk])
            at = start + dt.timedelta(seconds=seed.rng.randint(0, (DAYS - 1) * 86_400))
            seed.touch(link, visitor, at)


def _o2o_links(seed: Seed) -> list[TrackingLink]:
    return [
        link
        for plan in PLANS
        if plan.channel not in B2C_CHANNELS
        for link in seed.links.get(seed.campaigns[plan.name].pk, [])
    ]


def _journey_touches(seed: Seed, *, skip_member: int | None) -> None:
    """Touches of the visitor ids the demo's conversions carry, in the days before each: a walk-in
    mostly scanned its store's poster, a B2C order came from the Tmall shop, the rest from any link."""
    tenant, rng = seed.tenant, seed.rng
    tmall = seed.links.get(seed.campaigns[PLANS[-1].name].pk, [])
    sources: list[tuple[str, dt.datetime, int | None, int | None, bool, bool]] = []
    for visitor, at, store_id, member_id, channel in (
        Order.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK)
        .order_by("pk")
        .values_list("visitor_id", "created_at", "store_id", "member_id", "channel")
    ):
        sources.append((visitor, at, store_id, member_id, False, channel == OrderChannel.B2C))
    for visitor, at, store_id, member_id in (
        Booking.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK)
        .order_by("pk")
        .values_list("visitor_id", "start_at", "store_id", "member_id")
    ):
        sources.append((visitor, min(at - BOOKED_BEFORE, seed.now), store_id, member_id, False, False))
    for visitor, at, store_id, member_id in (
        StoreVisit.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK, booking__isnull=True)
        .order_by("pk")
        .values_list("visitor_id", "visited_at", "store_id", "member_id")
    ):
        sources.append((visitor, at, store_id, member_id, True, False))
    o2o_plans = [
        plan for plan in PLANS if plan.channel not in B2C_CHANNELS and seed.links.get(seed.campaigns[plan.name].pk)
    ]
    for visitor, at, store, member, walk_in, b2c in sources:
        if visitor == WALK_VISITOR or (skip_member is not None and member == skip_member):
            continue
        if rng.random() > TOUCHED:
            continue
        for _touch in range(rng.choice((1, 1, 2, 3))):
            if b2c:
                link = rng.choice(tmall) if tmall else None
            elif walk_in and store in seed.posters and rng.random() < 0.6:
                link = seed.posters[store]
            elif o2o_plans:
                plan = rng.choices(o2o_plans, [plan.weight for plan in o2o_plans])[0]
                link = rng.choice(seed.links[seed.campaigns[plan.name].pk])
            else:
                link = None
            if link is not None:
                seed.touch(link, visitor, at - dt.timedelta(minutes=rng.randint(10, 12 * 24 * 60)))


def _devices(seed: Seed, *, skip_member: int | None) -> None:
    """Every third member's second device (a phone they logged in with), stitched to them, with a
    touch or two in the month: retroactive stitching credits them to the member's conversions."""
    o2o = _o2o_links(seed)
    members = Member.objects.filter(tenant=seed.tenant).order_by("pk")
    for index, member in enumerate(members):
        if index % DEVICE_EVERY or member.pk == skip_member or not o2o:
            continue
        device = f"demo-device-{member.pk}"
        stitch(
            tenant=seed.tenant,
            visitor_id=device,
            member=member,
            source=StitchSource.LOG_IN,
            at=seed.now - dt.timedelta(days=seed.rng.randint(1, 10)),
        )
        for _touch in range(seed.rng.choice((1, 2))):
            at = seed.now - dt.timedelta(seconds=seed.rng.randint(3600, (DAYS - 1) * 86_400))
            seed.touch(seed.rng.choice(o2o), device, at)


def record_conversions(*, tenant: Tenant, now: dt.datetime) -> int:
    """The brand's bookings, visits and (O2O) orders that are no conversion yet recorded as one,
    through the handlers' own services; a demo booking's conversion then dated to when the bookings
    seeder made it. Returns how many were recorded."""
    done = set(Conversion.objects.filter(tenant=tenant).values_list("kind", "source_id"))
    recorded = 0
    for pk in Booking.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True):
        if ("booking", pk) not in done:
            recorded += conversions.record_booking(tenant=tenant, booking_id=pk) is not None
    for pk in StoreVisit.objects.filter(tenant=tenant).order_by("pk").values_list("pk", flat=True):
        if ("visit", pk) not in done:
            recorded += conversions.record_visit(tenant=tenant, visit_id=pk) is not None
    orders = Order.objects.filter(tenant=tenant).exclude(channel=OrderChannel.B2C).order_by("pk")
    for pk in orders.values_list("pk", flat=True):
        if ("order", pk) not in done:
            recorded += conversions.record_order(tenant=tenant, order_id=pk) is not None
    made = {
        pk: min(start - BOOKED_BEFORE, created)
        for pk, start, created in Booking.objects.filter(tenant=tenant, visitor_id__startswith=DEMO_MARK)
        .exclude(visitor_id=WALK_VISITOR)
        .values_list("pk", "start_at", "created_at")
    }
    changed = []
    for conversion in Conversion.objects.filter(tenant=tenant, kind="booking", source_id__in=list(made)):
        if conversion.at != made[conversion.source_id]:
            conversion.at = made[conversion.source_id]
            changed.append(conversion)
    Conversion.objects.bulk_update(changed, ["at"])
    return recorded


def seed_attribution_for(*, tenant: Tenant, brand: DemoBrand, now: dt.datetime | None = None) -> None:
    """Seed the brand's demo attribution once, and print the poster walkthrough's line."""
    now = now or timezone.now()
    stores = list(Store.objects.filter(tenant=tenant, is_active=True).order_by("code"))
    if not stores:
        return
    if not Campaign.objects.filter(tenant=tenant, name=POSTERS).exists():
        today = now.astimezone(ZoneInfo(tenant.timezone)).date()
        rng = random.Random(f"o2o-demo-attribution-{brand.slug}")
        seed = Seed(tenant, rng, now, stores, _campaigns(tenant=tenant, today=today), {}, {}, [])
        _spend(seed=seed, today=today)
        store = flagship(tenant=tenant, stores=stores)
        _links(seed=seed, flagship_store=store)
        member = walk_member(tenant=tenant)
        if store is not None and member is not None:
            walk(tenant=tenant, link=seed.posters[store.pk], member=member, now=now)
        skip = member.pk if member is not None else None
        record_conversions(tenant=tenant, now=now)
        _anonymous_touches(seed)
        _journey_touches(seed, skip_member=skip)
        _devices(seed, skip_member=skip)
        Touchpoint.objects.bulk_create(seed.rows, batch_size=1000)
        recompute_credits(tenant=tenant, start=now - dt.timedelta(days=2 * DAYS), end=now + dt.timedelta(days=1))
    refresh_dashboard(tenant=tenant)  # the dashboards' figures at once (no beat runs in the demo)
    _walkthrough_line(tenant=tenant, brand=brand)


def _walkthrough_line(*, tenant: Tenant, brand: DemoBrand) -> None:
    """The brand's marketer (HQ staff: campaigns are HQ's) is told which page follows the poster."""
    link = TrackingLink.objects.filter(tenant=tenant, code=WALK_CODE).select_related("store").first()
    member = walk_member(tenant=tenant)
    if link is None or link.store is None or member is None:
        return
    marketer = demo_user(username=f"{brand.slug}-marketing", name=f"{brand.name} marketing")
    grant_role(tenant=tenant, user=marketer, role=Role.HQ_STAFF)
    who = f"{member.name} {mask_phone(str(member.phone))}".strip()
    brand.logins.append(
        (
            marketer.username,
            Role.HQ_STAFF,
            f"poster walkthrough /hq/campaigns/{link.campaign_id}/ (QR {WALK_CODE} at {link.store.code}: "
            f"{who} scanned it yesterday, booked, visited and ordered: see Recent conversions)",
        )
    )


@register_seeder(50, "attribution")
def seed_attribution(tenant: Tenant, brand: DemoBrand) -> None:
    seed_attribution_for(tenant=tenant, brand=brand)
