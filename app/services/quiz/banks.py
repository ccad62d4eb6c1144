"""Import a GIFT, Aiken or Excel file into a question bank, all or nothing; export a bank.

Every imported question becomes a `Question` with `QuestionVersion` 1. A question identical
to a live question of the bank (same type, text, options, answers, feedback, points, tags and
category) is skipped and counted in "skipped": importing the same file twice, or a file with
a few new questions added, adds each question once. A changed question is a new question
(the formats do not say which bank question it replaces; editing happens in the bank).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion
from app.services.content.files import SLUG
from app.services.errors import DomainError
from app.services.importers.report import ImportReport, RowError
from app.services.importers.sources import check_not_empty, decode_text, unsupported_type
from app.services.privacy import pii_message_in
from app.services.quiz.data import TYPE_NAMES, QuestionData
from app.services.quiz.gift_export import GiftExportError, to_gift
from app.services.quiz.importers import ImportResult, parse_aiken, parse_gift
from app.services.quiz.importers.aiken import looks_like_aiken
from app.services.quiz.importers.xlsx import parse_xlsx
from app.services.quiz.xlsx_template import XlsxExportError, export_xlsx

PARSERS = {"gift": parse_gift, "aiken": parse_aiken}
FORMATS = ("gift", "aiken", "xlsx")
EXTENSIONS = {".gift": "gift", ".txt": "gift", ".aiken": "aiken", ".xlsx": "xlsx",
              ".csv": "xlsx", ".xls": "xlsx"}
CATEGORY_LENGTH = 500
STORE_BATCH = 200
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Progress = Callable[[list[QuestionData]], Iterable[QuestionData]]


@dataclass
class QuestionImportReport(ImportReport):
    """The import report plus the count by question type; `as_dict()` is the CLI contract
    (errors by "line": the spreadsheet row for Excel, 0 for the file as a whole)."""

    bank_created: bool = False
    by_type: Counter = field(default_factory=Counter)
    duplicates: int = 0  # of `skipped`: already in the bank as they are

    @property
    def imported(self) -> int:
        return sum(self.by_type.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "by_type": {name: self.by_type[name] for name in TYPE_NAMES if self.by_type[name]},
            "skipped": self.skipped,
            "errors": self.errors_as_dicts("line"),
        }


def import_questions(bank_slug: str, filename: str, data: bytes, fmt: str | None, *,
                     dry_run: bool, progress: Progress | None = None) -> QuestionImportReport:
    """Parse `data` and add every question to the bank `bank_slug` (created when missing).

    Any error → nothing is added and every error is reported with its line (line 0: the
    file as a whole; for Excel, the spreadsheet row). Adds and flushes only; the caller
    commits (or rolls back). `progress`, when given, wraps the list of questions being
    stored (e.g. in a progress bar) and yields them back.
    """
    report = QuestionImportReport(dry_run=dry_run)
    try:
        result = _parse(bank_slug, filename, data, fmt)
    except DomainError as exc:
        report.errors.append(RowError(0, exc.message))
        return report
    report.skipped, report.rows = result.skipped, len(result.questions)
    report.errors = (list(result.errors) or _check_categories(result.questions)
                     or _check_privacy(result.questions))
    if not report.errors and not result.questions:
        report.errors.append(RowError(0, _l("The file contains no questions.")))
    if report.errors:
        return report
    fresh = _not_in_bank(bank_slug, result.questions)
    report.duplicates = len(result.questions) - len(fresh)
    report.skipped += report.duplicates
    report.by_type.update(question.type for question in fresh)
    if not dry_run:
        report.bank_created = _store(bank_slug, fresh, progress)
    return report


def _fingerprint(question: QuestionData) -> str:
    data = replace(question, category=_category_path(question)).to_dict()
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def _not_in_bank(bank_slug: str, questions: list[QuestionData]) -> list[QuestionData]:
    """The questions that are not already in the bank as they are (a repeat within the file
    is kept: the author wrote it twice)."""
    bank_id = db.session.scalar(select(QuestionBank.id).where(QuestionBank.slug == bank_slug))
    if bank_id is None:
        return list(questions)
    stored = {_fingerprint(q) for q in bank_questions(bank_id)}
    return [q for q in questions if _fingerprint(q) not in stored]


def guess_format(filename: str) -> str:
    """The format named by the file's extension; DomainError when it names none."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise unsupported_type(suffix, tuple(EXTENSIONS))
    return EXTENSIONS[suffix]


def _parse(bank_slug: str, filename: str, data: bytes, fmt: str | None) -> ImportResult:
    if not SLUG.match(bank_slug or ""):
        raise DomainError(_l("The bank slug must be lowercase letters, digits and hyphens "
                             "(at most 80), starting with a letter or digit."))
    guessed = fmt is None
    fmt = (fmt or guess_format(filename)).lower()
    if fmt not in FORMATS:
        raise DomainError(_l("Unknown question format '%(format)s': use gift, aiken or xlsx.",
                             format=fmt))
    check_not_empty(data)
    if fmt == "xlsx":
        return parse_xlsx(data, filename)
    text = decode_text(data)
    if "\x00" in text:
        raise DomainError(_l("This is not a text file."))
    if guessed and fmt == "gift" and looks_like_aiken(text):
        fmt = "aiken"  # an Aiken file saved as .txt: its ANSWER lines tell
    return PARSERS[fmt](text)


def _check_categories(questions: list[QuestionData]) -> list[RowError]:
    too_long = sorted({_category_path(q) for q in questions
                       if len(_category_path(q)) > CATEGORY_LENGTH})
    return [RowError(0, _l("The category path is too long (at most %(max)d characters): "
                            "%(path)s", max=CATEGORY_LENGTH, path=path[:80] + "…"))
            for path in too_long]


def _check_privacy(questions: list[QuestionData]) -> list[RowError]:
    """Questions quoting a phone or ID-card number (docs/privacy.md), by their number."""
    found = ((number, pii_message_in(question.to_dict(), _l("Question %(n)d", n=number)))
             for number, question in enumerate(questions, start=1))
    return [RowError(0, message) for _number, message in found if message is not None]


def _category_path(question: QuestionData) -> str:
    """"top/sub" without empty parts or stray spaces ("" when there is no category)."""
    return "/".join(part.strip() for part in question.category.split("/") if part.strip())


def _store(bank_slug: str, questions: list[QuestionData], progress: Progress | None) -> bool:
    """Add the questions (version 1 each); True when the bank had to be created."""
    bank = db.session.execute(
        select(QuestionBank).where(QuestionBank.slug == bank_slug)).scalar_one_or_none()
    created = bank is None
    if created:
        bank = QuestionBank(slug=bank_slug, title=bank_slug)
        db.session.add(bank)
        db.session.flush()
    categories = _categories(bank, {_category_path(q) for q in questions} - {""})
    for number, data in enumerate(progress(questions) if progress else questions, start=1):
        question = Question(bank=bank, category=categories.get(_category_path(data)),
                            type=data.type, current_version=1, tags=list(data.tags),
                            difficulty=data.difficulty, points=data.points)
        question.versions.append(QuestionVersion(number=1, data=data.to_dict()))
        db.session.add(question)
        if number % STORE_BATCH == 0:
            db.session.flush()
    db.session.flush()
    return created


def _categories(bank: QuestionBank, paths: set[str]) -> dict[str, QuestionCategory]:
    """The bank's categories for `paths`, created when missing."""
    existing = {c.path: c for c in db.session.execute(
        select(QuestionCategory).where(QuestionCategory.bank_id == bank.id)).scalars()}
    for path in sorted(paths - set(existing)):
        existing[path] = QuestionCategory(bank_id=bank.id, path=path)
        db.session.add(existing[path])
    return existing


def find_bank(slug: str) -> QuestionBank:
    """The bank called `slug`; DomainError when there is none."""
    bank = db.session.execute(
        select(QuestionBank).where(QuestionBank.slug == slug)).scalar_one_or_none()
    if bank is None:
        raise DomainError(_l("There is no question bank “%(bank)s”.", bank=slug))
    return bank


def bank_questions(bank_id: int) -> list[QuestionData]:
    """The current version of every non-archived question of the bank, in id order, with
    the category path taken from the question's category."""
    rows = db.session.execute(
        select(QuestionVersion.data, QuestionCategory.path)
        .join(Question, Question.id == QuestionVersion.question_id)
        .outerjoin(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(Question.bank_id == bank_id, Question.archived.is_(False),
               QuestionVersion.number == Question.current_version)
        .order_by(Question.id)).all()
    return [replace(QuestionData.from_dict(data), category=path or "") for data, path in rows]


def export_bank(bank_id: int, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) of the bank as GIFT (UTF-8) or Excel."""
    bank = db.session.get(QuestionBank, bank_id)
    if bank is None:
        raise DomainError(_l("There is no such question bank."))
    if fmt not in ("gift", "xlsx"):
        raise DomainError(_l("Unknown export format '%(format)s': use gift or xlsx.",
                             format=fmt))
    questions = bank_questions(bank_id)
    try:
        if fmt == "gift":
            content = to_gift(questions).encode("utf-8")
            return content, f"{bank.slug}.gift", "text/plain"
        return export_xlsx(questions), f"{bank.slug}.xlsx", XLSX_MIMETYPE
    except (GiftExportError, XlsxExportError) as exc:
        raise DomainError(_l("The bank holds a question that cannot be exported: %(reason)s",
                             reason=str(exc))) from None
