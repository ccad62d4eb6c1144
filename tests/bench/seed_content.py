"""The curriculum of the benchmark: the shipped courses/ and sop/ loaded through the app's
own `content sync`, plus 20-question standalone exams (全员考试) built from their questions;
and, for each question, what a right and a wrong answer look like once graded by the app's
own question types (serialised once, reused for every answer row)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Course,
    CourseVersion,
    CourseVersionLesson,
    Quiz,
    QuizItem,
    SopModule,
    SopVersion,
    SopVersionStep,
)
from app.models.content import course_positions, sop_module_positions
from app.services.content.sync import sync_content
from app.services.quiz.data import QuestionData
from app.services.quiz.layout import make_layout
from app.services.quiz.quizzes import DrawnQuestion, draw_questions
from app.services.quiz.types import get_type
from tests.bench.bulk import J, dumps

ROOT = Path(__file__).resolve().parents[2]
EXAM_QUESTIONS = 20
EXAM_SLUG = "bench-exam"  # the exam everyone takes (seeded attempts, quiz analytics)
POOL_SLUG = "bench-pool-{}"  # exams kept for the runner (fresh attempts to submit, bursts)
POOLS = 5
LAYOUTS = 4


@dataclass
class Answer:
    response: J | None
    fraction: float | None
    feedback: J
    needs_review: bool


@dataclass
class QItem:
    question_id: int
    version_id: int
    type: str
    points: float
    right: Answer
    wrong: Answer
    layouts: list[J]


@dataclass(eq=False)
class QuizInfo:
    id: int
    slug: str
    pass_percent: float
    items: list[QItem]

    @property
    def max_score(self) -> float:
        return sum(item.points for item in self.items)


@dataclass
class Item:
    """A course or SOP module: its latest version and the positions it is meant for."""

    id: int
    slug: str
    version_id: int
    version_number: int
    positions: set[str]
    parts: list  # course: lesson keys; SOP: (key, rank, title, timing, evidence_type)
    quiz: QuizInfo | None = None


@dataclass
class Catalog:
    courses: list[Item] = field(default_factory=list)
    sops: list[Item] = field(default_factory=list)
    exam: QuizInfo | None = None
    pools: list[QuizInfo] = field(default_factory=list)


def seed_content(rng: random.Random, published: datetime, admin_id: int) -> Catalog:
    """Sync the shipped curriculum (dated `published`), add the exams, describe it all."""
    report = sync_content(ROOT, ROOT / "courses", ROOT / "sop", dry_run=False, now=published)
    if report.errors:
        raise SystemExit("content sync failed: " + "; ".join(e.message for e in report.errors))
    db.session.flush()
    _exams(rng, published, admin_id)
    db.session.flush()
    return describe(rng)


def _exams(rng: random.Random, published: datetime, admin_id: int) -> None:
    graded_by_machine = [q for q, in db.session.execute(
        select(QuizItem.question_id).join(Quiz).order_by(QuizItem.question_id)).all()]
    machine = [qid for qid in dict.fromkeys(graded_by_machine) if _type_of(qid) != "short_answer"]
    for slug, title in [(EXAM_SLUG, "全员考试：私域运营基础（基准测试）")] + [
            (POOL_SLUG.format(n), f"全员考试 {n}（基准测试备用卷）") for n in range(1, POOLS + 1)]:
        quiz = Quiz(slug=slug, title=title, description="基准测试生成的 20 题考试。",
                    mode="exam", pass_percent=60.0, time_limit_minutes=30, published=True,
                    source="web", created_by_id=admin_id, created_at=published,
                    updated_at=published)
        quiz.items = [QuizItem(question_id=qid, rank=rank)
                      for rank, qid in enumerate(rng.sample(machine, EXAM_QUESTIONS))]
        db.session.add(quiz)


def _type_of(question_id: int) -> str:
    from app.models import Question

    return db.session.get(Question, question_id).type


def describe(rng: random.Random) -> Catalog:
    catalog = Catalog()
    quizzes = {q.slug: q for q in db.session.scalars(select(Quiz).order_by(Quiz.id))}
    by_course = {q.course_id: q for q in quizzes.values() if q.course_id}
    by_sop = {q.sop_module_id: q for q in quizzes.values() if q.sop_module_id}
    infos = {q.id: _quiz_info(q, rng) for q in quizzes.values()}
    for course, version in _latest(Course, CourseVersion, CourseVersion.course_id):
        keys = list(db.session.scalars(select(CourseVersionLesson.key).where(
            CourseVersionLesson.version_id == version.id).order_by(CourseVersionLesson.rank)))
        quiz = by_course.get(course.id)
        catalog.courses.append(Item(course.id, course.slug, version.id, version.number,
                                    _positions(course_positions, "course_id", course.id), keys,
                                    infos[quiz.id] if quiz else None))
    for module, version in _latest(SopModule, SopVersion, SopVersion.module_id):
        steps = [(s.key, s.rank, s.title, s.timing, s.evidence_type)
                 for s in db.session.scalars(select(SopVersionStep).where(
                     SopVersionStep.version_id == version.id).order_by(SopVersionStep.rank))]
        quiz = by_sop.get(module.id)
        catalog.sops.append(Item(module.id, module.slug, version.id, version.number,
                                 _positions(sop_module_positions, "sop_module_id", module.id),
                                 steps, infos[quiz.id] if quiz else None))
    catalog.exam = infos[quizzes[EXAM_SLUG].id]
    catalog.pools = [infos[quizzes[POOL_SLUG.format(n)].id] for n in range(1, POOLS + 1)]
    return catalog


def _latest(model, version_model, owner):
    latest = (select(owner.label("owner"), func.max(version_model.number).label("number"))
              .group_by(owner).subquery())
    return db.session.execute(
        select(model, version_model).join(latest, latest.c.owner == model.id)
        .join(version_model, (owner == model.id) & (version_model.number == latest.c.number))
        .where(model.archived.is_(False)).order_by(model.sort_order, model.id)).all()


def _positions(table, column: str, item_id: int) -> set[str]:
    from app.models import Position

    return set(db.session.scalars(select(Position.name).join(
        table, table.c.position_id == Position.id).where(table.c[column] == item_id)))


def _quiz_info(quiz: Quiz, rng: random.Random) -> QuizInfo:
    drawn = draw_questions(quiz, random.Random(0))
    return QuizInfo(quiz.id, quiz.slug, quiz.pass_percent,
                    [_qitem(d, quiz.shuffle_options, rng) for d in drawn])


def _qitem(drawn: DrawnQuestion, shuffle: bool, rng: random.Random) -> QItem:
    data = QuestionData.from_dict(drawn.data)
    kind = get_type(data.type)
    right = kind.correct_response(data)
    wrong = _wrong(data, right)
    layouts = [dumps(make_layout(drawn.data, shuffle, rng)) for _ in range(LAYOUTS)]
    return QItem(drawn.question_id, drawn.version_id, data.type, drawn.points,
                 _answer(data, right), _answer(data, wrong), layouts)


def _answer(data: QuestionData, raw) -> Answer:
    kind = get_type(data.type)
    response = kind.normalise_response(data, raw)
    grade = kind.grade(data, response)
    return Answer(None if response is None else dumps(response), grade.fraction,
                  dumps([str(text) for text in grade.feedback]), grade.needs_review)


def _wrong(data: QuestionData, right):
    """A response the question's type grades below full marks (blank as a last resort)."""
    kind = get_type(data.type)
    for candidate in _candidates(data, right):
        try:
            response = kind.normalise_response(data, candidate)
            grade = kind.grade(data, response)
        except Exception:  # noqa: BLE001 - a candidate the type refuses is simply skipped
            continue
        if grade.needs_review or (grade.fraction is not None and grade.fraction < 1.0):
            return candidate
    return None


def _candidates(data: QuestionData, right) -> list:
    payload, kind = data.payload, data.type
    if kind in ("single_choice", "multiple_choice"):
        count = len(payload["options"])
        rights = right if isinstance(right, list) else [right]
        others = [i for i in range(count) if i not in rights]
        return [[i] if kind == "multiple_choice" else i for i in others] + [rights[:-1]]
    if kind == "true_false":
        return [not right]
    if kind == "ordering" and isinstance(right, list):
        return [list(reversed(right))]
    if kind == "matching":
        if isinstance(right, list):
            return [right[1:] + right[:1]]
        if isinstance(right, dict):
            keys = list(right)
            return [{k: right[keys[(i + 1) % len(keys)]] for i, k in enumerate(keys)}]
    if kind == "numerical" and isinstance(right, int | float):
        return [right + 1000, str(right + 1000)]
    return ["不清楚", "我不知道"]
