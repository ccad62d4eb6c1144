"""What the quiz editor chooses from: questions of one bank or every bank (filtered, paged;
the picker opens on the quiz's own bank, see default_bank_id), banks,
categories, courses and SOP modules; and the quiz's own fixed questions with their text."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Select, Text, and_, cast, false, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Course,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
    SopModule,
)
from app.models.quiz import Quiz, QuizDrawRule, QuizItem
from app.services.validation import like_contains

PER_PAGE = 20
MAX_ID = 2**63 - 1
SEARCHED = ("stem", "title", "scenario", "explanation")


@dataclass(frozen=True)
class PickerFilters:
    """What the picker shows; None / "" means no filter on that column."""

    bank_id: int | None = None
    category_id: int | None = None  # with its sub-categories
    tag: str = ""
    type: str = ""
    difficulty: int | None = None
    text: str = ""


def _current():
    return and_(QuestionVersion.question_id == Question.id,
                QuestionVersion.number == Question.current_version)


def _has_tag(tag: str):
    """Question.tags (a JSON list) holds `tag`, matched on the stored JSON text written with
    or without \\u escapes (alike on SQLite and PostgreSQL)."""
    text = cast(Question.tags, Text)
    return or_(*(text.like(like_contains(json.dumps(tag, ensure_ascii=ascii)), escape="\\")
                 for ascii in (True, False)))


def _in_category(category_id: int):
    category = db.session.get(QuestionCategory, category_id)
    if category is None:
        return Question.id.is_(None)
    below = like_contains(category.path)[1:-1] + "/%"
    return Question.category_id.in_(select(QuestionCategory.id).where(
        QuestionCategory.bank_id == category.bank_id,
        or_(QuestionCategory.path == category.path,
            QuestionCategory.path.like(below, escape="\\"))))


def picker_query(filters: PickerFilters) -> Select:
    """Questions that are not archived and match `filters`, by bank, newest first."""
    query = select(Question).where(Question.archived.is_(False))
    numbers = (filters.bank_id, filters.category_id, filters.difficulty)
    if any(n is not None and not -MAX_ID <= n <= MAX_ID for n in numbers):
        return query.where(false())  # no column holds such a number
    if filters.bank_id:
        query = query.where(Question.bank_id == filters.bank_id)
    if filters.category_id:
        query = query.where(_in_category(filters.category_id))
    if filters.type:
        query = query.where(Question.type == filters.type)
    if filters.difficulty:
        query = query.where(Question.difficulty == filters.difficulty)
    if filters.tag.strip():
        query = query.where(_has_tag(filters.tag.strip()))
    if filters.text.strip():
        pattern = like_contains(filters.text.strip())
        query = query.join(QuestionVersion, _current()).where(or_(*(
            QuestionVersion.data[key].as_string().ilike(pattern, escape="\\")
            for key in SEARCHED)))
    return query.order_by(Question.bank_id, Question.id.desc())


def picker_page(filters: PickerFilters, page: int):
    """A page of matching questions (bank and category loaded) and their current version
    data by question id: a constant number of statements."""
    pagination = db.paginate(
        picker_query(filters).options(selectinload(Question.bank),
                                      selectinload(Question.category)),
        page=page, per_page=PER_PAGE, error_out=False)
    ids = [question.id for question in pagination.items]
    versions = {} if not ids else {
        version.question_id: version.data for version in db.session.scalars(
            select(QuestionVersion).join(Question, _current()).where(Question.id.in_(ids)))}
    return pagination, versions


def default_bank_id(quiz: Quiz) -> int | None:
    """The bank the picker opens on (one statement): the bank of the question last added to
    the quiz, else of its newest draw rule, else the bank that last got a new question (where
    the trainer was just writing or importing); None when there is no question at all."""
    last_item = (select(Question.bank_id).join(QuizItem, QuizItem.question_id == Question.id)
                 .where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.id.desc()).limit(1))
    last_rule = (select(QuizDrawRule.bank_id).where(QuizDrawRule.quiz_id == quiz.id)
                 .order_by(QuizDrawRule.id.desc()).limit(1))
    newest = (select(Question.bank_id).where(Question.archived.is_(False))
              .order_by(Question.id.desc()).limit(1))
    return db.session.scalar(select(func.coalesce(last_item.scalar_subquery(),
                                                  last_rule.scalar_subquery(),
                                                  newest.scalar_subquery())))


def banks() -> list[QuestionBank]:
    return list(db.session.scalars(select(QuestionBank).order_by(QuestionBank.title,
                                                                 QuestionBank.id)))


def categories(bank_id: int | None = None) -> list[tuple[QuestionCategory, str]]:
    """Every category (of the bank `bank_id` when given) with its bank's title, by bank and
    path."""
    query = (select(QuestionCategory, QuestionBank.title)
             .join(QuestionBank, QuestionBank.id == QuestionCategory.bank_id)
             .order_by(QuestionBank.title, QuestionBank.id, QuestionCategory.path))
    if bank_id is not None and -MAX_ID <= bank_id <= MAX_ID:
        query = query.where(QuestionCategory.bank_id == bank_id)
    return list(db.session.execute(query).all())


def courses_and_modules() -> tuple[list[Course], list[SopModule]]:
    """What a quiz may be attached to, by title."""
    return (list(db.session.scalars(select(Course).order_by(Course.title, Course.id))),
            list(db.session.scalars(select(SopModule).order_by(SopModule.title, SopModule.id))))


def fixed_questions(quiz: Quiz) -> list[tuple[QuizItem, Question, dict]]:
    """The quiz's fixed questions in order, each with its question (bank loaded) and the
    data of its current version (archived questions included: they are not asked)."""
    return list(db.session.execute(
        select(QuizItem, Question, QuestionVersion.data)
        .join(Question, Question.id == QuizItem.question_id)
        .join(QuestionVersion, _current())
        .options(selectinload(Question.bank))
        .where(QuizItem.quiz_id == quiz.id).order_by(QuizItem.rank, QuizItem.id)).all())
