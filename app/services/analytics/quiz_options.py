"""Option distribution of a quiz's choice questions (single choice, multiple choice,
true/false): how many takers chose each option. The responses are counted in SQL (one row per
distinct response), then the versions asked are read for their options; Python only maps the
few hundred distinct responses onto options, whatever the number of takers.

A saved response holds the option's index in the version's own option list (the attempt's
layout only orders what was shown; the answer form posts payload indexes), so an index maps to
the option's text in the version that was asked, never to a shuffled position. Options are
identified across versions by their text: a reworded option is a different row. A multiple-
choice taker counts once for each option chosen; "no answer" counts takers who left it empty.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, cast, func, select

from app.extensions import db
from app.models import AttemptQuestion, Question, QuestionVersion
from app.services.analytics import tallied
from app.services.analytics.filters import Filters
from app.services.analytics.quiz_stats import ItemStat, OptionCount
from app.services.analytics.takers import grouped_takers

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


def _responses(takers):
    """(question_id, version_id, type, response as JSON text, people): the takers' responses to
    the choice questions counted in SQL, one row per distinct response of a version (a few
    hundred rows whatever the number of takers). The JSON is grouped as text: two spellings
    of one response (`[0,2]`, `[0, 2]`) are two rows, added up after parsing."""
    response = cast(AttemptQuestion.response, Text)
    return (select(AttemptQuestion.question_id, AttemptQuestion.version_id, Question.type,
                   response.label("response"), func.count().label("people"))
            .join(takers, takers.c.id == AttemptQuestion.attempt_id)
            .join(Question, Question.id == AttemptQuestion.question_id)
            .where(Question.type.in_(CHOICE_TYPES))
            .group_by(AttemptQuestion.question_id, AttemptQuestion.version_id, Question.type,
                      response))


def _versions(version_ids: set[int]) -> tuple[dict[int, list], dict[int, Tally]]:
    """version id → its options, and an empty tally per question listing every option
    seen (the newest version's wording and order first, then options only older versions
    had)."""
    rows = db.session.execute(
        select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.data)
        .where(QuestionVersion.id.in_(version_ids)).order_by(QuestionVersion.number.desc())
    ) if version_ids else ()
    versions: dict[int, list] = {}
    tallies: dict[int, Tally] = {}
    for version_id, question_id, data in rows:
        versions[version_id] = options = _options(data)
        tally = tallies.setdefault(question_id, Tally())
        known = {key for key, _text, _correct in tally.options}
        tally.options += [option for option in options if option[0] not in known]
    return versions, tallies


def _parsed(text: str | None):
    return None if text is None else json.loads(text)


def option_tallies(filters: Filters, quiz_id: int) -> dict[int, Tally]:
    """question id → its options and how many takers chose each (two statements: the
    responses counted in SQL — from the maintained tallies without filters — then the
    versions asked)."""
    if tallied.applies(filters):
        counted = db.session.execute(tallied.RESPONSES, {"quiz_id": quiz_id}).all()
    else:
        counted = db.session.execute(_responses(grouped_takers(filters, quiz_id))).all()
    versions, tallies = _versions({row.version_id for row in counted})
    for question_id, version_id, kind, text, people in counted:
        tally = tallies.setdefault(question_id, Tally())
        options = versions.get(version_id, [])
        response = _parsed(text)
        chosen = _chosen(kind, options, response) if response is not None else []
        for key in chosen:
            tally.counts[key] += people
        tally.no_answer += 0 if chosen else people
    return tallies


def attach_options(items: list[ItemStat], tallies: dict[int, Tally]) -> None:
    """Put each choice question's option counts on its item."""
    for item in items:
        tally = tallies.get(item.question_id)
        if tally is not None:
            item.options = [OptionCount(text, tally.counts[key], correct)
                            for key, text, correct in tally.options]
            item.no_answer = tally.no_answer
