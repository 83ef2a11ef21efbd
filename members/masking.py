"""How a member's personal data looks to a store that does not serve them (pure functions).

Phone: the national number with its middle replaced by exactly four asterisks, whatever its length
(so the mask does not tell the length either). At least four digits and at least all but seven are
hidden: a Chinese mobile (11 digits) keeps its first 3 and last 4 (`138****5678`, the convention
consumers know from receipts); a 10-digit number keeps 2 and 4 (`79****3456`); 8 digits keep only
the last 4 (`****5678`); 5 to 7 digits keep the last 1 to 3; 4 digits or fewer show nothing but
`****`. Numbers outside mainland China (+86) keep their country code in front (`+44 79****3456`),
so that a store sees that the number is foreign.

Name: the first character only, then `*` for a Chinese name (`张*`, `欧*` for 欧阳娜娜: a compound
surname loses its second character, which hides more, never less) or `***` for a name in Latin
letters (`J***` for John Smith); the mask never tells the name's length. An empty name stays empty.
"""

from __future__ import annotations

import unicodedata

import phonenumbers

MASK = "****"
DOMESTIC_COUNTRY_CODE = 86


def mask_digits(digits: str) -> str:
    """`digits` with all but (at most) its first 3 and last 4 replaced by `****` (see above)."""
    hidden = max(4, len(digits) - 7)
    tail = max(0, min(4, len(digits) - hidden))
    head = max(0, len(digits) - hidden - tail)
    return digits[:head] + MASK + (digits[len(digits) - tail :] if tail else "")


def mask_phone(phone: str) -> str:
    """The masked form of an E.164 phone: `+8613812345678` -> `138****5678`."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return mask_digits("".join(ch for ch in phone if ch.isdigit()))
    masked = mask_digits(phonenumbers.national_significant_number(number))
    if number.country_code == DOMESTIC_COUNTRY_CODE:
        return masked
    return f"+{number.country_code} {masked}"


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in {"W", "F"}


def mask_name(name: str) -> str:
    """The masked form of a name: its first character and a fixed mask (`张*`, `J***`)."""
    name = name.strip()
    if not name:
        return ""
    first = name[0]
    return first + ("*" if _is_cjk(first) else "***")
