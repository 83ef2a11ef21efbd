"""The catalog's demo data: for each demo brand a catalog that fits it (lighting for Lumen, eyewear
for ClearView), regional prices in the "east", "north" and "south" regions, and bookable services.

Idempotent: rows are found by name or code and created only when missing, so running `seed_demo`
again changes nothing (and keeps what someone edited in the demo).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from catalog.models import Category, Product, RegionalPrice, Service, Sku
from o2o.demo import DemoBrand, register_seeder
from o2o.models import Tenant

REGIONS = ("east", "north", "south")


@dataclass(frozen=True)
class DemoProduct:
    category: str
    name: str
    description: str
    skus: tuple[tuple[str, str, str], ...]  # (code, name, price)


@dataclass(frozen=True)
class DemoService:
    name: str
    description: str
    duration_minutes: int
    price: str


CATALOGS: dict[str, tuple[DemoProduct, ...]] = {
    "lumen": (
        DemoProduct(
            "Ceiling lights 吸顶灯",
            "Aurora LED ceiling light 极光吸顶灯",
            "Flush LED ceiling light with a dimmable warm-to-cool white.",
            (
                ("LUM-AUR-40", "40 cm · 24 W", "599.00"),
                ("LUM-AUR-60", "60 cm · 48 W", "899.00"),
                ("LUM-AUR-80", "80 cm · 72 W", "1299.00"),
            ),
        ),
        DemoProduct(
            "Ceiling lights 吸顶灯",
            "Halo pendant 光环吊灯",
            "A ring of light for dining tables, height adjustable.",
            (
                ("LUM-HAL-S", "Small · 45 cm", "459.00"),
                ("LUM-HAL-M", "Medium · 60 cm", "579.00"),
                ("LUM-HAL-L", "Large · 80 cm", "699.00"),
            ),
        ),
        DemoProduct(
            "Ceiling lights 吸顶灯",
            "Nordic chandelier 北欧枝形吊灯",
            "Brass-finish chandelier for living rooms with high ceilings.",
            (
                ("LUM-NOR-6", "6 arms", "1599.00"),
                ("LUM-NOR-8", "8 arms", "1999.00"),
            ),
        ),
        DemoProduct(
            "Table & floor lamps 台灯与落地灯",
            "Reader desk lamp 护眼台灯",
            "Flicker-free desk lamp for reading and homework.",
            (
                ("LUM-RD-W", "White", "199.00"),
                ("LUM-RD-B", "Black", "199.00"),
                ("LUM-RD-G", "Grey", "219.00"),
            ),
        ),
        DemoProduct(
            "Table & floor lamps 台灯与落地灯",
            "Arc floor lamp 弧形落地灯",
            "An arching floor lamp that reaches over the sofa.",
            (
                ("LUM-ARC-BR", "Brass", "899.00"),
                ("LUM-ARC-BK", "Black", "849.00"),
                ("LUM-ARC-WH", "White", "849.00"),
            ),
        ),
        DemoProduct(
            "Smart lighting 智能照明",
            "Smart bulb E27 智能灯泡",
            "Colour bulb controlled from the phone or a voice assistant.",
            (
                ("LUM-SB-E27", "Single bulb", "79.00"),
                ("LUM-SB-E27-4", "Pack of 4", "279.00"),
            ),
        ),
        DemoProduct(
            "Smart lighting 智能照明",
            "Smart light strip 智能灯带",
            "Self-adhesive RGB light strip with a power adapter.",
            (
                ("LUM-LS-5", "5 m", "239.00"),
                ("LUM-LS-10", "10 m", "399.00"),
            ),
        ),
        DemoProduct(
            "Smart lighting 智能照明",
            "Smart wall switch 智能开关",
            "Replaces a wall switch; works with every Lumen smart light.",
            (
                ("LUM-SW-1", "1 gang", "149.00"),
                ("LUM-SW-2", "2 gangs", "189.00"),
            ),
        ),
    ),
    "clearview": (
        DemoProduct(
            "Frames 镜架",
            "Classic acetate frame 经典板材镜架",
            "Hand-polished acetate with spring hinges.",
            (
                ("CV-CAF-BLK", "Black", "699.00"),
                ("CV-CAF-TOR", "Tortoise", "699.00"),
                ("CV-CAF-CLR", "Crystal", "729.00"),
            ),
        ),
        DemoProduct(
            "Frames 镜架",
            "Titanium rimless frame 纯钛无框镜架",
            "Featherweight pure-titanium rimless frame.",
            (
                ("CV-TRF-SIL", "Silver", "1299.00"),
                ("CV-TRF-GLD", "Gold", "1299.00"),
            ),
        ),
        DemoProduct(
            "Frames 镜架",
            "Kids flexible frame 儿童弹性镜架",
            "Bendable frame for children aged 4 to 12.",
            (
                ("CV-KID-BLU", "Blue", "399.00"),
                ("CV-KID-PNK", "Pink", "399.00"),
            ),
        ),
        DemoProduct(
            "Lenses 镜片",
            "Blue-light filtering lenses 防蓝光镜片",
            "A pair of single-vision lenses that filter blue light from screens.",
            (
                ("CV-BL-160", "Index 1.60", "598.00"),
                ("CV-BL-167", "Index 1.67", "898.00"),
                ("CV-BL-174", "Index 1.74", "1280.00"),
            ),
        ),
        DemoProduct(
            "Lenses 镜片",
            "Progressive lenses 渐进多焦点镜片",
            "A pair of progressive lenses for near, middle and far vision.",
            (
                ("CV-PRG-160", "Index 1.60", "1980.00"),
                ("CV-PRG-167", "Index 1.67", "2680.00"),
            ),
        ),
        DemoProduct(
            "Lenses 镜片",
            "Photochromic lenses 变色镜片",
            "A pair of lenses that darken in sunlight.",
            (
                ("CV-PHO-156", "Index 1.56", "680.00"),
                ("CV-PHO-160", "Index 1.60", "880.00"),
            ),
        ),
        DemoProduct(
            "Sunglasses & contact lenses 太阳镜与隐形眼镜",
            "Polarised sunglasses 偏光太阳镜",
            "Polarised UV400 sunglasses; prescription lenses on request.",
            (
                ("CV-SUN-AV", "Aviator", "899.00"),
                ("CV-SUN-WF", "Wayfarer", "799.00"),
                ("CV-SUN-RD", "Round", "759.00"),
            ),
        ),
        DemoProduct(
            "Sunglasses & contact lenses 太阳镜与隐形眼镜",
            "Soft contact lenses 软性隐形眼镜",
            "Silicone hydrogel contact lenses.",
            (
                ("CV-DCL-30", "Daily · 30 lenses", "189.00"),
                ("CV-DCL-90", "Daily · 90 lenses", "499.00"),
                ("CV-MCL-6", "Monthly · 6 lenses", "239.00"),
            ),
        ),
    ),
}

SERVICES: dict[str, tuple[DemoService, ...]] = {
    "lumen": (
        DemoService(
            "Lighting consultation", "A lighting designer plans the lights of your rooms with you.", 45, "0.00"
        ),
        DemoService("Installation visit", "A technician installs and sets up your lights at home.", 60, "99.00"),
    ),
    "clearview": (
        DemoService("Eye exam", "A full optometry exam by a certified optometrist.", 30, "0.00"),
        DemoService("Frame fitting", "Adjusting your frames for a perfect fit.", 20, "0.00"),
        DemoService("Contact lens consultation", "Fitting and first-time guidance for contact lenses.", 30, "50.00"),
    ),
}

# Regional price of a SKU, by its position in the catalog: east a little cheaper, north a little
# dearer on every third SKU, and south cheaper on the next one: enough to see rules.md 1.7 at work.
REGIONAL_FACTORS = {0: {"east": Decimal("0.95"), "north": Decimal("1.05")}, 1: {"south": Decimal("0.90")}}


def _whole_yuan(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def seed_catalog_for(*, tenant: Tenant, slug: str) -> None:
    """Create what is missing of the demo catalog of the brand `slug` (idempotent)."""
    position = 0
    for item in CATALOGS.get(slug, ()):
        category, _ = Category.objects.get_or_create(tenant=tenant, parent=None, name=item.category)
        product, _ = Product.objects.get_or_create(
            tenant=tenant, name=item.name, defaults={"category": category, "description": item.description}
        )
        for code, name, price in item.skus:
            sku, _ = Sku.objects.get_or_create(
                tenant=tenant, code=code, defaults={"product": product, "name": name, "price": Decimal(price)}
            )
            for region, factor in REGIONAL_FACTORS.get(position % 3, {}).items():
                RegionalPrice.objects.get_or_create(
                    tenant=tenant, region=region, sku=sku, defaults={"price": _whole_yuan(sku.price * factor)}
                )
            position += 1
    for service in SERVICES.get(slug, ()):
        Service.objects.get_or_create(
            tenant=tenant,
            name=service.name,
            defaults={
                "description": service.description,
                "duration_minutes": service.duration_minutes,
                "price": Decimal(service.price),
            },
        )


@register_seeder(10, "catalog")
def seed_catalog(tenant: Tenant, brand: DemoBrand) -> None:
    seed_catalog_for(tenant=tenant, slug=brand.slug)
