"""The evidence-type registry: each type's normalising, refusals and presence check."""

from __future__ import annotations

import pytest

from app.models import RunStep
from app.services.errors import DomainError
from app.services.practice.evidence import EVIDENCE_TYPES, evidence_type


def test_registry_holds_the_five_types_with_partials():
    assert set(EVIDENCE_TYPES) == {"none", "text", "number", "link", "photo"}
    for name, kind in EVIDENCE_TYPES.items():
        assert kind.name == name and kind.partial == f"practice/evidence/_{name}.html"
    assert evidence_type("unknown").name == "none" and evidence_type(None).name == "none"


@pytest.mark.parametrize("raw,value", [
    ("15", 15.0), (" 12800 ", 12800.0), ("12,800.5", 12800.5), ("１２８００", 12800.0),
    ("-3", -3.0), ("0.0001", 0.0001), ("", None), ("  ", None), (None, None),
    ("999999999999", 999999999999.0),
])
def test_numbers(raw, value):
    assert evidence_type("number").normalise(raw) == value


@pytest.mark.parametrize("raw", [
    "abc", "1e5", "NaN", "inf", "Infinity", "1.23456", "1000000000000", "9" * 400, "1 2",
    "0x10", "½", "12.", ".5", "--1",
])
def test_bad_numbers_are_refused(raw):
    with pytest.raises(DomainError) as error:
        evidence_type("number").normalise(raw)
    assert error.value.field == "evidence_number"


def test_a_phone_number_in_the_number_field_is_refused_as_such():
    with pytest.raises(DomainError, match="phone"):
        evidence_type("number").normalise("13812345678")


@pytest.mark.parametrize("raw,value", [
    ("https://survey.example.com/s/abc?x=1", "https://survey.example.com/s/abc?x=1"),
    (" http://intranet/report ", "http://intranet/report"), ("", ""),
])
def test_links(raw, value):
    assert evidence_type("link").normalise(raw) == value


@pytest.mark.parametrize("raw", [
    "javascript:alert(1)", "ftp://x.example/f", "www.example.com", "https://", "https://a b",
    "data:text/html,<script>alert(1)</script>", "https://" + "a" * 600 + ".com",
    "https://example.com/?tel=13812345678", "http://exa\x00mple.com",
])
def test_bad_links_are_refused(raw):
    with pytest.raises(DomainError) as error:
        evidence_type("link").normalise(raw)
    assert error.value.field == "evidence_link"


def test_text_is_checked_and_trimmed():
    assert evidence_type("text").normalise("  已添加\r\n企业微信  ") == "已添加\n企业微信"
    with pytest.raises(DomainError):
        evidence_type("text").normalise("x" * 2001)
    with pytest.raises(DomainError, match="ID-card"):
        evidence_type("text").normalise("证件 11010519491231002X")


def test_presence():
    step = RunStep(evidence_text="", evidence_link="", evidence_number=None, photo_id=None)
    assert evidence_type("none").present(step)
    assert not any(evidence_type(name).present(step) for name in ("text", "number", "link",
                                                                  "photo"))
    filled = RunStep(evidence_text="好", evidence_link="https://x.cn", evidence_number=0.0,
                     photo_id=3)
    assert all(evidence_type(name).present(filled) for name in EVIDENCE_TYPES)
