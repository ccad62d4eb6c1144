"""The quiz analytics show the same numbers after issue 15's rewrite: the takers read from the
maintained quiz_takers table (when no date range is chosen) and the option distribution
counted in SQL. The previous code is kept here as the reference — every attempt of the quiz
ranked per person, every response streamed and counted in Python — and both render the
generated bench organisation (tests/bench seed, 30 people) page by page and export by export."""

from __future__ import annotations

import math
import re
from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.models import AttemptQuestion, Department, Question, QuestionVersion
from app.services.analytics import quizzes, takers, tallied
from app.services.analytics.filters import make_filters
from app.services.analytics.quiz_options import CHOICE_TYPES, Tally, _chosen, _options
from app.services.exports import stream_rows
from tests.bench.seed import seed

STAFF, ATTEMPTS = 30, 4


def _old_asked(grouped):
    return (select(AttemptQuestion.question_id, AttemptQuestion.version_id,
                   AttemptQuestion.response, Question.type)
            .join(grouped, grouped.c.id == AttemptQuestion.attempt_id)
            .join(Question, Question.id == AttemptQuestion.question_id)
            .where(Question.type.in_(CHOICE_TYPES)))


def _old_versions(grouped):
    asked = _old_asked(grouped).with_only_columns(AttemptQuestion.version_id).distinct()
    rows = db.session.execute(
        select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.data)
        .where(QuestionVersion.id.in_(asked)).order_by(QuestionVersion.number.desc()))
    versions, tallies = {}, {}
    for version_id, question_id, data in rows:
        versions[version_id] = options = _options(data)
        tally = tallies.setdefault(question_id, Tally(counts=Counter()))
        known = {key for key, _text, _correct in tally.options}
        tally.options += [option for option in options if option[0] not in known]
    return versions, tallies


def _old_option_tallies(filters, quiz_id):
    grouped = takers.grouped_takers(filters, quiz_id)
    versions, tallies = _old_versions(grouped)
    for question_id, version_id, response, kind in stream_rows(_old_asked(grouped)):
        tally = tallies.setdefault(question_id, Tally())
        options = versions.get(version_id, [])
        chosen = _chosen(kind, options, response) if response is not None else []
        tally.counts.update(chosen)
        tally.no_answer += not chosen
    return tallies


def _use_old_code(monkeypatch) -> None:
    for module in (takers, quizzes):
        monkeypatch.setattr(module, "first_attempts", takers.ranked_firsts)
    monkeypatch.setattr(quizzes, "option_tallies", _old_option_tallies)
    monkeypatch.setattr(tallied, "applies", lambda _filters: False)  # items from the answers


def _pages(exam_id: int, department_id: int) -> list[str]:
    quiz = f"/manage/analytics/quizzes/{exam_id}"
    pages = ["/manage/analytics", f"/manage/analytics?department={department_id}",
             "/manage/analytics/export?table=quizzes&format=csv", quiz,
             f"{quiz}?department={department_id}", f"{quiz}?from=2020-01-01&to=2099-12-31"]
    return pages + [f"{quiz}/export?table={table}&format=csv{extra}"
                    for table in ("scores", "items", "options", "takers")
                    for extra in ("", f"&department={department_id}")]


# The index's mean percent per quiz is a floating-point AVG; summed in another row order
# (the maintained table's instead of the attempts') it may differ in the 14th digit, and an
# exact mean of x.x5 then shows as x.x or x.x+0.1. Those cells are compared as numbers
# (`_same_means`), everything else byte for byte.
MEAN_CELL = re.compile(r'(\n\s+<td class="num">\d+</td><td class="num">)([^<]*)'
                       r'(</td><td class="num">[^<]*</td></tr>)')
MEAN_COLUMN = re.compile(r'^((?:[^,\n]*,){3})[^,\n]*', re.MULTILINE)


def _masked(path: str, text: str) -> str:
    if path.startswith("/manage/analytics?") or path == "/manage/analytics":
        masked = MEAN_CELL.sub(r"\1MEAN\3", text)
        assert masked.count("MEAN") >= 6, "the quiz rows' mean cells were not found"
        return masked
    if path.startswith("/manage/analytics/export"):
        return MEAN_COLUMN.sub(r"\1MEAN", text)
    return text


def _same_means(monkeypatch) -> None:
    new = quizzes.quiz_headlines(make_filters())
    with monkeypatch.context() as patched:
        _use_old_code(patched)
        old = quizzes.quiz_headlines(make_filters())
    assert [(h.quiz_id, h.takers, h.passed) for h in new] == \
        [(h.quiz_id, h.takers, h.passed) for h in old]
    for mine, theirs in zip(new, old, strict=True):
        assert (mine.mean is None) == (theirs.mean is None)
        assert mine.mean is None or math.isclose(mine.mean, theirs.mean, rel_tol=1e-12)


def _render(app, credentials: dict, pages: list[str]) -> dict[str, str]:
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials["trainer"]["login"],
                                     "password": credentials["password"]})
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = _masked(path, re.sub(r'name="csrf_token"[^>]*>|csrf-token"[^>]*>', "",
                                           response.get_data(as_text=True)))
    return found


def test_quiz_analytics_show_the_same_numbers_as_the_previous_code(app, monkeypatch):
    seeded = seed(STAFF, ATTEMPTS, seed_value=7, echo=lambda *_args: None)
    exam_id = seeded.credentials["exam"]["id"]
    department_id = db.session.scalar(select(Department.id).where(
        Department.parent_id.is_(None)).order_by(Department.id))
    pages = _pages(exam_id, department_id)
    new = _render(app, seeded.credentials, pages)
    with monkeypatch.context() as patched:
        _use_old_code(patched)
        old = _render(app, seeded.credentials, pages)
    quiz = f"/manage/analytics/quizzes/{exam_id}"
    assert 'data-testid="options"' in new[quiz]  # choice questions with their counts
    assert len(new[f"{quiz}/export?table=takers&format=csv"].splitlines()) > 10
    for path in pages:
        assert new[path] == old[path], path
    _same_means(monkeypatch)
