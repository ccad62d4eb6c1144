"""One person's record on the fixture organisation (tests/report_factories.py) plus a few
things of 10008's own; every expected number is computed by hand in the comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Acknowledgement, SopVersion
from app.services.reports.record import build_record
from tests.learning_factories import make_course, make_sop, person
from tests.path_factories import make_path
from tests.quiz_factories import make_quiz, single, true_false
from tests.report_factories import (
    NOW,
    RIGHT,
    complete_lessons,
    give,
    reviewed_run,
    take,
    team_fixture,
)


@pytest.fixture
def history(demo):
    """10008 owes, besides the fixture's exam Q (failed: both attempts used):
    - exam Q2, due yesterday, never taken → overdue, missed;
    - exam Q3, passed (100 %) → completed, passed;
    - exam Q4, due next week, not taken → not started, open;
    - course C2 (required, not started) and course C3 (optional, completed);
    - an onboarding path: stage 1 [C3] (1/1), stage 2 [Q3, C2] (1/2) → in progress;
    and acknowledged version 1 of an SOP, had one run reviewed (returned)."""
    team = team_fixture()
    exams = [make_quiz([single(), true_false()], slug=f"record-exam-{n}", title=f"考试{n}",
                       max_attempts=3) for n in (2, 3, 4)]
    give(exams[0], "quiz", due=NOW - timedelta(days=1), logins=("10008",))
    give(exams[1], "quiz", due=NOW + timedelta(days=7), logins=("10008",))
    give(exams[2], "quiz", due=NOW + timedelta(days=7), logins=("10008",))
    take(exams[1], "10008", RIGHT["single"], RIGHT["tf"])
    c2 = make_course("record-c2", title="课程二")
    c3 = make_course("record-c3", title="课程三")
    give(c2, "course", due=NOW + timedelta(days=7), logins=("10008",))
    give(c3, "course", required=False, logins=("10008",))
    complete_lessons(c3, "10008", ["intro"])
    path = make_path([("第一关", [c3]), ("第二关", [exams[1], c2])], title="新人路径")
    onboarding = give(path, "path", logins=("10008",))
    onboarding.origin = "onboarding"
    module = make_sop("record-sop", title="回访SOP")
    version = db.session.scalar(select(SopVersion).where(SopVersion.module_id == module.id))
    db.session.add(Acknowledgement(user_id=person("10008").id, module_id=module.id,
                                   version_id=version.id, acknowledged_at=NOW))
    db.session.commit()
    reviewed_run("10008", None, "supervisor", "returned",
                 {"accuracy": 2, "timeliness": 4, "communication": 3})
    return team


def test_headline_rates_and_exams(history):
    record = build_record(person("10008"), NOW, NOW.date())
    h = record.headline
    # required and owed: Q (failed), Q2 (overdue), Q3 (completed), Q4 (not started),
    # C2 (not started), the path (in progress) = 6; the optional C3 does not count.
    assert (h.owed, h.completed, h.overdue) == (6, 1, 1)
    assert h.completion_rate == pytest.approx(100 / 6)
    assert h.overdue_rate == pytest.approx(100 / 6)
    assert h.exams == {"passed": 1, "failed": 1, "missed": 1, "open": 1}
    outcomes = {line.quiz.title: (line.outcome, line.percent, line.attempts)
                for line in record.exams}
    # Q: highest of 50 and 0 = 50 < 60, both attempts used → failed
    assert outcomes == {"私域考试": ("failed", 50.0, 2), "考试2": ("missed", None, 0),
                        "考试3": ("passed", 100.0, 1), "考试4": ("open", None, 0)}


def test_sections(history):
    record = build_record(person("10008"), NOW, NOW.date())
    courses = {c.title: (c.done, c.lessons, c.percent, c.completed_at is not None)
               for c in record.courses}
    assert courses == {"课程二": (0, 1, 0, False), "课程三": (1, 1, 100, True)}
    assert [(a.title, a.attempt.number, a.attempt.percent) for a in record.attempts] == [
        ("考试3", 1, 100.0), ("私域考试", 2, 0.0), ("私域考试", 1, 50.0)]  # newest first
    assert all(a.review for a in record.attempts)  # the quizzes show answers at once
    assert [(a.module_title, a.version_number) for a in record.acknowledgements] == [
        ("回访SOP", 1)]
    (run,) = record.runs
    assert (run.run.status, run.review.decision, run.review.reason) == (
        "returned", "returned", "回访要更及时")
    assert run.mean_score == pytest.approx(3.0)  # (2 + 4 + 3) / 3
    (path,) = record.onboarding
    assert [(s.title, s.done, s.total) for s in path.stages] == [("第一关", 1, 1), ("第二关", 1, 2)]
    assert (path.done, path.total, path.percent) == (2, 3, 67)
    assert record.wrong_book == 2  # true/false (wrong twice), single choice (wrong 2nd time)
    assert record.score_series[-1][1] == 100.0
    # points at the default values: one lesson completed (1) + one exam passed (5); the
    # run was returned, not signed off
    assert record.points.total == 6


def test_a_newcomer_has_an_empty_record(demo):
    record = build_record(person("10011"), NOW, NOW.date())
    assert record.headline.owed == 0 and record.headline.completion_rate is None
    assert record.courses == record.attempts == record.runs == record.exams == []
