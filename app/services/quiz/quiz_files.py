"""The quizzes of the shipped curriculum: courses/<slug>/quiz.toml and the [[questions]] of
sop/<slug>.toml, read and checked (every problem names its file and line) into QuizFile plans.

A course's quiz is called "course-<slug>", an SOP module's "sop-<slug>"; each has a question
bank of the same slug. A question is identified by its `key` (default: q1, q2… by position),
so editing a question's text makes a new version of the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.services.content.file_plans import SyncError
from app.services.content.files import SLUG
from app.services.content.publishing import digest
from app.services.content.source_file import SourceFile
from app.services.quiz.data import QuestionData, QuestionError
from app.services.quiz.toml_questions import question_from_table

SETTING_KEYS = {"title", "description", "mode", "pass_percent", "time_limit_minutes",
                "max_attempts", "cooldown_minutes", "grading_method", "review",
                "shuffle_questions", "shuffle_options"}


@dataclass
class QuizFile:
    slug: str
    path: str
    owner: str  # "course" | "sop"
    owner_slug: str
    settings: dict
    questions: list[tuple[str, QuestionData]] = field(default_factory=list)
    must_pass: set[str] = field(default_factory=set)  # keys of the must-pass questions
    steps: dict[str, str] = field(default_factory=dict)  # question key → its SOP step's key

    @property
    def digest(self) -> str:
        snapshot = {"settings": self.settings, "owner": [self.owner, self.owner_slug],
                    "questions": [[key, q.to_dict()] for key, q in self.questions]}
        if self.must_pass:  # absent when unused: older files keep their digest
            snapshot["must_pass"] = sorted(self.must_pass)
        if self.steps:
            snapshot["steps"] = sorted(self.steps.items())
        return digest(snapshot)


def read_quiz_files(root: Path, courses_dir: Path, sop_dir: Path,
                    errors: list[SyncError]) -> list[QuizFile]:
    """Every course quiz.toml and every SOP file with [[questions]]."""
    found: list[QuizFile | None] = []
    if courses_dir.is_dir():
        for folder in sorted(courses_dir.iterdir()):
            if (folder / "quiz.toml").is_file() and SLUG.match(folder.name):
                found.append(_read(folder / "quiz.toml", root, "course", folder.name, errors))
    if sop_dir.is_dir():
        for path in sorted(sop_dir.glob("*.toml")):
            if SLUG.match(path.stem):
                found.append(_read(path, root, "sop", path.stem, errors))
    return [quiz for quiz in found if quiz is not None and quiz.questions]


def _read(path: Path, root: Path, owner: str, owner_slug: str,
          errors: list[SyncError]) -> QuizFile | None:
    src = SourceFile(path, root, errors)
    data = src.toml()
    if data is None:
        return None
    if owner == "course":
        settings = {k: v for k, v in data.items() if k != "questions"}
        where = 0
    else:
        settings = data.get("quiz", {})
        where = src.table_lines("quiz")[0] if src.table_lines("quiz") else 1
    if not isinstance(settings, dict):
        src.error(src.line_of("quiz"), _l("'quiz' must be a table of settings"))
        return None
    for key in settings:
        if key not in SETTING_KEYS:
            src.error(src.line_of(key, where), _l("unknown key '%(key)s'", key=key))
    quiz = QuizFile(slug=f"{owner}-{owner_slug}"[:80], path=src.name, owner=owner,
                    owner_slug=owner_slug, settings=settings)
    raw_questions = data.get("questions", [])
    if not isinstance(raw_questions, list):
        src.error(src.line_of("questions"), _l("'questions' must be a list of [[questions]]"))
        return None
    headers = src.table_lines("questions")
    step_keys = _step_keys(data) if owner == "sop" else None
    for index, raw in enumerate(raw_questions):
        at = headers[index] if index < len(headers) else 1
        _question(src, quiz, raw, index, at, step_keys)
    if owner == "course" and not quiz.questions and not any(e.file == src.name for e in errors):
        src.error(1, _l("quiz.toml has no [[questions]]"))
    return quiz


def _step_keys(data: dict) -> set[str]:
    """The step keys of an SOP file, as the module's reader gives them (default s1, s2…)."""
    steps = data.get("steps", [])
    steps = steps if isinstance(steps, list) else []
    return {(raw.get("key") if isinstance(raw, dict) else None) or f"s{index + 1}"
            for index, raw in enumerate(steps)}


def _step_of(src: SourceFile, raw: dict, at: int, step_keys: set[str] | None):
    """The question's `step` (SOP files only): one of the module's step keys. False: refused."""
    step = raw.get("step")
    if step is None:
        return None
    if step_keys is None:
        src.error(src.line_of("step", at), _l("'step' is for the questions of an SOP file"))
        return False
    if not isinstance(step, str) or step not in step_keys:
        src.error(src.line_of("step", at), _l(
            "'step' must be the key of one of this SOP's steps (%(keys)s)",
            keys=", ".join(sorted(step_keys))))
        return False
    return step


def _question(src: SourceFile, quiz: QuizFile, raw, index: int, at: int,
              step_keys: set[str] | None = None) -> None:
    if not isinstance(raw, dict):
        src.error(at, _l("each [[questions]] must be a table"))
        return
    key = raw.get("key", f"q{index + 1}")
    if not isinstance(key, str) or not SLUG.match(key):
        src.error(src.line_of("key", at), _l("a question key is lowercase letters, digits "
                                             "and '-'"))
        return
    if any(key == other for other, _data in quiz.questions):
        src.error(src.line_of("key", at), _l("question key '%(key)s' is used twice", key=key))
        return
    must_pass = raw.get("must_pass", False)
    if not isinstance(must_pass, bool):
        src.error(src.line_of("must_pass", at), _l("'must_pass' is true or false"))
        return
    step = _step_of(src, raw, at, step_keys)
    if step is False:
        return
    try:
        quiz.questions.append((key, question_from_table(
            {name: value for name, value in raw.items() if name not in ("must_pass", "step")})))
        if must_pass:
            quiz.must_pass.add(key)
        if step:
            quiz.steps[key] = step
    except QuestionError as error:
        name = _key_of(error.field or "")
        line = src.line_of(name, at) if name in raw else at
        src.error(line, error.message)


PAYLOAD_KEYS = {"answers": "answer", "items": "options"}


def _key_of(field_name: str) -> str:
    """The file key a QuestionError field points at ("payload.answers[1]" → "answer")."""
    parts = [part.split("[")[0] for part in field_name.split(".")]
    if parts[0] == "payload" and len(parts) > 1:
        return PAYLOAD_KEYS.get(parts[1], parts[1])
    return parts[0]
