"""The `datetime` filter's common case, formatted without Babel's pattern machinery.

Every page shows timestamps as "yyyy-MM-dd HH:mm" in the clinic's time zone; a record lists
one per attempt (a hundred and more). Babel parses the pattern, looks the locale up and
formats field by field: about 65 µs a timestamp. That pattern has no word in it — digits and
separators in every locale — so it is the same text as the local time's fields, zero-padded
(`tests/unit/test_stamps.py` compares both over a DST year). Other patterns, and dates that
are not datetimes, still go through Babel.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import format_datetime, get_timezone

STAMP = "yyyy-MM-dd HH:mm"


def format_stamp(value, fmt: str = STAMP) -> str:
    """Flask-Babel's `format_datetime(value, fmt)`, quicker for STAMP."""
    if fmt != STAMP or not isinstance(value, datetime):
        return format_datetime(value, fmt)
    zone = get_timezone()
    if zone is None:  # outside a request: what Babel does then
        return format_datetime(value, fmt)
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
    if hasattr(zone, "normalize"):  # pytz, as Babel does
        local = zone.normalize(local)
    return (f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
            f"{local.hour:02d}:{local.minute:02d}")
