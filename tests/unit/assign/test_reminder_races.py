"""Two reminder runs at once (two app servers' cron, or a slow run and the next): every
outside message goes out exactly once, both runs finish with a summary; a message claimed by
a run that crashed is sent by a later run (app/services/assign/channels/claims.py)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models.assignments import ReminderDelivery
from app.models.base import utcnow
from app.services.assign.reminders import send_reminders
from tests.learning_factories import department
from tests.races import pause_before_write, race, together
from tests.reminder_servers import MailSink, Robot
from tests.unit.assign.test_reminders import NOW, _owing


@pytest.fixture
def wired(app, demo):
    """整形外科's own robot, a default robot for the rest, a mail server; people owing."""
    with Robot() as robot, MailSink() as sink:
        department("整形外科").wecom_webhook_url = robot.url("surgery")
        app.config.update(WECOM_WEBHOOK_URL=robot.url("default"), MAIL_SERVER="127.0.0.1",
                          MAIL_PORT=sink.port, MAIL_DEFAULT_SENDER="academy@example.com")
        db.session.commit()
        yield robot, sink


def _run(now=NOW):
    report = send_reminders(now, dry_run=False, settings=current_app.config,
                            commit=db.session.commit)
    db.session.commit()
    return report.as_dict()


def _each_once(robot, sink):
    paths = sorted(path.rsplit("=", 1)[1] for path, _h, _b in robot.received)
    recipients = sorted(to for _sender, (to,) in sink.envelopes)
    assert paths == ["default", "surgery"], paths
    assert recipients == ["wang@example.com", "zheng@example.com"], recipients


def test_two_runs_at_once_send_each_message_once(app, wired):
    robot, sink = wired
    _owing(NOW)
    # both runs have read what was sent already (nothing) and reach their first claim together
    with pause_before_write(together(2), table="reminder_deliveries"):
        first, second = race(app, _run, _run)
    _each_once(robot, sink)
    for name in ("wecom", "email"):
        counts = [(run["channels"][name]["sent"], run["channels"][name]["failed"])
                  for run in (first, second)]
        assert sum(sent for sent, _failed in counts) == 2 and all(f == 0 for _s, f in counts)
    assert first["errors"] == [] and second["errors"] == []
    assert set(db.session.scalars(select(ReminderDelivery.status))) == {"sent"}


def test_a_crashed_runs_claim_is_sent_by_a_later_run_once_it_expired(app, wired):
    robot, sink = wired
    _owing(NOW)
    _run()
    robot.received.clear()
    sink.envelopes.clear()
    rows = list(db.session.scalars(select(ReminderDelivery).order_by(ReminderDelivery.key)))
    crashed, fresh = rows[0], rows[1]  # claimed, then the run died before sending
    crashed.status, crashed.claimed_at = "claimed", utcnow() - timedelta(minutes=16)
    fresh.status, fresh.claimed_at = "claimed", utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = _run()
    channels = result["channels"]
    assert sum(c["sent"] for c in channels.values() if c is not channels["inapp"]) == 1
    assert sum(c["in_progress"] for c in channels.values() if "in_progress" in c) == 1
    db.session.refresh(crashed)
    db.session.refresh(fresh)
    assert (crashed.status, crashed.tries) == ("sent", 2)
    assert fresh.status == "claimed"  # another run may still be sending it: left alone
    assert len(robot.received) + len(sink.envelopes) == 1


def test_the_command_says_what_another_run_is_sending(app, runner, wired):
    robot, sink = wired
    _owing(utcnow())
    day = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    surgery = department("整形外科").id
    db.session.add(ReminderDelivery(channel="wecom", key=f"{day}:dept:{surgery}:1",
                                    status="claimed", claimed_at=utcnow(), tries=1))
    db.session.commit()
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "企业微信" in result.output or "WeCom" in result.output
    assert "1 条正由另一次运行发送" in result.output
    assert [p.rsplit("=", 1)[1] for p, _h, _b in robot.received] == ["default"]
    assert len(sink.envelopes) == 2
