"""Question banks in the trainer's pages: banks, a bank's questions (filtered, paged), its
category tree, and questions written in the web form.

Versions are append-only: saving a changed question adds version n+1 and moves
`Question.current_version`; a stored version is never modified (attempts reference it).
Services add and flush; the caller commits.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion
from app.services.content.slugs import choose_slug
from app.services.errors import DomainError
from app.services.quiz.data import QuestionData
from app.services.quiz.question_input import CATEGORY, CATEGORY_LENGTH, clean_category_path
from app.services.validation import clean_text, like_contains

PER_PAGE = 20
STATUSES = ("active", "archived", "all")


@dataclass(frozen=True)
class BankRow:
    bank: QuestionBank
    questions: int
    archived: int


@dataclass(frozen=True)
class QuestionFilters:
    """What the bank page shows: "" / None means no filter on that column."""

    category: str = ""
    tag: str = ""
    type: str = ""
    difficulty: int | None = None
    text: str = ""
    status: str = "active"


@dataclass(frozen=True)
class CategoryNode:
    path: str
    depth: int
    own: int    # questions filed directly here (not archived)
    total: int  # with every sub-category

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


# ---- banks -----------------------------------------------------------------------------------

def bank_overview() -> list[BankRow]:
    """Every bank with its numbers of questions and archived questions (one statement)."""
    active = func.coalesce(func.sum(case((Question.archived.is_(False), 1), else_=0)), 0)
    archived = func.coalesce(func.sum(case((Question.archived.is_(True), 1), else_=0)), 0)
    rows = db.session.execute(
        select(QuestionBank, active, archived)
        .outerjoin(Question, Question.bank_id == QuestionBank.id)
        .group_by(QuestionBank.id).order_by(QuestionBank.title, QuestionBank.id))
    return [BankRow(bank, int(count), int(gone)) for bank, count, gone in rows]


def create_bank(title: str | None, slug: str | None = None) -> QuestionBank:
    """A new bank; its address is typed, or made from the title (pinyin for Chinese)."""
    title = clean_text(title, field="title", label=_l("Title"), max_length=200)
    bank = QuestionBank(slug=choose_slug(QuestionBank, None, slug, title, "bank"), title=title)
    db.session.add(bank)
    db.session.flush()
    return bank


# ---- a bank's questions ----------------------------------------------------------------------

def _is_current():
    return and_(QuestionVersion.question_id == Question.id,
                QuestionVersion.number == Question.current_version)


def _contains_tag(tag: str):
    """Question.tags (a JSON list) holds `tag`: matched on the stored JSON text, written
    with or without \\u escapes, so it works alike on SQLite and PostgreSQL."""
    text = cast(Question.tags, Text)
    return or_(*(text.like(like_contains(json.dumps(tag, ensure_ascii=ascii)), escape="\\")
                 for ascii in (True, False)))


def _in_category(bank_id: int, path: str):
    below = like_contains(path)[1:-1] + "/%"
    return Question.category_id.in_(select(QuestionCategory.id).where(
        QuestionCategory.bank_id == bank_id,
        or_(QuestionCategory.path == path, QuestionCategory.path.like(below, escape="\\"))))


def _matches_text(text: str):
    pattern = like_contains(text.strip())
    data = QuestionVersion.data
    return or_(*(data[key].as_string().ilike(pattern, escape="\\")
                 for key in ("stem", "title", "scenario", "explanation")))


def filtered_questions(bank: QuestionBank, filters: QuestionFilters) -> Select:
    """The bank's questions matching `filters`, newest first."""
    query = select(Question).where(Question.bank_id == bank.id)
    if filters.status != "all":
        query = query.where(Question.archived.is_(filters.status == "archived"))
    if filters.type:
        query = query.where(Question.type == filters.type)
    if filters.difficulty:
        query = query.where(Question.difficulty == filters.difficulty)
    if filters.category:
        query = query.where(_in_category(bank.id, filters.category))
    if filters.tag:
        query = query.where(_contains_tag(filters.tag))
    if filters.text.strip():
        query = query.join(QuestionVersion, _is_current()).where(_matches_text(filters.text))
    return query.order_by(Question.id.desc())


def question_page(bank: QuestionBank, filters: QuestionFilters, page: int):
    """A page of questions (categories loaded) and their current versions by question id:
    four statements, whatever the number of questions."""
    pagination = db.paginate(
        filtered_questions(bank, filters).options(selectinload(Question.category)),
        page=page, per_page=PER_PAGE, error_out=False)
    ids = [question.id for question in pagination.items]
    versions = {} if not ids else {v.question_id: QuestionData.from_dict(v.data) for v in
                                   db.session.scalars(select(QuestionVersion).join(
                                       Question, _is_current()).where(Question.id.in_(ids)))}
    return pagination, versions


def bank_tags(bank: QuestionBank) -> list[str]:
    """Every tag used by the bank's questions, sorted."""
    rows = db.session.scalars(select(Question.tags).where(Question.bank_id == bank.id))
    return sorted({tag for tags in rows for tag in (tags or []) if isinstance(tag, str)})


# ---- categories ------------------------------------------------------------------------------

def category_tree(bank: QuestionBank) -> list[CategoryNode]:
    """The bank's categories with implied parents, in tree order, with question counts."""
    own: dict[str, int] = dict(db.session.execute(
        select(QuestionCategory.path, func.count(Question.id))
        .outerjoin(Question, and_(Question.category_id == QuestionCategory.id,
                                  Question.archived.is_(False)))
        .where(QuestionCategory.bank_id == bank.id)
        .group_by(QuestionCategory.id, QuestionCategory.path)).all())
    totals: dict[str, int] = {}
    for path, count in own.items():
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            totals[prefix] = totals.get(prefix, 0) + count
    return [CategoryNode(path, path.count("/"), own.get(path, 0), totals[path])
            for path in sorted(totals, key=lambda p: p.split("/"))]


def _required_path(text: str | None, field: str) -> str:
    path = clean_category_path(text, field)
    if not path:
        raise DomainError(_l("%(label)s is required.", label=CATEGORY), field)
    return path


def _bank_categories(bank_id: int) -> list[QuestionCategory]:
    return list(db.session.scalars(
        select(QuestionCategory).where(QuestionCategory.bank_id == bank_id)))


def add_category(bank: QuestionBank, text: str | None) -> QuestionCategory:
    """A new category path ("top/sub"); its parents are implied."""
    path = _required_path(text, "path")
    if path in {c.path for c in _bank_categories(bank.id)}:
        raise DomainError(_l("The category “%(path)s” already exists.", path=path), "path")
    category = QuestionCategory(bank_id=bank.id, path=path)
    db.session.add(category)
    db.session.flush()
    return category


def rename_category(bank: QuestionBank, old: str | None, new: str | None) -> int:
    """Rename a category and every sub-category under it; the number of paths renamed."""
    old, new = clean_category_path(old, "path"), _required_path(new, "path")
    categories = _bank_categories(bank.id)
    moving = [c for c in categories if c.path == old or c.path.startswith(old + "/")]
    if not old or not moving:
        raise DomainError(_l("There is no category “%(path)s”.", path=old), "path")
    renamed = {c.id: new + c.path[len(old):] for c in moving}
    staying = {c.path for c in categories} - {c.path for c in moving}
    for path in renamed.values():
        if path in staying:
            raise DomainError(_l("The category “%(path)s” already exists.", path=path), "path")
        if len(path) > CATEGORY_LENGTH:
            raise DomainError(_l("The category path is too long (at most %(max)d characters): "
                                 "%(path)s", max=CATEGORY_LENGTH, path=path[:80] + "…"), "path")
    for category in moving:  # via unused names first: "a" → "a/b" may pass through "a/b"
        category.path = f"~{secrets.token_hex(6)}~{category.id}"
    db.session.flush()
    for category in moving:
        category.path = renamed[category.id]
    db.session.flush()
    return len(moving)


def _category(bank_id: int, path: str) -> QuestionCategory | None:
    """The category at `path` (created when missing); None for no category."""
    if not path:
        return None
    category = db.session.scalar(select(QuestionCategory).where(
        QuestionCategory.bank_id == bank_id, QuestionCategory.path == path))
    if category is None:
        category = QuestionCategory(bank_id=bank_id, path=path)
        db.session.add(category)
    return category


# ---- questions -------------------------------------------------------------------------------

def _copy_metadata(question: Question, data: QuestionData) -> None:
    question.type, question.tags = data.type, list(data.tags)
    question.difficulty, question.points = data.difficulty, data.points
    question.category = _category(question.bank_id, data.category)


def create_question(bank: QuestionBank, data: QuestionData) -> Question:
    """A new question with version 1 (`data` already validated by build_question)."""
    question = Question(bank_id=bank.id, current_version=1)
    _copy_metadata(question, data)
    question.versions.append(QuestionVersion(number=1, data=data.to_dict()))
    db.session.add(question)
    db.session.flush()
    return question


def current_version(question: Question) -> QuestionVersion:
    return db.session.execute(select(QuestionVersion).where(
        QuestionVersion.question_id == question.id,
        QuestionVersion.number == question.current_version)).scalar_one()


def save_question(question: Question, data: QuestionData) -> QuestionVersion | None:
    """Add version n+1 when `data` differs from the current version (None: unchanged)."""
    if current_version(question).data == data.to_dict():
        return None
    number = max(v.number for v in question.versions) + 1
    version = QuestionVersion(number=number, data=data.to_dict())
    question.versions.append(version)
    question.current_version = number
    _copy_metadata(question, data)
    db.session.flush()
    return version


def set_question_archived(question: Question, archived: bool) -> None:
    """Archive a question (hidden from the bank's default view, never deleted) or restore it."""
    question.archived = archived
    db.session.flush()
