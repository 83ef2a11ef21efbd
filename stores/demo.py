"""The stores' demo data: for each demo brand 30 stores of the three kinds in Shanghai, Hangzhou and
Beijing (real neighbourhoods, so that "stores near me" and the service areas overlap as in a city),
franchise territories, opening hours, mixed capabilities, a store manager and guides for some
stores, stock of the brand's SKUs and the services of the stores that offer them.

Idempotent: a store, a staff account, a stock row or an offering is created only when missing, so
running `seed_demo` again changes nothing (and keeps what someone edited in the demo).
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from decimal import Decimal

from catalog.models import Service, Sku
from o2o.choices import Role
from o2o.demo import DEMO_PASSWORD, DemoBrand, register_seeder
from o2o.models import Tenant, User
from stores.choices import WEEKDAYS, Capability, StoreKind
from stores.models import Stock, Store, StoreContract, StoreService
from stores.services import (
    ContractTerms,
    ServiceOffering,
    StockLevel,
    StoreInput,
    change_contract,
    create_staff,
    create_store,
    set_stock,
    set_store_services,
)


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # the neighbourhood, Chinese and English
    district: str  # administrative code
    lat: float
    lng: float
    kind: str
    neighbours: tuple[str, ...] = ()  # more districts in a franchise store's territory


D, F, C = str(StoreKind.DIRECT), str(StoreKind.FRANCHISE), str(StoreKind.COUNTER)

# city -> (region, [places]); about ten stores per city, the kinds mixed
CITIES: dict[str, tuple[str, tuple[Place, ...]]] = {
    "Shanghai": (
        "east",
        (
            Place("SH01", "人民广场 People's Square", "310101", 31.2323, 121.4751, D),
            Place("SH02", "新天地 Xintiandi", "310101", 31.2197, 121.4757, C),
            Place("SH03", "陆家嘴 Lujiazui", "310115", 31.2397, 121.4998, D),
            Place("SH04", "徐家汇 Xujiahui", "310104", 31.1951, 121.4365, F, ("310104",)),
            Place("SH05", "静安寺 Jing'an Temple", "310106", 31.2235, 121.4453, C),
            Place("SH06", "中山公园 Zhongshan Park", "310105", 31.2226, 121.4185, F, ("310107",)),
            Place("SH07", "五角场 Wujiaochang", "310110", 31.3008, 121.5138, F),
            Place("SH08", "世纪公园 Century Park", "310115", 31.2165, 121.5515, D),
            Place("SH09", "莘庄 Xinzhuang", "310112", 31.1113, 121.3855, F),
            Place("SH10", "长寿路 Changshou Road", "310107", 31.2436, 121.4337, C),
        ),
    ),
    "Hangzhou": (
        "east",
        (
            Place("HZ01", "湖滨 Hubin (West Lake)", "330102", 30.2575, 120.1645, D),
            Place("HZ02", "武林广场 Wulin Square", "330105", 30.2750, 120.1655, C),
            Place("HZ03", "黄龙 Huanglong", "330106", 30.2720, 120.1330, F, ("330106",)),
            Place("HZ04", "西溪 Xixi", "330106", 30.2710, 120.0830, D),
            Place("HZ05", "钱江新城 Qianjiang New City", "330102", 30.2450, 120.2110, C),
            Place("HZ06", "滨江 Binjiang", "330108", 30.2083, 120.2110, F),
            Place("HZ07", "萧山 Xiaoshan", "330109", 30.1840, 120.2640, F),
            Place("HZ08", "未来科技城 Future Sci-Tech City", "330110", 30.2900, 120.0100, F),
            Place("HZ09", "拱宸桥 Gongchen Bridge", "330105", 30.3180, 120.1420, D),
            Place("HZ10", "城站 City Station", "330102", 30.2440, 120.1810, C),
        ),
    ),
    "Beijing": (
        "north",
        (
            Place("BJ01", "王府井 Wangfujing", "110101", 39.9140, 116.4100, D),
            Place("BJ02", "西单 Xidan", "110102", 39.9100, 116.3740, C),
            Place("BJ03", "三里屯 Sanlitun", "110105", 39.9334, 116.4546, D),
            Place("BJ04", "国贸 Guomao", "110105", 39.9087, 116.4605, C),
            Place("BJ05", "望京 Wangjing", "110105", 39.9960, 116.4700, F),
            Place("BJ06", "中关村 Zhongguancun", "110108", 39.9840, 116.3070, F, ("110108",)),
            Place("BJ07", "五道口 Wudaokou", "110108", 39.9925, 116.3380, D),
            Place("BJ08", "丰台科技园 Fengtai", "110106", 39.8585, 116.2870, F),
            Place("BJ09", "回龙观 Huilongguan", "110114", 40.0720, 116.3300, F),
            Place("BJ10", "通州万达 Tongzhou", "110112", 39.9090, 116.6570, C),
        ),
    ),
}

# opening hours by kind: mall counters keep the mall's hours; franchisees close early on Sunday
HOURS: dict[str, dict[str, list[list[str]]]] = {
    D: {
        **{day: [["10:00", "21:30"]] for day in WEEKDAYS[:5]},
        "sat": [["10:00", "22:00"]],
        "sun": [["10:00", "22:00"]],
    },
    F: {**{day: [["09:30", "12:00"], ["13:00", "21:00"]] for day in WEEKDAYS[:6]}, "sun": [["10:00", "18:00"]]},
    C: {day: [["10:00", "22:00"]] for day in WEEKDAYS},
}
RADIUS_KM: dict[str, Decimal] = {D: Decimal("8.00"), F: Decimal("6.00"), C: Decimal("3.00")}
STAFFED = {"SH01", "SH04", "HZ01", "HZ03", "BJ01", "BJ06"}  # a manager and guides (2 in direct stores)


def _capabilities(place: Place, number: int) -> list[str]:
    if place.kind == C:  # a counter hands goods over the counter only, sometimes it also services
        chosen = [Capability.PICKUP] + ([Capability.SERVICES] if number % 2 else [])
    elif place.kind == F:
        chosen = [Capability.PICKUP, Capability.DELIVERY] + ([Capability.SERVICES] if number % 3 == 0 else [])
    else:
        chosen = [Capability.PICKUP, Capability.DELIVERY, Capability.SERVICES]
    return [str(capability) for capability in chosen]


def _store_name(brand: DemoBrand, place: Place) -> str:
    return f"{brand.name.split()[0]} {place.name}"


def _seed_stores(tenant: Tenant, brand: DemoBrand) -> list[Store]:
    existing = {store.code: store for store in Store.objects.filter(tenant=tenant)}
    stores = []
    number = 0
    for city, (region, places) in CITIES.items():
        for place in places:
            number += 1
            store = existing.get(place.code)
            if store is None:
                store = create_store(
                    tenant=tenant,
                    data=StoreInput(
                        code=place.code,
                        name=_store_name(brand, place),
                        kind=place.kind,
                        region=region,
                        city=city,
                        district=place.district,
                        address=f"{place.name.split()[0]} {number} 号",
                        phone=f"021-6{number:03d}{zlib.crc32(brand.slug.encode()) % 10_000:04d}",
                        lat=place.lat,
                        lng=place.lng,
                        service_radius_km=RADIUS_KM[place.kind],
                        opening_hours=HOURS[place.kind],
                        capabilities=_capabilities(place, number),
                        territory=sorted({place.district, *place.neighbours}) if place.kind == F else [],
                    ),
                )
            stores.append(store)
    return stores


def _seed_contract_history(tenant: Tenant) -> None:
    """HZ03, a franchise store, renegotiated its royalty in 2026: the settlement of 2025 keeps 8%."""
    store = Store.objects.filter(tenant=tenant, code="HZ03").first()
    if store is None or StoreContract.objects.filter(tenant=tenant, store=store).count() > 1:
        return
    terms = ContractTerms(sales_share_rate=Decimal("0.9300"), tac_chargeable=True, commission_borne_by_store=True)
    change_contract(tenant=tenant, store=store, terms=terms, valid_from=dt.date(2026, 1, 1))


def _seed_staff(tenant: Tenant, brand: DemoBrand, stores: list[Store]) -> None:
    for store in stores:
        if store.code not in STAFFED:
            continue
        posts = [("manager", Role.STORE_MANAGER), ("guide1", Role.GUIDE)]
        if store.kind == D:
            posts.append(("guide2", Role.GUIDE))
        for suffix, role in posts:
            username = f"{brand.slug}-{store.code.lower()}-{suffix}"
            if User.objects.filter(username=username).exists():
                continue
            create_staff(
                tenant=tenant,
                store=store,
                username=username,
                password=DEMO_PASSWORD,
                name=f"{store.name} {'店长' if role == Role.STORE_MANAGER else '导购'} {suffix}",
                phone="",
                role=role,
            )
    brand.logins += [
        (f"{brand.slug}-sh01-manager", Role.STORE_MANAGER, "store dashboard /store/ (Shanghai People's Square)"),
        (f"{brand.slug}-sh01-guide1", Role.GUIDE, "guide portal /guide/ (Shanghai People's Square)"),
    ]


def _seed_stock(tenant: Tenant, stores: list[Store]) -> None:
    skus = list(Sku.objects.filter(tenant=tenant, is_active=True).order_by("code"))
    have = set(Stock.objects.filter(tenant=tenant).values_list("store_id", "sku_id"))
    for store in stores:
        levels = [
            # a deterministic count from 0 to 24: some stores are out of some SKUs
            StockLevel(sku_id=sku.pk, on_hand=zlib.crc32(f"{store.code}/{sku.code}".encode()) % 25)
            for sku in skus
            if (store.pk, sku.pk) not in have
        ]
        if levels:
            set_stock(tenant=tenant, store=store, levels=levels)


def _seed_services(tenant: Tenant, stores: list[Store]) -> None:
    services = list(Service.objects.filter(tenant=tenant, is_active=True).order_by("name"))
    offering = set(StoreService.objects.filter(tenant=tenant).values_list("store_id", flat=True))
    for store in stores:
        if not store.offers_services or store.pk in offering or not services:
            continue
        capacity = 1 if store.kind == C else 2 if store.kind == F else 3
        set_store_services(tenant=tenant, store=store, offerings=[ServiceOffering(s.pk, capacity) for s in services])


@register_seeder(20, "stores")
def seed_stores(tenant: Tenant, brand: DemoBrand) -> None:
    stores = _seed_stores(tenant, brand)
    _seed_contract_history(tenant)
    _seed_staff(tenant, brand, stores)
    _seed_stock(tenant, stores)
    _seed_services(tenant, stores)
