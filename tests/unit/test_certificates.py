"""Certificates: issued once on completion (course or learning path), never before, with a
unique unambiguous code; the command line issues them for everyone."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, literal, select

from app.extensions import db
from app.models import Certificate, CourseVersion
from app.models.base import utcnow
from app.services import certificates
from app.services.errors import NotFound
from tests.learning_factories import make_course, person
from tests.path_factories import make_path
from tests.points_factories import attempt, complete_lessons
from tests.quiz_factories import make_quiz

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def _count() -> int:
    return db.session.scalar(select(func.count(Certificate.id)))


@pytest.fixture
def course(app, demo):
    return make_course("cert-course", [("l1", "一", "x"), ("l2", "二", "x"), ("l3", "三", "x")],
                       title="私域运营基础")


def test_issued_only_once_the_course_is_completed(course):
    complete_lessons("employee", course, ["l1", "l2"])
    complete_lessons("employee", course, ["l3"], completed=False)
    assert certificates.issue_due_certificates(utcnow()) == []
    db.session.execute(db.update(db.metadata.tables["lesson_progress"])
                       .values(completed_at=utcnow()))
    issued = certificates.issue_due_certificates(utcnow())
    db.session.commit()
    assert [(c.user.login, c.kind, c.item_id, c.title) for c in issued] == [
        ("employee", "course", course.id, "私域运营基础")]
    assert CODE.fullmatch(issued[0].code)
    assert certificates.issue_due_certificates(utcnow()) == []  # idempotent
    assert certificates.issue_due_certificates(utcnow(), [person("employee").id]) == []
    assert _count() == 1


def test_the_title_is_kept_when_the_course_is_renamed(course):
    complete_lessons("employee", course, ["l1", "l2", "l3"])
    certificates.issue_due_certificates(utcnow())
    version = db.session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id))
    version.title = "改名后的课程"
    db.session.commit()
    assert db.session.scalar(select(Certificate.title)) == "私域运营基础"


def test_only_for_the_people_asked_and_never_for_deactivated_accounts(course):
    for login in ("employee", "10005", "10006"):
        complete_lessons(login, course, ["l1", "l2", "l3"])
    person("10006").active = False
    db.session.commit()
    mine = certificates.issue_due_certificates(utcnow(), [person("employee").id])
    assert [c.user.login for c in mine] == ["employee"]
    rest = certificates.issue_due_certificates(utcnow())
    assert [c.user.login for c in rest] == ["10005"]


def test_a_path_certificate_when_every_item_is_done(app, demo):
    course = make_course("cert-path-course", [("only", "唯一", "x")])
    quiz = make_quiz(slug="cert-path-quiz", pass_percent=60)
    path = make_path([("第一关", [course]), ("第二关", [quiz])], title="新人学习地图")
    complete_lessons("employee", course, ["only"])
    attempt("employee", quiz, passed=False, percent=40)
    issued = certificates.issue_due_certificates(utcnow())
    assert [(c.kind, c.item_id) for c in issued] == [("course", course.id)]
    attempt("employee", quiz, passed=True, percent=80)
    issued = certificates.issue_due_certificates(utcnow())
    assert [(c.kind, c.item_id, c.title) for c in issued] == [("path", path.id, "新人学习地图")]


def test_a_concurrent_run_that_got_there_first_is_no_error(course, monkeypatch):
    complete_lessons("employee", course, ["l1", "l2", "l3"])
    first = certificates.issue_due_certificates(utcnow())
    db.session.commit()
    # The other run's SELECT saw no certificate yet: its INSERT meets the unique constraint.
    stale = select(literal(person("employee").id), literal(course.id), literal("私域运营基础"),
                   literal(None))
    due = certificates._due
    monkeypatch.setattr(certificates, "_due",
                        lambda kind, ids: stale if kind.key == "course" else due(kind, ids))
    assert certificates.issue_due_certificates(utcnow()) == []
    db.session.commit()
    assert _count() == 1 and first[0].code == db.session.scalar(select(Certificate.code))


def test_codes_are_random_unambiguous_and_typed_forgivingly():
    codes = {certificates.new_code() for _n in range(2000)}
    assert len(codes) == 2000 and all(CODE.fullmatch(code) for code in codes)
    assert not any(ch in "".join(codes) for ch in "01OI")
    assert certificates.normalise_code(" 7k3m q9px–4twa ") == "7K3M-Q9PX-4TWA"
    assert certificates.normalise_code("7K3M－Q9PX－4TWA") == "7K3M-Q9PX-4TWA"
    for bad in (None, "", "7K3M-Q9PX-4TW", "7K3M-Q9PX-4TWA5", "0K3M-Q9PX-4TWA",
                "IK3M-Q9PX-4TWA", "7K3M-Q9PX-4TWA' OR 1=1 --", "<script>", "ＡＢＣＤ" * 3):
        assert certificates.normalise_code(bad) is None


def test_who_may_open_a_certificate(course):
    complete_lessons("employee", course, ["l1", "l2", "l3"])
    complete_lessons("10012", course, ["l1", "l2", "l3"])  # 美容皮肤科: not the supervisor's
    issued = {c.user.login: c.id for c in certificates.issue_due_certificates(utcnow())}
    for login in ("employee", "supervisor", "admin"):
        assert certificates.certificate_for(person(login), issued["employee"]).id
    for login, certificate_id in (("trainer", issued["employee"]), ("10005", issued["employee"]),
                                  ("supervisor", issued["10012"]), ("employee", 99999999)):
        with pytest.raises(NotFound):
            certificates.certificate_for(person(login), certificate_id)


def test_verify_finds_by_code_as_typed(course):
    complete_lessons("employee", course, ["l1", "l2", "l3"])
    code = certificates.issue_due_certificates(utcnow())[0].code
    assert certificates.verify(code.lower().replace("-", " ")).code == code
    assert certificates.verify("2222-2222-2222") is None
    assert certificates.verify("nonsense") is None


def test_the_issue_command(runner, course):
    complete_lessons("employee", course, ["l1", "l2", "l3"])
    result = runner.invoke(args=["certificates", "issue", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"issued": 1, "by_kind": {"course": 1, "sop": 0, "path": 0,
                                                                  "class": 0}}
    again = runner.invoke(args=["certificates", "issue"])
    assert again.exit_code == 0 and "0" in again.output
    assert _count() == 1
