"""Load the curriculum's quizzes (see quiz_files.py) into banks and published quizzes.

Idempotent: an unchanged file changes nothing. A changed question gets a new version (past
attempts keep theirs); a question removed from the file is archived, never deleted.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from app.extensions import db
from app.models import (
    Course,
    Question,
    QuestionBank,
    QuestionVersion,
    Quiz,
    QuizItem,
    SopModule,
)
from app.services.content.file_plans import SyncError
from app.services.errors import DomainError
from app.services.quiz.quiz_files import SETTING_KEYS, QuizFile
from app.services.quiz.quizzes import check_settings

DEFAULTS = {"mode": "exam", "pass_percent": 60.0, "time_limit_minutes": None,
            "max_attempts": None, "cooldown_minutes": 0, "grading_method": "highest",
            "review": "immediately", "shuffle_questions": False, "shuffle_options": True,
            "description": ""}


def check_quiz_files(files: list[QuizFile], errors: list[SyncError]) -> None:
    """Refuse settings that make no sense and slugs taken by quizzes made on the web."""
    web = set(db.session.scalars(select(Quiz.slug).where(Quiz.source == "web")))
    for quiz_file in files:
        if quiz_file.slug in web:
            errors.append(SyncError(quiz_file.path, 0, str(_l(
                "slug '%(slug)s' is already used by content created in the web editor",
                slug=quiz_file.slug))))
        try:
            check_settings(_settings_only(quiz_file))
        except DomainError as error:
            errors.append(SyncError(quiz_file.path, 0, str(error.message)))
        except TypeError:
            errors.append(SyncError(quiz_file.path, 0, str(_l(
                "a quiz setting has the wrong kind of value (see docs/content-format.md)"))))


def _settings_only(quiz_file: QuizFile) -> Quiz:
    """The file's settings on an unsaved Quiz; TypeError for a value of the wrong type."""
    values = {**DEFAULTS, **{k: v for k, v in quiz_file.settings.items()
                             if k in SETTING_KEYS}}
    kinds = {"title": str, "description": str, "mode": str, "grading_method": str,
             "review": str, "pass_percent": int | float, "cooldown_minutes": int,
             "time_limit_minutes": int | None, "max_attempts": int | None,
             "shuffle_questions": bool, "shuffle_options": bool}
    for key, kind in kinds.items():
        value = values.get(key)
        if key in values and (not isinstance(value, kind) or (
                isinstance(value, bool) and kind is not bool)):
            raise TypeError(key)
    return Quiz(**values)


def sync_quizzes(files: list[QuizFile], counts) -> None:
    """Create or update each quiz, its bank and its questions; `counts` gets
    created/updated/unchanged."""
    for quiz_file in files:
        quiz = db.session.scalar(select(Quiz).where(Quiz.slug == quiz_file.slug))
        if quiz is not None and quiz.source_hash == quiz_file.digest:
            counts.unchanged += 1
            continue
        if quiz is None:
            quiz = Quiz(slug=quiz_file.slug, source="file", published=True)
            counts.created += 1
        else:
            counts.updated += 1
        _apply(quiz, quiz_file)


def _apply(quiz: Quiz, quiz_file: QuizFile) -> None:
    owner_title = _attach(quiz, quiz_file)
    title = quiz_file.settings.get("title") or str(_l("%(title)s · quiz", title=owner_title))
    for key, value in {**DEFAULTS, **quiz_file.settings, "title": title}.items():
        setattr(quiz, key, value)
    quiz.pass_percent = float(quiz.pass_percent)
    quiz.source_hash, quiz.archived = quiz_file.digest, False
    bank = _bank(quiz_file.slug, title)
    questions = _questions(bank, quiz_file)
    by_question = {item.question_id: item for item in quiz.items}
    quiz.items = [by_question.get(q.id) or QuizItem(question=q) for q in questions]
    keys = [key for key, _data in quiz_file.questions]
    for rank, (item, key) in enumerate(zip(quiz.items, keys, strict=True)):
        item.rank, item.must_pass = rank, key in quiz_file.must_pass
        item.step_key = quiz_file.steps.get(key)
    db.session.add(quiz)
    db.session.flush()


def _attach(quiz: Quiz, quiz_file: QuizFile) -> str:
    if quiz_file.owner == "course":
        course = db.session.scalar(select(Course).where(Course.slug == quiz_file.owner_slug))
        quiz.course_id, quiz.sop_module_id = course.id, None
        return course.title
    module = db.session.scalar(select(SopModule).where(SopModule.slug == quiz_file.owner_slug))
    quiz.course_id, quiz.sop_module_id = None, module.id
    return module.title


def _bank(slug: str, title: str) -> QuestionBank:
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.slug == slug))
    if bank is None:
        bank = QuestionBank(slug=slug, title=title)
        db.session.add(bank)
        db.session.flush()
    bank.title = title
    return bank


def _questions(bank: QuestionBank, quiz_file: QuizFile) -> list[Question]:
    prefix = f"{quiz_file.slug}#"
    existing = {q.source_key: (q, v) for q, v in db.session.execute(
        select(Question, QuestionVersion).join(QuestionVersion, and_(
            QuestionVersion.question_id == Question.id,
            QuestionVersion.number == Question.current_version))
        .where(Question.bank_id == bank.id, Question.source_key.startswith(prefix)))}
    result = []
    for key, data in quiz_file.questions:
        question, version = existing.pop(prefix + key, (None, None))
        if question is None:
            question = Question(bank=bank, source_key=prefix + key, type=data.type,
                                current_version=0)
            db.session.add(question)
        if version is None or version.data != data.to_dict():
            question.current_version += 1
            question.versions.append(QuestionVersion(number=question.current_version,
                                                     data=data.to_dict()))
        question.type, question.tags = data.type, list(data.tags)
        question.difficulty, question.points, question.archived = (data.difficulty,
                                                                   data.points, False)
        result.append(question)
    for question, _version in existing.values():
        question.archived = True
    db.session.flush()
    return result
