"""Option distribution of a quiz's choice questions (single choice, multiple choice,
true/false): how many takers chose each option. Two statements whatever the number of takers:
the versions asked (their options), then the responses, streamed and counted in Python.

A saved response holds the option's index in the version's own option list (the attempt's
layout only orders what was shown; the answer form posts payload indexes), so an index maps to
the option's text in the version that was asked, never to a shuffled position. Options are
identified across versions by their text: a reworded option is a different row. A multiple-
choice taker counts once for each option chosen; "no answer" counts takers who left it empty.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import AttemptQuestion, Question, QuestionVersion
from app.services.analytics.filters import Filters
from app.services.analytics.quiz_stats import ItemStat, OptionCount
from app.services.analytics.takers import grouped_takers
from app.services.exports import stream_rows

CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")
TRUE_FALSE = (("true", _l("True")), ("false", _l("False")))


@dataclass
class Tally:
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # key, text, correct
    counts: Counter = field(default_factory=Counter)
    no_answer: int = 0


def _options(data: dict) -> list[tuple[str, str, bool]]:
    """(key, text, correct) of every option of a version."""
    payload = data.get("payload") or {}
    if data.get("type") == "true_false":
        answer = "true" if payload.get("answer") else "false"
        return [(key, text, key == answer) for key, text in TRUE_FALSE]
    return [(str(o.get("text", "")), str(o.get("text", "")), float(o.get("fraction", 0)) > 0)
            for o in payload.get("options", [])]


def _chosen(kind: str, options: list[tuple[str, str, bool]], response) -> list[str]:
    """The keys of the options a response chose ([] when nothing valid was chosen)."""
    if kind == "true_false":
        return ["true" if response else "false"] if isinstance(response, bool) else []
    indexes = response if isinstance(response, list) else [response]
    return [options[i][0] for i in indexes
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(options)]


def _asked(takers):
    return (select(AttemptQuestion.question_id, AttemptQuestion.version_id,
                   AttemptQuestion.response, Question.type)
            .join(takers, takers.c.id == AttemptQuestion.attempt_id)
            .join(Question, Question.id == AttemptQuestion.question_id)
            .where(Question.type.in_(CHOICE_TYPES)))


def _versions(takers) -> tuple[dict[int, list], dict[int, Tally]]:
    """version id → its options, and an empty tally per question listing every option seen
    (the newest version's wording and order first, then options only older versions had)."""
    asked = _asked(takers).with_only_columns(AttemptQuestion.version_id).distinct()
    rows = db.session.execute(
        select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.data)
        .where(QuestionVersion.id.in_(asked)).order_by(QuestionVersion.number.desc()))
    versions: dict[int, list] = {}
    tallies: dict[int, Tally] = {}
    for version_id, question_id, data in rows:
        versions[version_id] = options = _options(data)
        tally = tallies.setdefault(question_id, Tally())
        known = {key for key, _text, _correct in tally.options}
        tally.options += [option for option in options if option[0] not in known]
    return versions, tallies


def option_tallies(filters: Filters, quiz_id: int) -> dict[int, Tally]:
    """question id → its options and how many takers chose each (two statements)."""
    takers = grouped_takers(filters, quiz_id)
    versions, tallies = _versions(takers)
    for question_id, version_id, response, kind in stream_rows(_asked(takers)):
        tally = tallies.setdefault(question_id, Tally())
        options = versions.get(version_id, [])
        chosen = _chosen(kind, options, response) if response is not None else []
        tally.counts.update(chosen)
        tally.no_answer += not chosen
    return tallies


def attach_options(items: list[ItemStat], tallies: dict[int, Tally]) -> None:
    """Put each choice question's option counts on its item."""
    for item in items:
        tally = tallies.get(item.question_id)
        if tally is not None:
            item.options = [OptionCount(text, tally.counts[key], correct)
                            for key, text, correct in tally.options]
            item.no_answer = tally.no_answer
