"""Weeks (ISO, Monday to Sunday) and months: starts, neighbours, keys, labels, parsing,
around the year change and in years of 53 ISO weeks."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.services.errors import DomainError
from app.services.results.periods import (
    next_start,
    parse_period,
    period_end,
    period_key,
    period_label,
    period_start,
    previous_start,
    recent_starts,
)


@pytest.mark.parametrize("day,kind,start", [
    (date(2026, 11, 18), "weekly", date(2026, 11, 16)),   # a Wednesday
    (date(2026, 11, 16), "weekly", date(2026, 11, 16)),   # a Monday is its own start
    (date(2026, 11, 22), "weekly", date(2026, 11, 16)),   # a Sunday ends the week
    (date(2026, 12, 31), "weekly", date(2026, 12, 28)),   # week 53 of 2026
    (date(2027, 1, 1), "weekly", date(2026, 12, 28)),     # …which runs into 2027
    (date(2027, 1, 3), "weekly", date(2026, 12, 28)),
    (date(2027, 1, 4), "weekly", date(2027, 1, 4)),       # week 1 of 2027
    (date(2026, 12, 31), "monthly", date(2026, 12, 1)),
    (date(2027, 1, 1), "monthly", date(2027, 1, 1)),
    (date(2024, 2, 29), "monthly", date(2024, 2, 1)),
])
def test_period_start(day, kind, start):
    assert period_start(day, kind) == start


@pytest.mark.parametrize("start,kind,key", [
    (date(2026, 11, 16), "weekly", "2026-W47"),
    (date(2026, 12, 28), "weekly", "2026-W53"),
    (date(2027, 1, 4), "weekly", "2027-W01"),
    (date(2024, 12, 30), "weekly", "2025-W01"),  # ISO year 2025 starts in December 2024
    (date(2026, 11, 1), "monthly", "2026-11"),
])
def test_period_key(start, kind, key):
    assert period_key(start, kind) == key
    assert parse_period(key, kind) == start


def test_neighbours_and_ends_across_the_year_change():
    assert next_start(date(2026, 12, 28), "weekly") == date(2027, 1, 4)
    assert previous_start(date(2027, 1, 4), "weekly") == date(2026, 12, 28)
    assert period_end(date(2026, 12, 28), "weekly") == date(2027, 1, 3)
    assert next_start(date(2026, 12, 1), "monthly") == date(2027, 1, 1)
    assert previous_start(date(2027, 1, 1), "monthly") == date(2026, 12, 1)
    assert period_end(date(2024, 2, 1), "monthly") == date(2024, 2, 29)
    assert recent_starts("weekly", date(2027, 1, 6), 3) == [
        date(2026, 12, 21), date(2026, 12, 28), date(2027, 1, 4)]
    assert recent_starts("monthly", date(2027, 2, 15), 3) == [
        date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


@pytest.mark.parametrize("text,kind,start", [
    ("2026-W47", "weekly", date(2026, 11, 16)),
    ("2026w47", "weekly", date(2026, 11, 16)),
    ("２０２６－Ｗ４７", "weekly", date(2026, 11, 16)),   # full-width, as typed on a phone
    ("2026年第47周", "weekly", date(2026, 11, 16)),
    ("2026-W53", "weekly", date(2026, 12, 28)),
    ("2020-W53", "weekly", date(2020, 12, 28)),
    ("2026-11-18", "weekly", date(2026, 11, 16)),
    ("2027/1/1", "weekly", date(2026, 12, 28)),
    ("2026-11", "monthly", date(2026, 11, 1)),
    ("2026年11月", "monthly", date(2026, 11, 1)),
    ("2026-11-18", "monthly", date(2026, 11, 1)),
    (" 2026-12-31 ", "monthly", date(2026, 12, 1)),
])
def test_parse_period(text, kind, start):
    assert parse_period(text, kind) == start


@pytest.mark.parametrize("text,kind", [
    ("2025-W53", "weekly"),      # 2025 has 52 ISO weeks
    ("2026-W00", "weekly"),
    ("2026-11", "weekly"),       # a month is not a week
    ("2026-W47", "monthly"),     # a week is not a month
    ("2026-13", "monthly"),
    ("2026-02-30", "monthly"),
    ("", "weekly"),
    ("last week", "weekly"),
    ("2026-11", "yearly"),
])
def test_parse_period_refuses(app, text, kind):
    with pytest.raises(DomainError) as refused:
        parse_period(text, kind)
    assert refused.value.field == "period"
    assert str(refused.value)


def test_labels(app):
    with app.test_request_context(), force_locale("en"):
        assert period_label(date(2026, 11, 16), "weekly") == "Week 47 of 2026 (11/16–11/22)"
        assert period_label(date(2026, 12, 28), "weekly") == "Week 53 of 2026 (12/28–01/03)"
        assert period_label(date(2026, 11, 1), "monthly") == "November 2026"
    with app.test_request_context():  # the default language
        assert period_label(date(2026, 11, 1), "monthly") == "2026年11月"
        assert "11/16–11/22" in period_label(date(2026, 11, 16), "weekly")
