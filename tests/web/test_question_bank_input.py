"""Refused and hostile input on the question form: a Chinese message under the field, 200
not 500, nothing written; naughty strings (BLNS) stored exactly or refused for a documented
reason; XSS payloads escaped or sanitised wherever a question is shown."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.extensions import db
from app.models.quiz import Question, QuestionCategory
from tests.html_safety import read_payloads, unsafe_parts
from tests.naughty import representative
from tests.web.question_bank_helpers import (
    CJK,
    COMMON,
    TYPE_FORMS,
    count,
    create,
    edit,
    errors,
    newest_question,
    versions,
)

# ---- refused input ---------------------------------------------------------------------------

@pytest.mark.parametrize("changes,field", [
    ({"options-1-correct": ""}, "options"),
    ({"points": "0"}, "points"),
    ({"difficulty": "9"}, "difficulty"),
    ({"stem": "   "}, "stem"),
    ({"tags": "术后\x07"}, "tags"),
])
def test_bad_input_shows_a_chinese_message_and_writes_nothing(trainer, bank, changes, field):
    data = {**COMMON, **TYPE_FORMS["single_choice"][0], "type": "single_choice", **changes}
    response = trainer.post(f"/manage/banks/{bank.id}/questions/new", data=data)
    assert response.status_code == 200
    messages = errors(response.text)
    assert messages and all(CJK.search(message) for message in messages), messages
    assert re.search(rf'<(div|fieldset) class="field has-error"[^>]*>\s*'
                     rf'(<label for="{field}"|<legend>)', response.text), field
    assert count(Question) == 0 and count(QuestionCategory) == 0


@pytest.mark.parametrize("changes", [{"options-0-credit": "abc"}, {"options-0-credit": "150"},
                                     {"options-0-text": "24小时后"}, {"options-1-text": ""},
                                     {"type": "essay"}])
def test_more_bad_input_is_shown_on_the_form(trainer, bank, changes):
    data = {**COMMON, **TYPE_FORMS["single_choice"][0], "type": "single_choice", **changes}
    response = trainer.post(f"/manage/banks/{bank.id}/questions/new", data=data)
    assert response.status_code == 200
    if changes.get("type") == "essay":  # an unknown type: choose one of the eight
        assert 'data-testid="type-choice"' in response.text
    else:
        assert errors(response.text)
    assert count(Question) == 0


def test_bad_edit_keeps_the_current_version(trainer, bank):
    create(trainer, bank.id, "numerical")
    question = newest_question()
    response = edit(trainer, question.id, answers="二十四")
    assert response.status_code == 200 and errors(response.text)
    assert [v.number for v in versions(question.id)] == [1]


def _invisible(text: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in text.replace("\r", ""))


@pytest.fixture
def blns(shared_dir) -> list[str]:
    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("../shared/testdata/blns/blns.json is absent")
    return representative(json.loads(path.read_text(encoding="utf-8"))) + ["\x00", "NUL\x00inside"]


def test_naughty_strings_as_the_question_text(trainer, bank, blns):
    for text in blns:
        response = create(trainer, bank.id, "single_choice", stem=text)
        if response.status_code == 302:
            question = newest_question()
            stored = versions(question.id)[0].data["stem"]
            assert stored == text.replace("\r\n", "\n").replace("\r", "\n"), repr(text)
            assert trainer.get(response.location).status_code == 200, repr(text)
        else:
            assert response.status_code == 200, repr(text)
            assert errors(response.text), repr(text)
            assert not text.strip() or _invisible(text.replace("\n", "")), repr(text)
    assert trainer.get(f"/manage/banks/{bank.id}").status_code == 200


def _check_option_alone(trainer, bank, text: str) -> None:
    """String `text` as the text of the right option, the form otherwise as a trainer fills it."""
    before = count(Question)
    response = create(trainer, bank.id, "single_choice", **{"options-1-text": text})
    if response.status_code == 302:
        options = versions(newest_question().id)[0].data["payload"]["options"]
        assert options[1]["text"] == text.strip(), repr(text)
        assert str(escape(text.strip())) in trainer.get(response.location).text, repr(text)
    else:
        assert response.status_code == 200, repr(text)
        assert errors(response.text) and count(Question) == before, repr(text)
        assert not text.strip() or _invisible(text) or text.strip() == "立即", repr(text)


OPTIONS_PER_QUESTION = 16


def _option_batches(strings: list[str]) -> tuple[list[list[str]], list[str]]:
    """Strings that should be accepted, grouped as the options of one question each, and the
    rest (to be sent alone). A group holds no two strings the same after strip and no string
    whose escaped form lies inside another's, so each is seen on the page in its own right.
    The grouping only saves requests: whatever a question is refused for, its strings are sent
    again one by one."""
    batches: list[list[str]] = []
    alone = []
    for text in strings:
        if not text.strip() or _invisible(text) or text.strip() == "立即":
            alone.append(text)
            continue
        shown = str(escape(text.strip()))
        for batch in batches:
            if len(batch) < OPTIONS_PER_QUESTION and not any(
                    shown in str(escape(other.strip())) or str(escape(other.strip())) in shown
                    for other in batch):
                batch.append(text)
                break
        else:
            batches.append([text])
    return batches, alone


def test_naughty_strings_as_an_option(trainer, bank, blns):
    """Each string as an option's text: stored stripped and shown escaped, or refused with a
    message for a documented reason (blank, control characters, a repeat of option A).

    Strings expected to be accepted go 16 to a question (options B, C, …; option A as in
    every test): when such a question is saved, each of its options was stored as typed and
    is on the question page; when it is refused, each of its strings is sent alone."""
    batches, alone = _option_batches(blns)
    assert sum(map(len, batches)) + len(alone) == len(blns)
    for batch in batches:
        options = {f"options-{i}-text": text for i, text in enumerate(batch, start=1)}
        response = create(trainer, bank.id, "single_choice", **options)
        if response.status_code != 302:
            assert response.status_code == 200, [*map(repr, batch)]
            alone.extend(batch)
            continue
        stored = versions(newest_question().id)[0].data["payload"]["options"]
        assert [o["text"] for o in stored[1:]] == [t.strip() for t in batch], [*map(repr, batch)]
        page = trainer.get(response.location).text
        for text in batch:
            assert str(escape(text.strip())) in page, repr(text)
    for text in alone:
        _check_option_alone(trainer, bank, text)


def _all_fields(text: str) -> dict[str, str]:
    return {"stem": text, "scenario": text, "title": text[:200], "explanation": text,
            "options-0-text": text[:2000], "options-0-feedback": text[:2000],
            "tags": text[:40], "new_category": text[:500]}


def test_xss_in_question_fields_is_escaped_or_sanitised(trainer, bank, shared_dir):
    payloads = ['<script>alert(1)</script>**粗**', '<img src=x onerror=alert(1)>',
                *read_payloads(shared_dir)[::13]]
    created = 0
    for payload in payloads:
        response = create(trainer, bank.id, "single_choice", **_all_fields(payload))
        if response.status_code != 302:
            continue
        created += 1
        question_id = newest_question().id
        for url in (f"/manage/questions/{question_id}", f"/manage/questions/{question_id}/edit"):
            assert unsafe_parts(trainer.get(url).text, allow_our_scripts=True) == [], payload
    assert created > 50
    bank_page = trainer.get(f"/manage/banks/{bank.id}?status=all").text
    assert unsafe_parts(bank_page, allow_our_scripts=True) == []
    first = db.session.scalar(select(Question).order_by(Question.id).limit(1))
    page = trainer.get(f"/manage/questions/{first.id}").text
    assert "<strong>粗</strong>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
