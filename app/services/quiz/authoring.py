"""Building quizzes in the trainer's pages: settings, attachment, fixed questions, draw rules,
publishing and archiving.

A quiz's past attempts are never touched: each attempt pinned its question versions and
stored its own points and pass mark when it started. Services add and flush; the caller
commits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Course, Question, QuestionBank, QuestionCategory, SopModule, User
from app.models.quiz import Quiz, QuizDrawRule, QuizItem
from app.services.content import working_copy as wc
from app.services.content.slugs import choose_slug
from app.services.errors import DomainError
from app.services.quiz.quizzes import MAX_QUESTIONS, _candidates, check_settings, question_count
from app.services.validation import clean_multiline, clean_text

LOCAL_ZONE = "Asia/Shanghai"
MAX_POINTS = 1000.0
YEARS = range(2000, 2101)
MAX_ID = 2**63 - 1  # a form may send any integer; larger ones are no row's id
SETTINGS = ("mode", "pass_percent", "time_limit_minutes", "max_attempts", "cooldown_minutes",
            "opens_at", "closes_at", "grading_method", "review", "shuffle_questions",
            "shuffle_options", "course_id", "sop_module_id")


@dataclass
class QuizSettingsData:
    """A quiz's settings as a form gives them: `opens_at`/`closes_at` without a time zone
    are local time in `zone` (China time by default)."""

    title: str | None
    description: str | None = ""
    mode: str | None = "exam"
    pass_percent: float | None = 60.0
    time_limit_minutes: int | None = None
    max_attempts: int | None = None
    cooldown_minutes: int | None = 0
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    grading_method: str | None = "highest"
    review: str | None = "immediately"
    shuffle_questions: bool = False
    shuffle_options: bool = True
    course_id: int | None = None
    sop_module_id: int | None = None
    zone: str = LOCAL_ZONE
    slug: str | None = ""  # blank: keep the address, or make one from the title


@dataclass
class DrawRuleData:
    bank_id: int | None
    category_id: int | None = None
    tag: str | None = ""
    difficulty: int | None = None
    count: int | None = 1
    points: float | None = None


# ---- time ------------------------------------------------------------------------------------

def to_utc(value: datetime | None, zone: str = LOCAL_ZONE, field: str = "opens_at"
           ) -> datetime | None:
    """A form's local time (naive: in `zone`) as timezone-aware UTC."""
    if value is None:
        return None
    if value.year not in YEARS:
        raise DomainError(_l("Choose a date between the years 2000 and 2100."), field)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value.astimezone(UTC)


def to_local(value: datetime | None, zone: str = LOCAL_ZONE) -> datetime | None:
    """A stored UTC time as naive local time in `zone`, for a datetime-local field."""
    return None if value is None else value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def settings_of(quiz: Quiz, zone: str = LOCAL_ZONE) -> QuizSettingsData:
    """The quiz's settings as the form shows them (times in local time)."""
    values = {name: getattr(quiz, name) for name in SETTINGS}
    values.update(opens_at=to_local(quiz.opens_at, zone), closes_at=to_local(quiz.closes_at, zone))
    return QuizSettingsData(title=quiz.title, description=quiz.description, zone=zone,
                            slug=quiz.slug, **values)


# ---- settings --------------------------------------------------------------------------------

def save_quiz(quiz: Quiz | None, data: QuizSettingsData, actor: User | None) -> Quiz:
    """Create a quiz or change its settings (its address typed or made from the title,
    app/services/content/slugs.py); DomainError names the field at fault."""
    title = clean_text(data.title, field="title", label=wc.TITLE, max_length=200)
    description = clean_multiline(data.description, field="description",
                                  label=_l("Description"), max_length=2000) or ""
    values = _settings(data)
    check_settings(Quiz(**values))  # on an unsaved copy: nothing half-changed is flushed
    _check_attachment(values["course_id"], values["sop_module_id"])
    slug = choose_slug(Quiz, quiz, data.slug, title, "quiz")
    if quiz is None:
        quiz = Quiz(slug=slug, source="web", created_by_id=actor.id if actor else None)
        db.session.add(quiz)
    quiz.slug = slug
    quiz.title, quiz.description = title, description
    for name, value in values.items():
        setattr(quiz, name, value)
    db.session.flush()
    return quiz


def _settings(data: QuizSettingsData) -> dict:
    if data.pass_percent is None:
        raise DomainError(_l("%(label)s is required.", label=_l("Pass mark (%)")),
                          "pass_percent")
    values = {name: getattr(data, name) for name in SETTINGS}
    values.update(
        pass_percent=float(data.pass_percent), cooldown_minutes=data.cooldown_minutes or 0,
        opens_at=to_utc(data.opens_at, data.zone, "opens_at"),
        closes_at=to_utc(data.closes_at, data.zone, "closes_at"),
        course_id=data.course_id or None, sop_module_id=data.sop_module_id or None,
        shuffle_questions=bool(data.shuffle_questions),
        shuffle_options=bool(data.shuffle_options))
    return values


def _check_attachment(course_id: int | None, sop_module_id: int | None) -> None:
    if course_id and _get(Course, course_id) is None:
        raise DomainError(_l("Choose a course from the list."), "course_id")
    if sop_module_id and _get(SopModule, sop_module_id) is None:
        raise DomainError(_l("Choose an SOP module from the list."), "sop_module_id")


def _get(model, ident: int | None):
    """The row with this id; None for no id, or one no database column can hold."""
    return db.session.get(model, ident) if ident and 0 < ident <= MAX_ID else None


def set_published(quiz: Quiz, published: bool) -> None:
    """Publish (refused for an archived quiz, one without questions, or one whose draw rules
    its banks can no longer fill) or withdraw a quiz; attempts already made stay."""
    if published:
        if quiz.archived:
            raise DomainError(_l("Restore the quiz before publishing it."))
        if not _live_items(quiz) and not quiz.draw_rules:
            raise DomainError(_l("Add questions before publishing: this quiz has none."))
        for rule in quiz.draw_rules:
            _check_pool(quiz, rule)
    quiz.published = published
    db.session.flush()


def set_archived(quiz: Quiz, archived: bool) -> None:
    """Archive a quiz (hidden from employees, its attempts kept) or bring it back."""
    quiz.archived = archived
    db.session.flush()


# ---- fixed questions -------------------------------------------------------------------------

def add_questions(quiz: Quiz, question_ids: list[int]) -> int:
    """Add the chosen questions (of any bank) at the end; ones already in the quiz are
    skipped. Returns how many were added."""
    wanted = list(dict.fromkeys(question_ids or []))
    if not all(0 < qid <= MAX_ID for qid in wanted):
        raise DomainError(_l("A chosen question no longer exists or is archived."),
                          "question_ids")
    if not wanted:
        raise DomainError(_l("Choose at least one question."), "question_ids")
    found = set(db.session.scalars(select(Question.id).where(
        Question.id.in_(wanted), Question.archived.is_(False))))
    if len(found) != len(wanted):
        raise DomainError(_l("A chosen question no longer exists or is archived."),
                          "question_ids")
    present = {item.question_id for item in quiz.items}
    new = [qid for qid in wanted if qid not in present]
    _check_size(question_count(quiz) + len(new))
    for question_id in new:
        quiz.items.append(QuizItem(question_id=question_id, rank=len(quiz.items)))
    db.session.flush()
    for rule in quiz.draw_rules:  # a rule may now lack questions that became fixed
        _check_pool(quiz, rule)
    return len(new)


def remove_item(item: QuizItem) -> None:
    """Take a fixed question out of the quiz (past attempts keep it)."""
    quiz = item.quiz
    quiz.items.remove(item)
    wc.renumber(quiz.items)
    db.session.flush()


def move_item(item: QuizItem, direction: str) -> None:
    """Move a fixed question one place up or down."""
    quiz = item.quiz
    wc.move(list(quiz.items), item, direction)
    db.session.flush()
    db.session.expire(quiz, ["items"])


def set_item_points(item: QuizItem, points: float | None) -> None:
    """What the question is worth in this quiz (None: the question's own points)."""
    item.points = _points(points)


def set_item_rules(item: QuizItem, points: float | None, must_pass: bool) -> None:
    """Points in this quiz and whether a wrong answer fails the exam whatever the total
    (attempts already started keep the rule they started with)."""
    set_item_points(item, points)
    item.must_pass = bool(must_pass)
    db.session.flush()


def _points(points: float | None, field: str = "points") -> float | None:
    if points is None:
        return None
    points = float(points)
    if not math.isfinite(points) or not 0 < points <= MAX_POINTS:
        raise DomainError(_l("Points must be more than 0 and at most %(max)d.",
                             max=int(MAX_POINTS)), field)
    return points


def _live_items(quiz: Quiz) -> list[QuizItem]:
    return [item for item in quiz.items if not item.question.archived]


def _check_size(total: int) -> None:
    if total > MAX_QUESTIONS:
        raise DomainError(_l("A quiz asks at most %(max)d questions.", max=MAX_QUESTIONS))


# ---- draw rules ------------------------------------------------------------------------------

def save_draw_rule(quiz: Quiz, rule: QuizDrawRule | None, data: DrawRuleData) -> QuizDrawRule:
    """Add a draw rule (`rule` None) or change one; refused when the bank has fewer matching
    questions than the rule draws (the quiz's fixed questions are never drawn)."""
    values = _rule_values(data)
    _check_pool(quiz, QuizDrawRule(**values))
    others = question_count(quiz) - (rule.count if rule is not None else 0)
    _check_size(others + values["count"])
    if rule is None:
        rule = QuizDrawRule(rank=len(quiz.draw_rules))
        quiz.draw_rules.append(rule)
    for name, value in values.items():
        setattr(rule, name, value)
    db.session.flush()
    return rule


def delete_draw_rule(rule: QuizDrawRule) -> None:
    quiz = rule.quiz
    quiz.draw_rules.remove(rule)
    wc.renumber(quiz.draw_rules)
    db.session.flush()


def _rule_values(data: DrawRuleData) -> dict:
    bank = _get(QuestionBank, data.bank_id)
    if bank is None:
        raise DomainError(_l("Choose a question bank."), "bank_id")
    category = _get(QuestionCategory, data.category_id)
    if data.category_id and (category is None or category.bank_id != bank.id):
        raise DomainError(_l("Choose a category of the chosen bank."), "category_id")
    if data.difficulty is not None and not 1 <= data.difficulty <= 5:
        raise DomainError(_l("Difficulty must be between 1 and 5."), "difficulty")
    if data.count is None or not 1 <= data.count <= MAX_QUESTIONS:
        raise DomainError(_l("Draw between 1 and %(max)d questions.", max=MAX_QUESTIONS),
                          "count")
    tag = clean_text(data.tag, field="tag", label=_l("Tag"), max_length=100, required=False)
    return {"bank_id": bank.id, "category_id": category.id if category else None,
            "tag": tag.strip() if tag else None, "difficulty": data.difficulty,
            "count": data.count, "points": _points(data.points)}


def available_questions(quiz: Quiz, rule: QuizDrawRule) -> int:
    """How many questions the rule may draw from: its bank's matching questions, not
    archived, less the quiz's fixed questions."""
    fixed = {item.question_id for item in quiz.items}
    return sum(1 for question, _version in _candidates(rule) if question.id not in fixed)


def _check_pool(quiz: Quiz, rule: QuizDrawRule) -> None:
    have = available_questions(quiz, rule)
    if have < rule.count:
        raise DomainError(_l("Not enough matching questions: the rule draws %(need)d, but the "
                             "bank has only %(have)d (not counting this quiz's fixed "
                             "questions).", need=rule.count, have=have), "count")

