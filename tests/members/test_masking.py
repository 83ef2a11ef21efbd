"""The masks themselves: what a store sees of a member it does not serve."""

from __future__ import annotations

import pytest

from members.masking import mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+8613812345678", "138****5678"),  # a Chinese mobile: first 3 and last 4 of the national number
        ("+862161234567", "21****4567"),  # a Shanghai landline (10 digits): first 2 and last 4
        ("+447911123456", "+44 79****3456"),  # abroad: the country code stays in front
        ("+6591234567", "+65 ****4567"),  # 8 digits: only the last 4
        ("+35312345", "+353 ****5"),  # 5 digits: at least 4 stay hidden
        ("+861381234567890", "138****7890"),  # longer: still first 3 and last 4, the mask hides the length
    ],
)
def test_a_phone_is_masked_to_its_first_and_last_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张伟", "张*"),
        ("欧阳娜娜", "欧*"),  # a compound surname keeps only its first character: hides more, never less
        ("John Smith", "J***"),
        ("  Li  ", "L***"),
        ("", ""),
    ],
)
def test_a_name_is_masked_to_its_first_character(name, masked):
    assert mask_name(name) == masked
