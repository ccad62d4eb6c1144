"""A fixture organisation for the trainer analytics tests: an exam with eleven known takers,
a course with five learners, takers in bulk for the statement-count tests. Every expected
figure is computed by hand in tests/unit/test_item_analysis.py.

The exam (4 questions, 1 point each, pass 60 %, options shown shuffled):
  Q1 single choice   A 直接打折 / B 先认同感受，再问预算和顾虑 (right) / C 不回复
     — edited after T6 took it: version 2 says "暂不回复" instead of "不回复";
  Q2 multiple choice 恢复情况 (+0.5) / 客户的顾虑 (+0.5) / 客户身份证号 (−1), partial credit;
  Q3 true/false, the right answer is "false" (错);
  Q4 single choice as Q1's version 1, which everybody gets right.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import Department, Hospital, QuestionVersion, Quiz, User
from app.services.quiz import attempts
from app.services.quiz.data import QuestionData
from tests.quiz_factories import make_quiz, multiple, single, true_false

DAY1 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)    # 2026-03-01 10:00 in China
DAY2 = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 2026-03-02 01:30 in China (UTC: still 1 March)

# Answers of T1…T11 to Q1…Q4 (raw form values: option indexes of the version asked;
# None = left empty) and the first attempt's score out of 4:
ANSWERS = [
    ("1", [0, 1], "对", "1"),   # T1   1 + 1   + 0 + 1 = 3    75 %
    ("1", [0, 1], "对", "1"),   # T2   1 + 1   + 0 + 1 = 3    75 %
    ("1", [0], "对", "1"),      # T3   1 + 0.5 + 0 + 1 = 2.5  62.5 %
    ("1", [1], "对", "1"),      # T4   1 + 0.5 + 0 + 1 = 2.5  62.5 %
    ("0", [0, 1], "对", "1"),   # T5   0 + 1   + 0 + 1 = 2    50 %
    ("1", [0, 1, 2], "对", "1"),  # T6 1 + 0   + 0 + 1 = 2    50 %  (−1 clamps the sum to 0)
    ("2", [0], "对", "1"),      # T7   0 + 0.5 + 0 + 1 = 1.5  37.5 %
    ("1", [2], "对", "1"),      # T8   1 + 0   + 0 + 1 = 2    50 %
    ("0", [0], "对", "1"),      # T9   0 + 0.5 + 0 + 1 = 1.5  37.5 %
    ("0", None, "错", "1"),     # T10  0 + 0   + 1 + 1 = 2    50 %
    ("2", [2], "错", "1"),      # T11  0 + 0   + 1 + 1 = 2    50 %
]


@dataclass
class ExamFixture:
    quiz: Quiz
    takers: list[User]
    questions: list  # Question rows, Q1…Q4
    east: Department   # T1–T6
    west: Department   # T7–T10, and its sub-department (T11)


def org(prefix: str = "an") -> tuple[Department, Department, Department]:
    hospital = Hospital(name=f"{prefix} 分析院区")
    east = Department(hospital=hospital, name=f"{prefix} 东区")
    west = Department(hospital=hospital, name=f"{prefix} 西区")
    west_team = Department(hospital=hospital, parent=west, name=f"{prefix} 西区一组")
    db.session.add_all([hospital, east, west, west_team])
    db.session.flush()
    return east, west, west_team


def people(count: int, department: Department, prefix: str) -> list[User]:
    users = [User(login=f"{prefix}{number:03d}", name=f"学员{prefix}{number:03d}",
                  password_hash="x", department_id=department.id)
             for number in range(1, count + 1)]
    db.session.add_all(users)
    db.session.flush()
    return users


def take(quiz: Quiz, user: User, answers, at: datetime, seed: int = 0):
    """`user` starts the quiz (options shuffled by `seed`), answers and hands it in."""
    attempt = attempts.start(quiz, user, at, rng=random.Random(seed))
    for position, raw in enumerate(answers):
        if raw is not None:
            attempts.save_answer(attempt, position, raw, at)
    attempts.submit(attempt, at + timedelta(minutes=5))
    db.session.flush()
    return attempt


def new_version(question, data: QuestionData) -> None:
    """What editing a question does: a new version, and the question points at it."""
    number = question.current_version + 1
    db.session.add(QuestionVersion(question_id=question.id, number=number, data=data.to_dict()))
    question.current_version = number
    db.session.flush()


def exam_fixture() -> ExamFixture:
    """The exam, T1–T11's first attempts (T1–T5 on DAY1, T6–T11 on DAY2 China time), a
    second, better attempt by T9 and an unfinished one by a twelfth person: neither counts."""
    east, west, west_team = org()
    quiz = make_quiz([single("Q1 客户说太贵了"), multiple("Q2 回访记录"), true_false("Q3 伤口照片"),
                      single("Q4 送分题")], slug="analytics-exam", title="分析考试",
                     pass_percent=60.0, shuffle_options=True)
    questions = [item.question for item in quiz.items]
    takers = (people(6, east, "ae") + people(4, west, "aw") + people(1, west_team, "at"))
    for number, (user, answers) in enumerate(zip(takers, ANSWERS, strict=True), start=1):
        take(quiz, user, answers, DAY1 if number <= 5 else DAY2, seed=number)
        if number == 6:
            data = single("Q1 客户说太贵了（新版）")
            options = [dict(o) for o in data.payload["options"]]
            options[2]["text"] = "暂不回复"
            new_version(questions[0], QuestionData(**{**data.to_dict(),
                                                      "payload": {"options": options}}))
    take(quiz, takers[8], ("1", [0, 1], "错", "1"), DAY2 + timedelta(hours=1))
    attempts.start(quiz, people(1, east, "ax")[0], DAY2)
    db.session.commit()
    return ExamFixture(quiz, takers, questions, east, west)


def bulk_takers(quiz: Quiz, count: int, prefix: str) -> None:
    """`count` people of a new department take the quiz, answers cycling through ANSWERS."""
    east, _west, _team = org(prefix)
    for number, user in enumerate(people(count, east, prefix)):
        take(quiz, user, ANSWERS[number % len(ANSWERS)], DAY1, seed=number)
    db.session.commit()


# ---- a course ----------------------------------------------------------------------------------

# Lessons k1, k2, k3; what each learner did ("c" completed, "o" opened only):
PROGRESS = [
    {"k1": "c", "k2": "c", "k3": "c"},   # L1 completed the course
    {"k1": "c", "k2": "c", "k3": "o"},   # L2 stopped inside k3
    {"k1": "c"},                         # L3 stopped after k1
    {"k1": "o"},                         # L4 opened k1 only
    {"k1": "c", "k3": "c"},              # L5 skipped k2 (first opened on DAY2)
]


def course_fixture():
    """A published course of three lessons and five learners (L1–L4 in the east department,
    starting on DAY1; L5 in the west, starting on DAY2)."""
    from app.models import CourseVersion, LessonProgress
    from tests.learning_factories import make_course

    east, west, _team = org("ac")
    course = make_course("analytics-course", [("k1", "第一课", "正文"), ("k2", "第二课", "正文"),
                                              ("k3", "第三课", "正文")], title="分析课程")
    version_id = db.session.scalar(db.select(CourseVersion.id).where(
        CourseVersion.course_id == course.id))
    learners = people(4, east, "ac") + people(1, west, "ad")
    for number, (user, lessons) in enumerate(zip(learners, PROGRESS, strict=True), start=1):
        at = DAY1 if number <= 4 else DAY2
        for offset, (key, state) in enumerate(lessons.items()):
            when = at + timedelta(minutes=10 * offset)
            db.session.add(LessonProgress(user_id=user.id, course_id=course.id, lesson_key=key,
                                          version_id=version_id, opened_at=when,
                                          completed_at=when if state == "c" else None))
    db.session.commit()
    return course, east, west


# ---- an SOP module (on the demo organisation: the demo supervisor reviews) ---------------------

SOP_STEPS = [{"key": f"s{n}", "title": f"第{n}步", "evidence_type": "text"} for n in (1, 2, 3)]


def sop_fixture():
    """R1 (employee) signed off in round 1 — scores 4/5/3; R2 (10005) returned with comments
    on s2 and s3 — 2/3/4, reworked, signed off in round 2 — 4/4/4; R3 (10007) returned with a
    comment on s2 — 1/2/3; R4 (10008) a draft; R5 (10009) handed in, not reviewed."""
    from tests.practice_factories import make_practice_sop, make_run
    from tests.review_helpers import decide, rework

    module = make_practice_sop("analytics-sop", SOP_STEPS, title="分析SOP")

    def scores(a, t, c):
        return {"accuracy": a, "timeliness": t, "communication": c}

    first = make_run("employee", module, status="submitted", case_code="AN-1")
    decide(first, "supervisor", "signed_off", scores=scores(4, 5, 3))
    second = make_run("10005", module, status="submitted", case_code="AN-2")
    decide(second, "supervisor", "returned", reason="补充", scores=scores(2, 3, 4),
           comments={"s2": "话术不完整", "s3": "时间不对"})
    rework(second)
    decide(second, "supervisor", "signed_off", scores=scores(4, 4, 4))
    third = make_run("10007", module, status="submitted", case_code="AN-3")
    decide(third, "supervisor", "returned", reason="补充", scores=scores(1, 2, 3),
           comments={"s2": "缺少记录"})
    make_run("10008", module, status="draft", case_code="AN-4")
    make_run("10009", module, status="submitted", case_code="AN-5")
    return module
