"""Export a bank to Moodle GIFT: `to_gift(questions) -> str`; `parse_gift` reads it back.

Each question is written as Moodle writes GIFT (::title::, a [format] prefix, {…} answers
with =, ~ and %weight%, #feedback, ####general feedback, $CATEGORY: blocks), so Moodle
imports it. GIFT has no place for some of our fields, so conventions carry them:

* ordering → a matching block `=1 -> first step`, `=2 -> second step`, … (Moodle sees a
  matching question) plus `"type": "ordering"` in the metadata comment below;
* a missing-word stem: the answers go where the stem's first "____" blank is;
* `// sop-academy: {json}` on the line before a question holds every field the GIFT text
  does not reproduce exactly (scenario, tags, difficulty, points, a short answer's
  reference and rubric, multiple-choice scoring, …). Moodle ignores it as a comment;
  our importer applies it, so export → import gives back equal QuestionData.

Which fields go into the comment is decided by reading each written question back: a
field the GIFT text loses (or a question GIFT cannot express at all, which is then
written as an essay `{}` for Moodle) is carried in the comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from app.services.quiz.data import QuestionData
from app.services.quiz.importers.gift_lexer import META_PREFIX, escape, split_blocks
from app.services.quiz.importers.gift_meta import payload_patch
from app.services.quiz.importers.gift_pieces import WEIGHT, strip_format
from app.services.quiz.importers.gift_question import BLANK, read_block, read_category
from app.services.quiz.importers.result import ParseError
from app.services.quiz.types.numerical import as_decimal, format_number, is_other

HEADER = ("// Question bank exported from SOP Academy as Moodle GIFT.\n"
          "// A \"// sop-academy:\" line holds the fields GIFT has no place for.")


class GiftExportError(ValueError):
    """A question that GIFT plus the metadata comment cannot carry (an invalid question)."""


def to_gift(questions: Iterable[QuestionData]) -> str:
    """The questions as one GIFT text (UTF-8 when written to a file)."""
    chunks = [HEADER]
    written, in_force = "", ""
    for question in questions:
        if question.category != written:
            chunks.append("$CATEGORY: " + escape(question.category))
            written, in_force = question.category, _read_category(question.category)
        chunks.append(question_block(question, in_force))
    return "\n\n".join(chunks) + "\n"


def _read_category(category: str) -> str:
    try:
        return read_category(" " + escape(category))
    except ParseError:
        return ""


def question_block(question: QuestionData, category: str) -> str:
    """One question's lines: the metadata comment if needed, then its GIFT text.

    The full rendering is tried first; if the importer cannot read it back as one
    question, the stem with an empty answer block (a Moodle essay), then a bare `{}`,
    with the metadata comment carrying the rest.
    """
    base = {"type": "ordering"} if question.type == "ordering" else {}
    for render in (render_question, render_essay, lambda _question: "{}"):
        try:
            body = render(question)
        except (KeyError, TypeError, AttributeError):  # a malformed payload
            continue
        parsed = _read_back(body, base, category)
        if parsed is None:
            continue
        meta = base | _differences(question, parsed)
        if not meta:
            return body
        if _read_back(body, meta, category) == question:
            line = json.dumps(meta, ensure_ascii=False, sort_keys=True)
            return f"{META_PREFIX} {line}\n{body}"
    raise GiftExportError(f"question {question.title or question.stem[:40]!r} cannot be "
                          "written as GIFT (is it valid?)")


def _differences(question: QuestionData, parsed: QuestionData) -> dict[str, Any]:
    """The fields (a patch for the payload) that turn `parsed` into `question`."""
    wanted, got = question.to_dict(), parsed.to_dict()
    meta = {name: value for name, value in wanted.items()
            if name != "payload" and got[name] != value}
    patch = payload_patch(wanted["payload"], got["payload"])
    if patch:
        meta["payload"] = patch
    return meta


def _read_back(body: str, meta: dict[str, Any], category: str) -> QuestionData | None:
    """What the importer makes of `body` (with `meta`), or None if it is not one question."""
    text = (f"{META_PREFIX} {json.dumps(meta)}\n" if meta else "") + body
    blocks = split_blocks(text)
    if len(blocks) != 1:
        return None
    try:
        item = read_block(blocks[0], category)
    except ParseError:
        return None
    return item.question if item.kind == "question" else None


def render_question(question: QuestionData) -> str:
    """The question in GIFT, answers where the stem's blank is (or after the stem)."""
    writer = WRITERS.get(question.type, lambda _payload, _format: [])
    return _assemble(question, writer(question.payload, question.text_format))


def render_essay(question: QuestionData) -> str:
    """Stem and general feedback with an empty answer block (Moodle: an essay)."""
    return _assemble(question, [])


def _assemble(question: QuestionData, lines: list[str]) -> str:
    head = f"::{escape(question.title)}::" if question.title else ""
    head += f"[{question.text_format}]"
    if question.explanation:
        lines = [*lines, "####" + _text(question.explanation, question.text_format)]
    block = "{" + "".join("\n" + line for line in lines) + ("\n}" if lines else "}")
    stem = question.stem
    blank = stem.find(BLANK)
    if blank >= 0 and stem[blank + len(BLANK):].strip():
        before, after = stem[:blank], stem[blank + len(BLANK):]
        return head + escape(before) + block + escape(after)
    return head + escape(stem) + block


def _text(text: str, text_format: str) -> str:
    """An answer or feedback text, escaped; a leading "[html]"-like word is protected."""
    escaped = escape(text)
    if strip_format(escaped.strip())[0] is not None:
        return f"[{text_format}]{escaped}"
    return escaped


def _weight(fraction: float, text: str, *, default: float) -> str:
    """%n% for a fraction (n exact, so it reads back equal), "" for the default weight."""
    if fraction == default and not WEIGHT.match(text.strip()):
        return ""
    weight = format(Decimal(repr(float(fraction))).scaleb(2).normalize(), "f")
    return f"%{'0' if weight == '-0' else weight}%"


def _feedback(feedback: str, text_format: str) -> str:
    return "#" + _text(feedback, text_format) if feedback else ""


def _choices(payload: dict, text_format: str, *, single: bool) -> list[str]:
    lines = []
    for entry in payload["options"]:
        text = _text(entry["text"], text_format)
        if single and entry["fraction"] == 1.0:
            mark = "="
        else:
            mark = "~" + _weight(entry["fraction"], text, default=0.0)
        lines.append(mark + text + _feedback(entry.get("feedback", ""), text_format))
    return lines


def _true_false(payload: dict, text_format: str) -> list[str]:
    answer = payload["answer"]
    right = payload.get("feedback_true" if answer else "feedback_false", "")
    wrong = payload.get("feedback_false" if answer else "feedback_true", "")
    line = "TRUE" if answer else "FALSE"
    if wrong or right:
        line += "#" + _text(wrong, text_format)
    if right:
        line += "#" + _text(right, text_format)
    return [line]


def _fill_blank(payload: dict, text_format: str) -> list[str]:
    lines = []
    for entry in payload["answers"]:
        text = _text(entry["text"], text_format)
        weight = _weight(entry["fraction"], text, default=1.0)
        lines.append("=" + weight + text + _feedback(entry.get("feedback", ""), text_format))
    return lines


def _numerical(payload: dict, text_format: str) -> list[str]:
    lines = ["#"]
    for entry in payload["answers"]:
        if is_other(entry) and entry["fraction"] == 0:
            lines.append("~" + _feedback(entry.get("feedback", ""), text_format))
            continue
        if is_other(entry):
            value = "*"
        elif entry.get("value") is not None:
            value = _number(entry["value"])
            if entry.get("tolerance"):
                value += ":" + _number(entry["tolerance"])
        else:
            value = _number(entry["min"]) + ".." + _number(entry["max"])
        weight = _weight(entry["fraction"], "", default=1.0)
        lines.append("=" + weight + value + _feedback(entry.get("feedback", ""), text_format))
    return lines


def _number(value: float) -> str:
    return format_number(as_decimal(value))


def _matching(payload: dict, text_format: str) -> list[str]:
    lines = [f"={_text(pair['left'], text_format)} -> {escape(pair['right'])}"
             for pair in payload["pairs"]]
    return lines + [f"= -> {escape(text)}" for text in payload.get("distractors", [])]


def _ordering(payload: dict, text_format: str) -> list[str]:
    return [f"={number} -> {escape(item)}"
            for number, item in enumerate(payload["items"], start=1)]


WRITERS: dict[str, Callable[[dict, str], list[str]]] = {
    "single_choice": lambda payload, fmt: _choices(payload, fmt, single=True),
    "multiple_choice": lambda payload, fmt: _choices(payload, fmt, single=False),
    "true_false": _true_false,
    "fill_blank": _fill_blank,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
    "short_answer": lambda payload, fmt: [],
}
