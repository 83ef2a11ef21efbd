"""Demo members of each brand: Chinese names, +86 mobiles, home stores spread over the brand's
stores, mixed consent, a few served by a second store, and a few with consumer accounts."""

from __future__ import annotations

import zlib

from members.services import join_brand, note_served
from o2o.choices import Role
from o2o.demo import BRANDS, DemoBrand, register_seeder
from o2o.demo.kernel import demo_user
from o2o.models import Tenant
from o2o.services import grant_role
from stores.selectors import list_active_stores

MEMBERS_PER_BRAND = 40
ACCOUNTS_PER_BRAND = 3  # the first members also have a consumer account (username = phone)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超英"  # one character each


def demo_phone(brand: DemoBrand, number: int) -> str:
    """The demo mobile `number` (1-based) of `brand`: +86139BBBBNNNN, B the brand's position."""
    slugs = [known.slug for known in BRANDS]
    block = slugs.index(brand.slug) if brand.slug in slugs else zlib.crc32(brand.slug.encode()) % 10_000
    return f"+86139{block:04d}{number:04d}"


def demo_name(number: int) -> str:
    return SURNAMES[number % len(SURNAMES)] + GIVEN_NAMES[(number * 7) % len(GIVEN_NAMES)]


@register_seeder(30, "members")
def seed_members(tenant: Tenant, brand: DemoBrand) -> None:
    stores = list(list_active_stores(tenant=tenant))
    for number in range(1, MEMBERS_PER_BRAND + 1):
        phone, name = demo_phone(brand, number), demo_name(number)
        user = None
        if number <= ACCOUNTS_PER_BRAND:
            user = demo_user(username=phone, name=name, phone=phone)
            grant_role(tenant=tenant, user=user, role=Role.CONSUMER)
        home_store = stores[number % len(stores)] if stores else None
        member = join_brand(
            tenant=tenant,
            phone=phone,
            name=name,
            user=user,
            home_store=home_store,
            consent_marketing=number % 3 != 0,
        )
        if len(stores) > 1 and number % 5 == 0:  # also served by the next store (a visit, an order)
            note_served(tenant=tenant, member=member, store=stores[(number + 1) % len(stores)])
    brand.logins.append((demo_phone(brand, 1), Role.CONSUMER, "shop /, my membership /me/"))
