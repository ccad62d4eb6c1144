"""A figure as people type it or Excel stores it: a number ≥ 0 with at most two decimals."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

MAX_VALUE = Decimal("99999999.99")  # below 100 million: plenty for people, pairs and yuan
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


class ValueProblem(DomainError):
    """A figure that cannot be stored; the message says why, without naming the field."""


def parse_value(raw) -> float | None:
    """The figure as a float; None for a blank; ValueProblem for anything else.

    Text may use full-width digits and thousands separators ("１２", "1,200"). A text
    starting with "=" is a formula (or looks like one) and is refused.
    """
    if raw is None:
        return None
    if isinstance(raw, bool) or isinstance(raw, date | datetime):
        raise ValueProblem(_l("not a number"))
    if isinstance(raw, int | float):
        number = _decimal(repr(float(raw)) if isinstance(raw, float) else str(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        if not text:
            return None
        if text.startswith("="):
            raise ValueProblem(_l("a formula is not accepted: type the number itself"))
        if THOUSANDS.match(text):
            text = text.replace(",", "")
        if not NUMBER.match(text):
            raise ValueProblem(_l("'%(value)s' is not a number", value=text[:20]))
        number = _decimal(text)
    return float(_check(number)) + 0.0  # never -0.0


def _decimal(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(_l("not a number")) from None
    if not number.is_finite():
        raise ValueProblem(_l("not a number"))
    return number


def _check(number: Decimal) -> Decimal:
    if number < 0:
        raise ValueProblem(_l("must not be negative"))
    if number > MAX_VALUE:
        raise ValueProblem(_l("is too large (at most %(max)s)", max="99999999.99"))
    if number != number.quantize(Decimal("0.01")):
        raise ValueProblem(_l("at most two decimals"))
    return number

