"""The third-party naughty strings (BLNS) and XSS payloads of ../shared/testdata, and a
representative sample of each for the sweeps that post every string through a page.

Posting all 517 strings (or all 6,613 payloads) through every field made these sweeps the
slowest tests of the suite, while most strings differ from another only in ways no field
treats differently (another emoji, another SQL keyword). `representative` keeps every string
that has something no earlier string had — its set of Unicode categories, the HTML- and
quote-significant characters it holds, whitespace at either end, its length class — so each
kind of character, each dangerous character, blank and very long strings all stay in.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

BLNS = "testdata/blns/blns.json"
NUL_STRINGS = ["\x00", "NUL\x00inside"]  # PostgreSQL cannot store NUL: the list has none
SIGNIFICANT = frozenset("<>&\"'`\\/;%{}$")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z]+)")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.I)
_SCHEME = re.compile(r"(javascript|vbscript|livescript|data)\s*:", re.I)


def _length_class(text: str) -> int:
    n = len(text)
    return 0 if n == 0 else 1 if n <= 10 else 2 if n <= 60 else 3 if n <= 255 else 4


def string_signature(text: str) -> tuple:
    return (frozenset(unicodedata.category(ch) for ch in text),
            frozenset(ch for ch in text if ch in SIGNIFICANT),
            text[:1].isspace(), text[-1:].isspace(), _length_class(text))


def payload_signature(text: str) -> tuple:
    return (frozenset(tag.lower() for tag in _TAG.findall(text)), bool(_HANDLER.search(text)),
            frozenset(s.lower() for s in _SCHEME.findall(text)), "&#" in text, "%" in text,
            "\\" in text)


def representative(strings: list[str], signature=string_signature) -> list[str]:
    """The first string of each signature, in the list's order."""
    seen: set = set()
    out = []
    for text in strings:
        key = signature(text)
        if key not in seen:
            seen.add(key)
            out.append(text)
    return out


def load_blns(shared_dir, *, nul: bool = True) -> list[str]:
    """Every BLNS string (and the NUL strings), or skip when ../shared is absent."""
    path = shared_dir / BLNS
    if not path.is_file():
        pytest.skip(f"../shared/{BLNS} is absent: the naughty strings are not available")
    strings = json.loads(path.read_text(encoding="utf-8"))
    assert len(strings) > 500
    return strings + (NUL_STRINGS if nul else [])


def blns_sample(shared_dir) -> list[str]:
    """One BLNS string of each kind (about 200 of 517), NUL strings included."""
    return representative(load_blns(shared_dir))
