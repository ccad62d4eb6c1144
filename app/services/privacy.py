"""The client-privacy guard of every free-text field (docs/privacy.md): text that looks like a
mainland mobile number or an ID-card number (居民身份证号) is refused, with a message naming the
field and saying why.

Where it runs: `validation.clean_text` / `clean_multiline` (every service that stores typed
text), `web.forms.GuardedForm` (every WTForms text field), typed quiz answers
(quiz.attempts.save_answer), the coach page (web.coach), question imports (quiz.banks) and
content files (content.files). `mask_pii` hides such numbers in text that leaves the server
(coach.llm) and in uploaded file names (media). Fields that hold staff data or secrets opt out
with a written reason.

What is refused (after NFKC normalisation, so full-width digits, ＋ and － count; any Unicode
decimal digit counts as its ASCII digit; invisible format characters such as zero-width
spaces are ignored):

- Mobile numbers: 11 digits 1[3-9]XXXXXXXXX, alone or inside other text, optionally after
  +86 / 0086 / 86, written in one piece or grouped 3-4-4 with a space, hyphen, dot or dash
  (``138 1234 5678``, ``138-1234-5678``, ``+86 13812345678``). A longer run of digits
  (a 15-digit order number) is not a phone number.
- ID-card numbers, 18 characters (17 digits and a digit or X) or the old 15-digit form, in
  one piece or with single separators between digits (``110101 19900307 123X``):
  * 18 characters with a valid ISO 7064 MOD 11-2 check character and a plausible birth date
    (a real calendar date between 1900-01-01 and today) are refused whatever the region;
  * 18 characters with a *wrong* check character are still refused when the first two
    digits are a real province code and the birth date is plausible: that is an ID number
    with a typo, still a client's identity;
  * 15 digits with a real province code and a plausible 19YYMMDD birth date are refused.

Not refused: case codes (CRM-2026-000123), amounts (12800), dates (2026-11-23), times,
counts, 6-digit order numbers, clinic landlines. Landlines are deliberately allowed: the
scripts (话术) quote the clinic's own service and emergency numbers, and an area-code number
rarely identifies a client. Numbers written in Chinese numerals (一三八…) are not detected.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

SEP = r"[ \t\-.\u2010-\u2015]"
MOBILE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{SEP}?)?1[3-9]\d{SEP}?\d{{4}}{SEP}?\d{{4}}(?!\d)")
ID_18 = re.compile(rf"(?<!\d)(?=(\d(?:{SEP}?\d){{16}}{SEP}?[\dX])(?!\d))", re.IGNORECASE)
ID_15 = re.compile(rf"(?<!\d)(?=(\d(?:{SEP}?\d){{14}})(?!{SEP}?[\dX]))", re.IGNORECASE)
SEPARATORS = re.compile(SEP)

# First two digits of the administrative region code: provinces, Hong Kong/Macau/Taiwan
# residents (81–83) and foreigners' permanent-residence numbers (91).
PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                       44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91})
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

PHONE, ID_CARD = "phone", "id_card"


def normalise(text: str) -> str:
    """NFKC, every decimal digit as ASCII, format characters (zero-width …) dropped."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        if unicodedata.category(ch) == "Cf":
            continue
        out.append(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch)
    return "".join(out)


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of an ID number."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _plausible_birth(text: str, today: date) -> bool:
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def looks_like_id_18(digits: str, today: date | None = None) -> bool:
    """18 characters: see the module docstring for when they count as an ID number."""
    digits = digits.upper()
    today = today or date.today()
    if not (len(digits) == 18 and digits[:17].isdigit()) or not _plausible_birth(
            digits[6:14], today):
        return False
    if check_character(digits[:17]) == digits[17]:
        return True
    return int(digits[:2]) in PROVINCES


def looks_like_id_15(digits: str, today: date | None = None) -> bool:
    return (len(digits) == 15 and digits.isdigit() and int(digits[:2]) in PROVINCES
            and _plausible_birth("19" + digits[6:12], today or date.today()))


def find_pii(text: str | None) -> str | None:
    """PHONE or ID_CARD when the text holds something that looks like one; else None."""
    if not text:
        return None
    text = normalise(text)
    if MOBILE.search(text):
        return PHONE
    for pattern, check in ((ID_18, looks_like_id_18), (ID_15, looks_like_id_15)):
        for match in pattern.finditer(text):
            if check(SEPARATORS.sub("", match.group(1))):
                return ID_CARD
    return None


def pii_message(value: str | None, label):
    """The refusal (a lazy string naming the field and the reason), or None when `value` holds
    nothing that looks like a phone or ID-card number."""
    found = find_pii(value)
    if found == PHONE:
        return _l(
            "%(label)s looks like a mobile phone number. SOP Academy never stores clients' "
            "phone numbers: refer to the client by the case code only.", label=label)
    if found == ID_CARD:
        return _l(
            "%(label)s looks like an ID-card number. SOP Academy never stores clients' "
            "ID-card numbers: refer to the client by the case code only.", label=label)
    return None


def refuse_pii(value: str | None, *, field: str | None, label) -> None:
    """Raise DomainError (naming the field and the reason) when `value` looks like PII."""
    message = pii_message(value, label)
    if message is not None:
        raise DomainError(message, field)


def texts_in(data: Any) -> list[str]:
    """Every string inside nested dicts, lists and tuples (keys too)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for pair in data.items() for item in pair for text in texts_in(item)]
    if isinstance(data, list | tuple):
        return [text for item in data for text in texts_in(item)]
    return []


def pii_message_in(data: Any, label):
    """`pii_message` for the first string of a nested structure that holds PII (or None)."""
    for text in texts_in(data):
        if (message := pii_message(text, label)) is not None:
            return message
    return None


def mask_pii(text: str, mask: str = "[号码]") -> str:
    """`text` with everything shaped like a mobile or ID-card number replaced by `mask`
    (checks or not), the rest unchanged: for text that leaves the server (the coach's AI
    reviewer). Detection runs on each character's normal form, mapped back to `text`."""
    plain, origin = [], []
    for index, ch in enumerate(text):
        for part in normalise(ch):
            plain.append(part)
            origin.append(index)
    plain_text = "".join(plain)
    spans = [m.span() for m in MOBILE.finditer(plain_text)]
    spans += [m.span(1) for pattern in (ID_18, ID_15) for m in pattern.finditer(plain_text)]
    merged: list[list[int]] = []
    for start, end in sorted((origin[a], origin[b - 1] + 1) for a, b in spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + mask + text[end:]
    return text


def _plain_with_origin(text: str) -> tuple[str, list[int]]:
    """`normalise` character by character, with the index in `text` of every output char."""
    plain, origin = [], []
    for index, ch in enumerate(text):
        for part in normalise(ch):
            plain.append(part)
            origin.append(index)
    return "".join(plain), origin


def pii_spans(text: str | None) -> list[tuple[str, int, int]]:
    """(PHONE or ID_CARD, start, end) in `text` of every number `find_pii` would refuse
    (checks included, unlike `mask_pii`), sorted, overlapping matches merged."""
    if not text:
        return []
    plain, origin = _plain_with_origin(text)
    found = [(PHONE, *m.span()) for m in MOBILE.finditer(plain)]
    for pattern, check in ((ID_18, looks_like_id_18), (ID_15, looks_like_id_15)):
        found += [(ID_CARD, *m.span(1)) for m in pattern.finditer(plain)
                  if check(SEPARATORS.sub("", m.group(1)))]
    merged: list[list] = []
    spans = sorted(((k, origin[a], origin[b - 1] + 1) for k, a, b in found),
                   key=lambda span: (span[1], -span[2]))
    for kind, start, end in spans:
        if merged and start < merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([kind, start, end])
    return [tuple(span) for span in merged]


def mask_number(number: str, kind: str) -> str:
    """A found number with its middle hidden: 138****5678, 110101********123X (digits only,
    prefix +86 and separators dropped)."""
    digits = "".join(ch for ch in normalise(number) if ch.isdigit() or ch in "xX").upper()
    if kind == PHONE:
        digits = digits[-11:]
        return digits[:3] + "****" + digits[-4:]
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def mask_found(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    """`text` with every number of `pii_spans` masked by `mask_number`, and the (kind, start,
    end) of each mask in the new text."""
    out, masks, done = [], [], 0
    for kind, start, end in pii_spans(text):
        out.append(text[done:start])
        at = sum(len(part) for part in out)
        masked = mask_number(text[start:end], kind)
        out.append(masked)
        masks.append((kind, at, at + len(masked)))
        done = end
    out.append(text[done:])
    return "".join(out), masks
