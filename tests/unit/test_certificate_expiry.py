"""Certificates that expire (issue 19): the end of validity is copied when issued; the
states 有效 / 即将到期 / 已过期; reminders 30 and 7 days before, each once (in-app and
email), however often the daily run runs; on expiry one re-certification assignment, even
when two runs race; redoing the course renews the certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Certificate, CourseVersion, CourseVersionLesson, SopVersion
from app.models.assignments import Assignment, Notification
from app.models.base import utcnow
from app.services import certificate_events as events
from app.services.assign.reminders import send_reminders
from app.services.assign.tasks import my_tasks
from app.services.certificate_expiry import run_expiry
from app.services.certificate_validity import Validity, add_months, validity_of
from app.services.certificates import issue_due_certificates
from app.services.content.acknowledgement import acknowledge
from app.services.content.learning import record_progress
from tests.learning_factories import make_course, make_sop, person
from tests.points_factories import complete_lessons
from tests.points_factories import run as practice_run
from tests.races import held_until_done
from tests.reminder_servers import MailSink


@pytest.fixture
def certified(app, demo):
    """王小雨 (employee) completed a course valid for 12 months and holds its certificate."""
    course = make_course("first-aid", [("l1", "一", "x")], title="院内急救规范")
    course.validity_months = 12
    person("employee").email = "wang@example.com"
    db.session.commit()
    complete_lessons("employee", course, ["l1"])
    [certificate] = issue_due_certificates(utcnow())
    db.session.commit()
    return course, certificate


def test_states_and_month_arithmetic():
    now = utcnow()
    assert validity_of(None, now) == Validity.PERMANENT
    assert validity_of(now + timedelta(days=31), now) == Validity.VALID
    assert validity_of(now + timedelta(days=30), now) == Validity.EXPIRING
    assert validity_of(now, now) == Validity.EXPIRED
    start = now.replace(year=2027, month=1, day=31)
    assert add_months(start, 1).date().isoformat() == "2027-02-28"
    assert add_months(start, 13).date().isoformat() == "2028-02-29"


def test_reminded_at_30_then_7_days_once_each_in_app_and_by_email(app, certified):
    _course, certificate = certified
    assert certificate.expires_at == add_months(certificate.issued_at, 12)
    ends = certificate.expires_at
    seen = []
    events.subscribe(listener := lambda event, cert, now, **kw: seen.append((event, kw)))
    with MailSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port,
                          MAIL_DEFAULT_SENDER="academy@example.com")
        _remind(ends - timedelta(days=40))
        assert _notices() == [] and sink.messages == []
        _remind(ends - timedelta(days=29))  # the 30-day reminder
        _remind(ends - timedelta(days=29) + timedelta(hours=2))  # the same day again
        _remind(ends - timedelta(days=28))  # the next day: nothing new
        assert len(_notices()) == 1 and len(sink.messages) == 1
        assert "院内急救规范" in sink.messages[0].get_content()
        _remind(ends - timedelta(days=6))  # the 7-day reminder, once
        _remind(ends - timedelta(days=5))
        assert len(_notices()) == 2 and len(sink.messages) == 2
    events.unsubscribe(listener)
    assert seen == [(events.EXPIRING, {"days": 30}), (events.EXPIRING, {"days": 7})]


def _remind(now):
    send_reminders(now, dry_run=False, settings=current_app.config, commit=db.session.commit)
    db.session.commit()


def _notices() -> list[str]:
    return list(db.session.scalars(select(Notification.key).where(
        Notification.kind == "cert_expiring").order_by(Notification.id)))


def test_expiry_gives_one_recertification_even_when_two_runs_race_and_redoing_renews(
        app, certified):
    course, certificate = certified
    certificate.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    def run():
        report = run_expiry(utcnow())
        db.session.commit()
        return report

    # the held run read the expired certificate, then writes only after the other committed
    held, first = held_until_done(app, run, run, table="certificates")
    assert (held["recertifications"], first["recertifications"]) == (0, 1)
    assert run()["recertifications"] == 0
    recert = db.session.scalar(select(Assignment).where(Assignment.origin == "recert"))
    assert (recert.kind, recert.course_id) == ("course", course.id)
    assert recert.due_at.date() == (recert.starts_at + timedelta(days=30)).date()
    [task], _done = my_tasks(person("employee"), utcnow(), "Asia/Shanghai")
    assert task.assignment.id == recert.id and task.status == "in_progress"  # not done

    _redo_lesson(course)  # reading the lesson again after the re-certification was given
    assert run() == {"renewed": 1, "recertifications": 0}
    db.session.refresh(certificate)
    assert validity_of(certificate.expires_at, utcnow()) == Validity.VALID
    assert certificate.expires_at > utcnow() + timedelta(days=360)
    assert certificate.renewal_assignment_id is None and certificate.lapsed_at is None
    assert my_tasks(person("employee"), utcnow(), "Asia/Shanghai")[0] == []
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


def _redo_lesson(course):
    version = db.session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id))
    lesson = db.session.scalar(select(CourseVersionLesson).where(
        CourseVersionLesson.version_id == version.id))
    record_progress(person("employee"), course, version, lesson, "complete")
    db.session.commit()


def test_items_without_validity_issue_certificates_that_never_expire(app, demo):
    course = make_course("no-expiry", [("l1", "一", "x")])
    complete_lessons("employee", course, ["l1"])
    [certificate] = issue_due_certificates(utcnow())
    assert certificate.expires_at is None
    assert run_expiry(utcnow() + timedelta(days=3650)) == {"renewed": 0, "recertifications": 0}


def test_an_sop_with_a_validity_certifies_the_acknowledgement_and_a_signed_off_run_renews_it(
        app, demo):
    yearly, plain = make_sop("yearly-sop", title="院感防控SOP"), make_sop("plain-sop")
    yearly.validity_months = 12
    db.session.commit()
    for module in (yearly, plain):
        acknowledge(person("employee"), module, db.session.scalar(
            select(SopVersion).where(SopVersion.module_id == module.id)))
    [certificate] = issue_due_certificates(utcnow())  # none for the SOP without a validity
    assert (certificate.kind, certificate.item_id, certificate.title) == (
        "sop", yearly.id, "院感防控SOP")
    certificate.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert run_expiry(utcnow())["recertifications"] == 1
    recert = db.session.scalar(select(Assignment).where(Assignment.origin == "recert"))
    assert (recert.kind, recert.acknowledge, recert.practice_runs) == ("sop", False, 1)
    assert run_expiry(utcnow())["renewed"] == 0  # the old acknowledgement does not count
    practice_run("employee", yearly)  # one practice run signed off after it was given
    assert run_expiry(utcnow())["renewed"] == 1
