"""Who the demo's delivery orders go to: the customer, now and then someone of their family, at a
plausible Chinese address in the district the customer orders from (the districts of the demo
stores in Shanghai, Hangzhou and Beijing)."""

from __future__ import annotations

import random

from members.demo import GIVEN_NAMES
from members.models import Member
from orders.services import DeliveryInput

# the demo stores' districts (stores.demo), by administrative code
DISTRICTS = {
    "310101": "上海市黄浦区",
    "310104": "上海市徐汇区",
    "310105": "上海市长宁区",
    "310106": "上海市静安区",
    "310107": "上海市普陀区",
    "310110": "上海市杨浦区",
    "310112": "上海市闵行区",
    "310115": "上海市浦东新区",
    "330102": "浙江省杭州市上城区",
    "330105": "浙江省杭州市拱墅区",
    "330106": "浙江省杭州市西湖区",
    "330108": "浙江省杭州市滨江区",
    "330109": "浙江省杭州市萧山区",
    "330110": "浙江省杭州市余杭区",
    "110101": "北京市东城区",
    "110102": "北京市西城区",
    "110105": "北京市朝阳区",
    "110106": "北京市丰台区",
    "110108": "北京市海淀区",
    "110112": "北京市通州区",
    "110114": "北京市昌平区",
}
STREETS = {
    "31": ("南京东路", "淮海中路", "延安西路", "四川北路", "张杨路", "漕溪北路", "长寿路", "国权路"),
    "33": ("延安路", "文三路", "体育场路", "江南大道", "庆春路", "天目山路", "市心中路"),
    "11": ("建国门内大街", "西单北大街", "工体北路", "中关村大街", "朝阳北路", "丰台北路", "新华大街"),
}
COMMUNITIES = ("阳光花园", "锦绣苑", "翠湖小区", "和平里", "枫林公寓", "绿洲家园", "滨江名苑")


def demo_delivery(rng: random.Random, *, member: Member, district: str) -> DeliveryInput:
    """The recipient of a demo delivery: the member (four times in five) or a relative with the
    same surname, the member's phone, an address in `district` (Shanghai's centre when unknown)."""
    name = member.name or "王芳"
    if rng.random() < 0.2:
        name = name[0] + rng.choice(GIVEN_NAMES) + rng.choice(("", rng.choice(GIVEN_NAMES)))
    area = DISTRICTS.get(district, DISTRICTS["310101"])
    street = rng.choice(STREETS.get(district[:2], STREETS["31"]))
    address = (
        f"{area}{street}{rng.randint(1, 999)}号{rng.choice(COMMUNITIES)}"
        f"{rng.randint(1, 30)}号楼{rng.randint(1, 3)}单元{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
    )
    return DeliveryInput(recipient=name, phone=str(member.phone), address=address)
