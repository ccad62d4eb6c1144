"""The privacy guard: mobile and ID-card numbers refused in every form; ordinary numbers and
case codes accepted."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.errors import DomainError
from app.services.privacy import (
    ID_CARD,
    PHONE,
    check_character,
    find_pii,
    looks_like_id_18,
    refuse_pii,
)

TODAY = date(2026, 6, 1)


def _id(first17: str) -> str:
    return first17 + check_character(first17)


VALID_ID = _id("11010519491231002")         # the GB 11643 example: check character X
VALID_ID_DIGIT = _id("44030419850612153")
WIDE = str.maketrans("0123456789X+-", "０１２３４５６７８９Ｘ＋－")

PHONES = [
    "13812345678", "15900001111", "19912345678", "+8613812345678", "+86 13812345678",
    "0086-138-1234-5678", "8613812345678", "138 1234 5678", "138-1234-5678", "138.1234.5678",
    "1381234 5678", "客户电话13812345678请回电", "CRM13812345678",
    "１３８１２３４５６７８", "＋８６　１３８　１２３４　５６７８", "138\u200b1234\u200b5678",
    "call 138—1234—5678 please",
]
IDS = [
    VALID_ID, VALID_ID.lower(), VALID_ID_DIGIT, f"{VALID_ID[:6]} {VALID_ID[6:14]} {VALID_ID[14:]}",
    f"{VALID_ID_DIGIT[:6]}-{VALID_ID_DIGIT[6:14]}-{VALID_ID_DIGIT[14:]}",
    f"身份证号{VALID_ID_DIGIT}。", VALID_ID.translate(WIDE),
    "440304198506121530" if VALID_ID_DIGIT[-1] != "0" else "440304198506121531",  # typo
    "110101900307123",           # the old 15-digit form
    "110101 900307 123",
]
ACCEPTED = [
    "", "CRM-2026-000123", "CRM-2026-0001234", "12800", "12800.50", "¥12,800", "2026-11-23",
    "2026/11/23 14:30", "14:30", "3", "回访 2 次", "订单 123456", "123456", "1381234567",
    "913812345678", "12345678901", "10086", "400-820-8820", "010-88886666", "0755-2345 6789",
    "202611231234567", "62220213812345678901", "110101901307123",  # bad birth month
    "990101199003071234",  # no such province, wrong check character
    "第1天、第3天、第7天", "2026年11月23日", "V1.2.3.4", "A区3号房",
]


@pytest.mark.parametrize("text", PHONES)
def test_mobile_numbers_are_found(text):
    assert find_pii(text) == PHONE


@pytest.mark.parametrize("text", IDS)
def test_id_numbers_are_found(text):
    assert find_pii(text) == ID_CARD


@pytest.mark.parametrize("text", ACCEPTED)
def test_ordinary_text_and_numbers_pass(text):
    assert find_pii(text) is None


def test_check_character_of_the_standard_example():
    assert check_character("11010519491231002") == "X"


def test_checksum_rules():
    good = _id("91010119900307123")  # a plausible date, region 91 (permanent residence)
    assert looks_like_id_18(good, TODAY)
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    assert looks_like_id_18(wrong, TODAY)  # 91 is a known region: a typo still counts
    unknown_region = _id("99010119900307123")
    assert looks_like_id_18(unknown_region, TODAY)  # valid checksum: refused anyway
    bad = unknown_region[:-1] + ("1" if unknown_region[-1] != "1" else "2")
    assert not looks_like_id_18(bad, TODAY)
    assert not looks_like_id_18(_id("11010120300307123"), TODAY)  # born in the future
    assert not looks_like_id_18(_id("11010118990307123"), TODAY)  # born before 1900
    assert not looks_like_id_18(_id("11010119900230123"), TODAY)  # 30 February


def test_refusal_names_the_field_and_says_why(app):
    with pytest.raises(DomainError) as phone:
        refuse_pii("13812345678", field="note", label="备注")
    assert phone.value.field == "note"
    assert "手机号码" in str(phone.value) and "案例编号" in str(phone.value)
    with pytest.raises(DomainError) as id_card:
        refuse_pii(VALID_ID, field="context", label="Context")
    assert "身份证号" in str(id_card.value)
    refuse_pii("CRM-2026-000123", field="case_code", label="Case code")
