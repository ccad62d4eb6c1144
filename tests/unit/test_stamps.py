"""The `datetime` filter's quick path (app/web/stamps.py) writes what Babel writes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import flask_babel
import pytest
import pytz

from app.web import stamps


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_the_quick_stamp_is_babels_across_a_dst_change(app, monkeypatch, zone, locale):
    tz = pytz.timezone(zone)
    monkeypatch.setattr(flask_babel, "get_timezone", lambda: tz)
    monkeypatch.setattr(stamps, "get_timezone", lambda: tz)
    start = datetime(2026, 1, 1, 0, 7, 30, 123456, tzinfo=UTC)
    # 100 days from New Year (New York moves its clocks on 8 March), every time of day
    moments = [start + timedelta(minutes=97 * n) for n in range(1500)]
    moments += [m.replace(tzinfo=None) for m in moments[:50]]  # naive: taken as UTC, like Babel
    with app.test_request_context("/"), flask_babel.force_locale(locale):
        for moment in moments:
            assert stamps.format_stamp(moment) == flask_babel.format_datetime(
                moment, stamps.STAMP), moment


def test_other_patterns_and_dates_still_go_through_babel(app):
    with app.test_request_context("/"):
        moment = datetime(2026, 3, 8, 18, 30, tzinfo=UTC)
        assert stamps.format_stamp(moment) == "2026-03-09 02:30"  # Asia/Shanghai, UTC+8
        assert stamps.format_stamp(moment, "MM/dd") == "03/09"
        assert stamps.format_stamp(date(2026, 3, 8)) == flask_babel.format_datetime(
            date(2026, 3, 8), stamps.STAMP)
    with app.app_context():  # outside a request: Babel's own answer
        assert stamps.format_stamp(moment) == flask_babel.format_datetime(moment, stamps.STAMP)
