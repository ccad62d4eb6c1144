"""`flask coach lint`: the term checker over the shipped curriculum, naming file and line.

Lessons (courses/*/NN-*.md) and an SOP's purpose and step instructions are course material:
they are checked in teaching mode (quoted examples and lines marked ❌ show what not to say).
Step scripts (话术) are replies and are checked as such. A key point of a step that its own
script does not contain is a warning, never a failure: the script may say it in other words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.services.coach.key_points import check_key_points
from app.services.coach.model import Finding
from app.services.coach.terms import TermBook, find_terms, load_terms
from app.services.content.file_plans import SyncError
from app.services.content.files import LESSON_FILE, read_sop_module
from app.services.content.source_file import SourceFile


@dataclass(frozen=True)
class LintFinding:
    file: str
    line: int
    column: int
    where: str  # lesson | purpose | instructions | script
    finding: Finding

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column,
                "where": self.where, **self.finding.as_contract()}


@dataclass(frozen=True)
class LintNote:
    file: str
    line: int
    message: str

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass
class LintReport:
    findings: list[LintFinding] = field(default_factory=list)
    warnings: list[LintNote] = field(default_factory=list)
    errors: list[LintNote] = field(default_factory=list)
    files: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.findings or self.errors)

    def as_dict(self) -> dict:
        return {"files": self.files,
                "findings": [f.as_dict() for f in self.findings],
                "warnings": [w.as_dict() for w in self.warnings],
                "errors": [e.as_dict() for e in self.errors]}


def lint_curriculum(root: Path, *, terms_file: str | Path | None = None) -> LintReport:
    """Check every lesson under root/courses and every SOP module under root/sop."""
    book = load_terms(terms_file)
    report = LintReport()
    for path in sorted((root / "courses").glob("*/*.md")):
        if LESSON_FILE.match(path.name):
            _lint_lesson(path, root, book, report)
    for path in sorted((root / "sop").glob("*.toml")):
        _lint_sop(path, root, book, report)
    return report


def _lint_lesson(path: Path, root: Path, book: TermBook, report: LintReport) -> None:
    errors: list[SyncError] = []
    src = SourceFile(path, root, errors)
    report.files += 1
    _add_errors(report, errors)
    for finding in find_terms(src.text, teaching=True, book=book):
        line = src.text.count("\n", 0, finding.start) + 1
        column = finding.start - (src.text.rfind("\n", 0, finding.start) + 1) + 1
        report.findings.append(LintFinding(src.name, line, column, "lesson", finding))


def _lint_sop(path: Path, root: Path, book: TermBook, report: LintReport) -> None:
    errors: list[SyncError] = []
    module = read_sop_module(path, root, errors)
    src = SourceFile(path, root, [])
    report.files += 1
    _add_errors(report, errors)
    if module is None:
        return
    _lint_value(src, book, report, ("purpose", 0, module.purpose), teaching=True)
    headers = src.table_lines("steps")
    for index, step in enumerate(module.steps):
        at = headers[index] if index < len(headers) else 0
        _lint_value(src, book, report, ("instructions", at, step.instructions), teaching=True)
        _lint_value(src, book, report, ("script", at, step.script), teaching=False)
        _key_point_warnings(src, report, step, at)


def _lint_value(src: SourceFile, book: TermBook, report: LintReport, value: tuple,
                *, teaching: bool) -> None:
    key, at, text = value
    for finding in find_terms(text, teaching=teaching, book=book):
        line, column = _place(src, key, at, text, finding.start)
        report.findings.append(LintFinding(src.name, line, column, key, finding))


def _place(src: SourceFile, key: str, at: int, text: str, offset: int) -> tuple[int, int]:
    """The file line and column of `offset` in the value of `key` (written after line `at`):
    the value's line is looked for in the file, from the key's own line on."""
    key_line = src.line_of(key, at)
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    piece = text[line_start:line_end if line_end != -1 else len(text)]
    for number in range(key_line, len(src.lines) + 1):
        found = src.lines[number - 1].find(piece)
        if piece and found != -1:
            return number, found + offset - line_start + 1
    return key_line, 0


def _key_point_warnings(src: SourceFile, report: LintReport, step, at: int) -> None:
    if not step.script or not step.key_points:
        return
    for point in check_key_points(step.script, step.key_points):
        if not point.matched:
            report.warnings.append(LintNote(src.name, src.line_of("key_points", at), str(_l(
                "Step “%(step)s”: its script does not contain the key point “%(point)s” or "
                "any of its synonyms.", step=step.title, point=point.term))))


def _add_errors(report: LintReport, errors: list[SyncError]) -> None:
    report.errors.extend(LintNote(e.file, e.line, e.message) for e in errors)
