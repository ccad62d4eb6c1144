"""多选题 scoring as a trainer and an employee meet it: the editor's default rule and its
preview of 全选 / 只选一个正确项 (on the form, from the live-preview URL, on the question page),
a quiz taken with that question, per-option weights that would let 全选 win refused, and an
attempt graded before the rules keeping the score it was given."""

from __future__ import annotations

import re

from app.extensions import db
from app.models.quiz import Quiz, QuizItem
from app.services.quiz.types.multiple_choice import MultipleChoice
from tests.quiz_factories import legacy_multiple, make_quiz, old_partial_score
from tests.web.question_bank_helpers import COMMON, errors, form_values, newest_question
from tests.web.quiz_helpers import shown
from tests.web.quiz_web_helpers import answer, fresh, start, submit

# A 多选题 as a trainer types it: A and C right, B and D wrong, no credits typed.
AC = {"options-0-text": "冰敷", "options-0-correct": "y", "options-1-text": "桑拿",
      "options-2-text": "防晒", "options-2-correct": "y", "options-3-text": "热敷"}
TICK_ALL_REFUSED = ("Ticking every option would earn full points: with per-option weights, give "
                    "the wrong options a negative credit (e.g. -50), or choose another scoring "
                    "rule.")


def _value(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}" data-points="([^"]*)"', html)
    assert match, f"{testid} not on the page"
    return match.group(1)


def _create_with_defaults(trainer, bank_id: int, **fields) -> object:
    form = trainer.get(f"/manage/banks/{bank_id}/questions/new?type=multiple_choice")
    assert form.status_code == 200
    values = form_values(form.text)
    assert values["scoring"] == "proportional"  # the default a trainer leaves alone
    assert 'data-testid="scoring-missing"' in form.text  # nothing to score yet
    assert "js/scoring.js" in form.text and "data-scoring-preview=" in form.text
    return trainer.post(f"/manage/banks/{bank_id}/questions/new?type=multiple_choice",
                        data={**values, **COMMON, "points": "2", **AC, **fields})


def test_a_default_multiple_choice_scores_nothing_for_ticking_everything(
        trainer, bank, client, auth):
    created = _create_with_defaults(trainer, bank.id)
    assert created.status_code == 302, errors(created.text)
    question = newest_question()
    page = trainer.get(f"/manage/questions/{question.id}").text
    assert shown("No marks for a wrong tick; fewer right ticks earn their share") in page
    assert "Partial credit" not in page and shown("Partial credit for each right option") \
        not in page
    assert (_value(page, "tick-all"), _value(page, "one-right")) == ("0", "1")
    assert 'data-testid="tick-all-warning"' not in page

    quiz = Quiz(slug="scoring", title="多选计分", published=True, shuffle_options=False,
                items=[QuizItem(question=question, rank=0)])
    db.session.add(quiz)
    db.session.commit()
    auth.logout()
    auth.as_role("employee")
    scores = {}
    for name, ticks in (("everything", ["0", "1", "2", "3"]), ("one right", ["0"]),
                        ("both right", ["0", "2"])):
        attempt_id = start(client, "scoring")
        answer(client, attempt_id, 0, {"response": ticks})
        submit(client, attempt_id)
        scores[name] = (fresh(attempt_id).score, fresh(attempt_id).max_score)
    assert scores == {"everything": (0.0, 2.0), "one right": (1.0, 2.0),
                      "both right": (2.0, 2.0)}


def test_the_form_and_the_live_preview_show_each_rule(trainer, bank):
    cases = {"proportional": ("0", "1"), "half": ("0", "1"), "all_or_nothing": ("0", "0")}
    for rule, (tick_all, one_right) in cases.items():
        data = {**COMMON, "type": "multiple_choice", "points": "2", **AC, "scoring": rule}
        live = trainer.post("/manage/questions/scoring-preview", data=data)
        assert live.status_code == 200
        assert f'data-rule="{rule}"' in live.text
        assert (_value(live.text, "tick-all"), _value(live.text, "one-right")) == (
            tick_all, one_right)
        # a refused save shows the same preview with the form
        again = trainer.post(f"/manage/banks/{bank.id}/questions/new?type=multiple_choice",
                             data={**data, "stem": ""})
        assert again.status_code == 200 and f'data-rule="{rule}"' in again.text
        assert _value(again.text, "tick-all") == tick_all


def test_weights_that_let_ticking_everything_win_are_refused(trainer, bank):
    data = {**COMMON, "type": "multiple_choice", "points": "2", **AC, "scoring": "weights"}
    live = trainer.post("/manage/questions/scoring-preview", data=data)
    assert _value(live.text, "tick-all") == "2"
    assert 'data-testid="tick-all-warning"' in live.text
    refused = trainer.post(f"/manage/banks/{bank.id}/questions/new?type=multiple_choice",
                           data=data)
    assert refused.status_code == 200 and newest_question() is None
    assert shown(TICK_ALL_REFUSED) in errors(refused.text)
    priced = {**data, "options-1-credit": "-50", "options-3-credit": "-50"}
    live = trainer.post("/manage/questions/scoring-preview", data=priced)
    assert (_value(live.text, "tick-all"), _value(live.text, "one-right")) == ("0", "1")
    saved = trainer.post(f"/manage/banks/{bank.id}/questions/new?type=multiple_choice",
                         data=priced)
    assert saved.status_code == 302, errors(saved.text)


def test_the_live_preview_says_what_is_missing(trainer):
    live = trainer.post("/manage/questions/scoring-preview",
                        data={"scoring": "proportional", "options-0-text": "冰敷",
                              "options-1-text": "桑拿"})
    assert live.status_code == 200 and 'data-testid="scoring-missing"' in live.text
    assert 'data-testid="tick-all"' not in live.text


def test_an_attempt_graded_before_the_rules_shows_the_score_it_was_given(
        client, auth, demo, monkeypatch):
    quiz = make_quiz([legacy_multiple()], slug="legacy")
    with monkeypatch.context() as patched:  # graded by the code of the time
        patched.setattr(MultipleChoice, "score", old_partial_score)
        auth.as_role("employee")
        attempt_id = start(client, "legacy")
        answer(client, attempt_id, 0, {"response": ["0", "1", "2", "3"]})
        submit(client, attempt_id)
    review = client.get(f"/learn/attempts/{attempt_id}").text
    assert 'data-outcome="right"' in review
    assert shown("%(got)s of %(max)s points", got="2", max="2") in review
    assert fresh(attempt_id).percent == 100.0
    again = start(client, "legacy")  # a new attempt: the corrected rule
    answer(client, again, 0, {"response": ["0", "1", "2", "3"]})
    submit(client, again)
    assert 'data-outcome="wrong"' in client.get(f"/learn/attempts/{again}").text
    assert (fresh(attempt_id).percent, fresh(again).percent) == (100.0, 0.0)

    auth.logout()
    auth.as_role("trainer")
    page = client.get(f"/grading/attempts/{attempt_id}").text
    assert re.search(r'data-testid="attempt-score">2 / 2', page)
    legacy = client.get(f"/manage/questions/{quiz.items[0].question_id}").text
    assert 'data-testid="scoring-legacy"' in legacy and 'data-rule="proportional"' in legacy
