"""A member's card: the member number and what the member's QR code holds, for a guide to scan.

The member number is the member's id in the brand (what `GET /api/v1/members/{id}/` names), shown
with eight digits so that it reads like a card number. The QR code holds the brand, the number and a
signature made with the site's secret key: a guide's scanner (a later issue) reads the member from it
with `read_member_card`, and a code made up or altered by hand (another member's number, another
brand's) reads as nothing, so that nobody binds or credits a member they have not met.
"""

from __future__ import annotations

from django.core import signing
from django.utils.safestring import SafeString, mark_safe

from members.models import Member
from o2o.models import Tenant
from stores.qr import make_qr

CARD_SALT = "members.card"
NUMBER_DIGITS = 8


def member_number(member: Member) -> str:
    """The member number shown on the card: the member's id, with eight digits at least."""
    return f"{member.pk:0{NUMBER_DIGITS}d}"


def card_payload(*, tenant: Tenant, member: Member) -> str:
    """What the member's QR code holds: `<brand>:<member number>:<signature>`."""
    return signing.Signer(salt=CARD_SALT).sign(f"{tenant.slug}:{member_number(member)}")


def read_member_card(*, tenant: Tenant, payload: str) -> int | None:
    """The member id a scanned card names in `tenant`, or None when the code is not a card of this
    brand made here (a bad signature, another brand's card, anything else)."""
    try:
        value = signing.Signer(salt=CARD_SALT).unsign(payload.strip())
    except signing.BadSignature:
        return None
    slug, _, number = value.rpartition(":")
    if slug != tenant.slug or not (number.isascii() and number.isdigit()):
        return None
    return int(number)


def card_qr_svg(*, tenant: Tenant, member: Member) -> SafeString:
    """The member's QR code as an inline SVG element (drawn by segno, as the stores' QR codes)."""
    svg = make_qr(card_payload(tenant=tenant, member=member)).svg_inline(
        scale=6, border=4, light="#fff", omitsize=True, svgclass="qr-code"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own output; the payload holds a slug, digits and a signature
