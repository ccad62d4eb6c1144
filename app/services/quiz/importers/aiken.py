"""Moodle Aiken import: one-line question, "A." or "A)" options, then "ANSWER: X".

Read as Moodle's qformat_aiken reads it (lines shorter than two bytes are ignored, a line
that is neither an option nor an ANSWER line starts a new question), but where Moodle
would drop a question or guess, every problem is reported with its line. Also read as
Chinese trainers type it: full-width labels (Ａ．), "A、", "答案：B", "Answer: b". HTML in the text
is kept as typed and shown as text (text_format "plain", as Moodle escapes it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.services.importers.report import RowError
from app.services.quiz.data import QuestionData, option
from app.services.quiz.importers.gift import validation_error
from app.services.quiz.importers.result import ImportResult, finish

OPTION = re.compile(r"^([A-Z])[).、][ \t]?")
ANSWER = re.compile(r"^(?:ANSWER|答案)\s*:\s*", re.IGNORECASE)  # after NFKC: "：" is ":"
GIFT_BLOCK = re.compile(r"\{[^{}]*\}")


@dataclass
class _Open:
    """The question being read: its line, stem and options so far."""

    line: int
    stem: str
    options: list[str] = field(default_factory=list)


@dataclass
class _Reader:
    questions: list[QuestionData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    current: _Open | None = None

    def error(self, line: int, message) -> None:
        self.errors.append(RowError(line, message))

    def read(self, number: int, line: str) -> None:
        if len(line.encode()) < 2:
            return
        label = unicodedata.normalize("NFKC", line[:2])  # "Ａ．" is "A."
        if len(label) == 2 and OPTION.match(label):
            self.read_option(number, label + line[2:])
        elif answer := ANSWER.match(unicodedata.normalize("NFKC", line)):
            text = unicodedata.normalize("NFKC", line)[answer.end():]
            self.read_answer(number, text.strip().rstrip(".").strip().upper())
        else:
            self.start(number, line)

    def start(self, number: int, line: str) -> None:
        if self.current is not None:
            self.error(number, _l("A question must be on one line, followed by its options "
                                  "and an ANSWER line; the question on line %(line)d has no "
                                  "ANSWER line.", line=self.current.line))
        self.current = _Open(number, line)

    def read_option(self, number: int, line: str) -> None:
        if self.current is None:
            self.error(number, _l("An option appears before any question."))
            return
        expected = chr(ord("A") + len(self.current.options))
        if line[0] != expected:
            self.error(number, _l("Expected option %(letter)s here.", letter=expected))
        self.current.options.append(line[2:].strip())

    def read_answer(self, number: int, letter: str) -> None:
        current, self.current = self.current, None
        if current is None:
            self.error(number, _l("An ANSWER line appears before any question."))
            return
        if len(current.options) < 2:
            self.error(number, _l("A question needs at least two options."))
            return
        index = ord(letter) - ord("A") if len(letter) == 1 else -1
        if not 0 <= index < len(current.options):
            self.error(number, _l("ANSWER must name one of the options (A–%(last)s).",
                                  last=chr(ord("A") + len(current.options) - 1)))
            return
        self.finish(current, index)

    def finish(self, current: _Open, right: int) -> None:
        options = [option(text, 1.0 if index == right else 0.0)
                   for index, text in enumerate(current.options)]
        question = QuestionData(type="single_choice", stem=current.stem, text_format="plain",
                                payload={"options": options})
        problem = validation_error(question)
        if problem is not None:
            self.error(current.line, problem.message)
        else:
            self.questions.append(question)


def looks_like_aiken(text: str) -> bool:
    """True when `text` reads as Aiken rather than GIFT: it has ANSWER lines right after
    "A." / "A)" option lines, and fewer GIFT answer blocks {…} than ANSWER lines."""
    lines = [unicodedata.normalize("NFKC", line.strip())
             for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    answers = sum(1 for before, line in zip(lines, lines[1:], strict=False)
                  if ANSWER.match(line) and OPTION.match(before))
    return answers > 0 and len(GIFT_BLOCK.findall(text)) < answers


def parse_aiken(text: str) -> ImportResult:
    """Every question of an Aiken file (all single_choice, text_format "plain")."""
    reader = _Reader()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        reader.read(number, line.strip())
    if reader.current is not None:
        reader.error(reader.current.line, _l("This question has no ANSWER line."))
    return finish(reader.questions, 0, reader.errors)
