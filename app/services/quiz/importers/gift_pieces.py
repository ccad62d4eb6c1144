"""Cutting a GIFT answer block into pieces: markers (= ~), %weights%, #feedback, [format]."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.services.quiz.importers.gift_lexer import decode
from app.services.quiz.importers.result import ParseError

# GIFT format names → our text_format; Moodle's own auto-format is closest to Markdown here.
FORMATS = {"markdown": "markdown", "html": "html", "plain": "plain", "moodle": "markdown"}
WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")


@dataclass(frozen=True)
class Piece:
    """One answer: where it starts (offset into the question text), its marker, its body."""

    offset: int
    marker: str  # "=" or "~", or "" for text before the first marker
    body: str


def split_pieces(text: str, base: int, markers: str) -> list[Piece]:
    """`text` cut before each marker character; leading text only when it is not blank.

    `base` is the offset of `text` in the question text, so each piece can name its line.
    """
    cuts = [index for index, char in enumerate(text) if char in markers]
    pieces = []
    lead = text[: cuts[0]] if cuts else text
    if lead.strip():
        pieces.append(Piece(base + len(lead) - len(lead.lstrip()), "", lead))
    for number, cut in enumerate(cuts):
        end = cuts[number + 1] if number + 1 < len(cuts) else len(text)
        pieces.append(Piece(base + cut, text[cut], text[cut + 1 : end]))
    return pieces


def strip_format(text: str) -> tuple[str | None, str]:
    """A leading [markdown] [html] [plain] or [moodle] cut off: (our format or None, rest)."""
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end > 0 else ""
        if name in FORMATS:
            return FORMATS[name], text[end + 1 :]
    return None, text


def clean(text: str) -> str:
    """A piece of question text as stored: trimmed, its [format] dropped, escapes undone."""
    _format, text = strip_format(text.strip())
    return decode(text).strip()


def take_weight(body: str, offset: int) -> tuple[float | None, str]:
    """A leading %n% weight as a fraction (n / 100) and the rest; (None, body) if none.

    Weights run from -100 to 100; the fraction is exact for any decimal weight written
    (33.333 → 0.33333), so an exported bank reads back the same numbers.
    """
    body = body.strip()
    found = WEIGHT.match(body)
    if not found:
        return None, body
    weight = Decimal(found.group(1))
    if not -100 <= weight <= 100:
        raise ParseError(_l("The weight %(weight)s is not between -100%% and 100%%.",
                            weight=found.group(0)), offset=offset)
    return float(weight.scaleb(-2)), body[found.end():]


def split_feedback(body: str, parts: int = 2) -> list[str]:
    """`body` split at its first `parts - 1` # marks (answer, then feedback texts)."""
    return body.split("#", parts - 1)


def answer_text(text: str, offset: int) -> str:
    """A cleaned answer text, which must not be empty."""
    cleaned = clean(text)
    if not cleaned:
        raise ParseError(_l("An answer is empty."), offset=offset)
    return cleaned


def need_correct(fractions: list[float], offset: int) -> None:
    """At least one answer earns credit."""
    if not any(fraction > 0 for fraction in fractions):
        raise ParseError(_l("No answer is marked correct (with = or a positive weight)."),
                         offset=offset)


def need_count(pieces: list[Piece], minimum: int, offset: int) -> None:
    """Moodle's minimum answer count for the question type."""
    if len(pieces) < minimum:
        raise ParseError(_l("This question needs at least %(n)d answers.", n=minimum),
                         offset=offset)
