"""Read courses/ and sop/ into checked plans; every problem names its file and line."""

from __future__ import annotations

import re
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.services.assign.reack import DEFAULT_DAYS as REACK_DAYS
from app.services.certificate_validity import MAX_MONTHS
from app.services.content.file_plans import (
    CourseFile,
    LessonFile,
    SopModuleFile,
    StepFile,
    SyncError,
)
from app.services.content.source_file import SourceFile
from app.services.errors import DomainError
from app.services.practice.rubric import clean_rubric
from app.services.practice.timing import TIMING_FROM  # the first is the default

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]{0,70})\.md$")
EVIDENCE_TYPES = ("none", "text", "number", "link", "photo")
COURSE_KEYS = {"title", "summary", "order", "audience_positions", "audience_departments",
               "tags", "chapters", "change_note", "validity_months", "recert_days"}
SOP_KEYS = {"title", "owner_position", "purpose", "summary", "audience_positions",
            "audience_departments", "order", "tags", "steps", "questions", "quiz", "change_note",
            "requires_reacknowledgement", "reacknowledge_within_days", "rubric",
            "validity_months", "recert_days"}
STEP_KEYS = {"key", "title", "position", "timing", "timing_from", "evidence", "evidence_hint",
             "evidence_label", "evidence_unit", "instructions", "script", "key_points"}


def _text(src: SourceFile, data: dict, key: str, *, required=False, max_length=None,
          after: int = 0) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        src.error(src.line_of(key, after), _l("'%(key)s' must be text", key=key))
        return ""
    if required and not value.strip():
        src.error(src.line_of(key, after) if key in data else after or 1,
                  _l("'%(key)s' is required", key=key))
    if max_length and len(value) > max_length:
        src.error(src.line_of(key, after),
                  _l("'%(key)s' is longer than %(max)d characters", key=key, max=max_length))
    return value.strip() if max_length else value


def _names(src: SourceFile, data: dict, key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        src.error(src.line_of(key), _l("'%(key)s' must be a list of names", key=key))
        return []
    return [v.strip() for v in value]


def _int(src: SourceFile, data: dict, key: str) -> int:
    value = data.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool):
        src.error(src.line_of(key), _l("'%(key)s' must be a whole number", key=key))
        return 0
    return value


def _validity(src: SourceFile, data: dict) -> dict:
    """validity_months (1..MAX_MONTHS) and recert_days (1..365), each optional."""
    found = {}
    for key, high in (("validity_months", MAX_MONTHS), ("recert_days", 365)):
        value = found[key] = data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 1 <= value <= high):
            src.error(src.line_of(key), _l("'%(key)s' must be a whole number from 1 to "
                                           "%(high)d", key=key, high=high))
            found[key] = None
    return found


def _unknown_keys(src: SourceFile, data: dict, allowed: set[str], after: int = 0) -> None:
    for key in data:
        if key not in allowed:
            src.error(src.line_of(key, after), _l("unknown key '%(key)s'", key=key))


def read_course(folder: Path, root: Path, errors: list[SyncError]) -> CourseFile | None:
    """Parse courses/<slug>/ (course.toml and NN-lesson.md files)."""
    manifest = folder / "course.toml"
    if not SLUG.match(folder.name):
        errors.append(SyncError(folder.relative_to(root).as_posix(), 0, str(_l(
            "folder name must be lowercase letters, digits and '-'"))))
        return None
    if not manifest.is_file():
        errors.append(SyncError(manifest.relative_to(root).as_posix(), 0,
                                str(_l("course.toml is missing"))))
        return None
    src = SourceFile(manifest, root, errors)
    data = src.toml()
    if data is None:
        return None
    _unknown_keys(src, data, COURSE_KEYS)
    lessons = _read_lessons(folder, root, errors)
    course = CourseFile(
        slug=folder.name, path=src.name, title=_text(src, data, "title", required=True,
                                                     max_length=200),
        summary=_text(src, data, "summary"), order=_int(src, data, "order"),
        positions=_names(src, data, "audience_positions"),
        departments=_names(src, data, "audience_departments"),
        change_note=_text(src, data, "change_note"), chapters=[], **_validity(src, data),
    )
    course.chapters = _chapters(src, data, lessons, course.title)
    if not lessons:
        src.error(1, _l("the course has no lesson files (NN-name.md)"))
    return course


def _read_lessons(folder: Path, root: Path, errors: list[SyncError]) -> dict[str, LessonFile]:
    lessons: dict[str, LessonFile] = {}
    for path in sorted(folder.glob("*.md")):
        src = SourceFile(path, root, errors)
        match = LESSON_FILE.match(path.name)
        if not match:
            src.error(1, _l("lesson file names look like '01-lesson-name.md'"))
            continue
        first = src.lines[0] if src.lines else ""
        if not first.startswith("# ") or not first[2:].strip():
            src.error(1, _l("the first line must be the lesson title, starting with '# '"))
            continue
        title = first[2:].strip()
        if len(title) > 200:
            src.error(1, _l("the lesson title is longer than 200 characters"))
        body = "\n".join(src.lines[1:]).strip("\n") + "\n"
        lessons[path.stem] = LessonFile(key=match.group(2), title=title, body=body,
                                        path=src.name)
    return lessons


def _chapters(src: SourceFile, data: dict, lessons: dict[str, LessonFile], default_title: str):
    raw = data.get("chapters")
    if raw is None:
        return [(default_title, list(lessons.values()))]
    headers = src.table_lines("chapters")
    if not isinstance(raw, list):
        src.error(src.line_of("chapters"), _l("'chapters' must be a list of [[chapters]]"))
        return []
    chapters, used = [], set()
    for index, chapter in enumerate(raw):
        at = headers[index] if index < len(headers) else 1
        title = _text(src, chapter, "title", required=True, max_length=200, after=at)
        names = chapter.get("lessons", [])
        if not isinstance(names, list) or not names:
            src.error(src.line_of("lessons", at), _l("each chapter needs a list of lessons"))
            continue
        chapter_lessons = []
        for name in names:
            name = str(name).removesuffix(".md")
            if name not in lessons:
                src.error(src.line_of("lessons", at),
                          _l("lesson file '%(name)s.md' does not exist", name=name))
            elif name in used:
                src.error(src.line_of("lessons", at),
                          _l("lesson '%(name)s' is listed twice", name=name))
            else:
                used.add(name)
                chapter_lessons.append(lessons[name])
        chapters.append((title, chapter_lessons))
    for name in lessons.keys() - used:
        src.error(src.line_of("chapters"),
                  _l("lesson file '%(name)s.md' is in no chapter", name=name))
    return chapters


def read_sop_module(path: Path, root: Path, errors: list[SyncError]) -> SopModuleFile | None:
    """Parse sop/<slug>.toml."""
    src = SourceFile(path, root, errors)
    if not SLUG.match(path.stem):
        src.error(0, _l("file name must be lowercase letters, digits and '-'"))
        return None
    data = src.toml()
    if data is None:
        return None
    _unknown_keys(src, data, SOP_KEYS)
    sop_module = SopModuleFile(
        slug=path.stem, path=src.name,
        title=_text(src, data, "title", required=True, max_length=200),
        owner_position=_text(src, data, "owner_position", max_length=50) or None,
        purpose=_text(src, data, "purpose") or _text(src, data, "summary"),
        positions=_names(src, data, "audience_positions"),
        departments=_names(src, data, "audience_departments"),
        order=_int(src, data, "order"), change_note=_text(src, data, "change_note"),
        requires_reack=bool(data.get("requires_reacknowledgement", False)),
        reack_days=_reack_days(src, data), rubric=_rubric(src, data), **_validity(src, data),
    )
    steps = data.get("steps", [])
    if not isinstance(steps, list) or not steps:
        src.error(src.line_of("steps") if "steps" in data else 1,
                  _l("an SOP module needs at least one [[steps]]"))
        return sop_module
    headers = src.table_lines("steps")
    for index, raw in enumerate(steps):
        at = headers[index] if index < len(headers) else 1
        step = _step(src, raw, index, at)
        if any(other.key == step.key for other in sop_module.steps):
            src.error(src.line_of("key", at), _l("step key '%(key)s' is used twice", key=step.key))
        sop_module.steps.append(step)
    return sop_module


def _reack_days(src: SourceFile, data: dict) -> int:
    key = "reacknowledge_within_days"
    value = data.get(key, REACK_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 365:
        src.error(src.line_of(key),
                  _l("'%(key)s' must be a whole number from 1 to 365", key=key))
        return REACK_DAYS
    return value


def _rubric(src: SourceFile, data: dict) -> list[str] | None:
    """`rubric = ["…"]`: the module's review criteria (checked as in the web editor)."""
    if "rubric" not in data:
        return None
    value = data["rubric"]
    try:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DomainError(_l("'%(key)s' must be a list of names", key="rubric"))
        return clean_rubric(value)
    except DomainError as error:
        src.error(src.line_of("rubric"), error)
        return None


def _step(src: SourceFile, raw: dict, index: int, at: int) -> StepFile:
    _unknown_keys(src, raw, STEP_KEYS, after=at)
    evidence = raw.get("evidence", "none")
    if evidence not in EVIDENCE_TYPES:
        src.error(src.line_of("evidence", at),
                  _l("evidence must be one of %(types)s", types=", ".join(EVIDENCE_TYPES)))
    key_points = raw.get("key_points", [])
    if not isinstance(key_points, list) or not all(
        isinstance(p, dict) and isinstance(p.get("point"), str) for p in key_points
    ):
        src.error(src.line_of("key_points", at),
                  _l("key_points must be a list of {point = ..., synonyms = [...]}"))
        key_points = []
    timing_from = raw.get("timing_from", TIMING_FROM[0])
    if timing_from not in TIMING_FROM:
        src.error(src.line_of("timing_from", at),
                  _l("timing_from must be one of %(values)s", values=", ".join(TIMING_FROM)))
        timing_from = TIMING_FROM[0]
    key = raw.get("key") or f"s{index + 1}"
    if not isinstance(key, str) or not SLUG.match(key):
        src.error(src.line_of("key", at), _l("a step key is lowercase letters, digits and '-'"))
        key = f"s{index + 1}"
    return StepFile(
        key=key, title=_text(src, raw, "title", required=True, max_length=200, after=at),
        position=_text(src, raw, "position", max_length=50, after=at) or None,
        timing=_text(src, raw, "timing", max_length=100, after=at), timing_from=timing_from,
        evidence=evidence if evidence in EVIDENCE_TYPES else "none",
        evidence_hint=_text(src, raw, "evidence_hint", max_length=300, after=at),
        evidence_label=_text(src, raw, "evidence_label", max_length=60, after=at),
        evidence_unit=_text(src, raw, "evidence_unit", max_length=20, after=at),
        instructions=_text(src, raw, "instructions", after=at),
        script=_text(src, raw, "script", after=at).strip(),
        key_points=[{"point": p["point"], "synonyms": [str(s) for s in p.get("synonyms", [])]}
                    for p in key_points],
    )
