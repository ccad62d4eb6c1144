"""Quiz taking under attack or misuse: garbage answers are refused with a message and nothing
is saved; XSS payloads in questions and answers render inert; another employee's attempt does
not exist; the attempt page and 交卷 run a constant number of statements."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Question, QuestionVersion
from app.services.quiz.data import QuestionData, option
from tests.html_safety import read_payloads, unsafe_parts
from tests.naughty import representative
from tests.quiz_factories import (
    fill_blank,
    make_quiz,
    matching,
    multiple,
    numerical,
    ordering,
    short_answer,
    single,
    true_false,
)
from tests.web.quiz_web_helpers import JSON, RIGHT, answer, fresh, start, submit


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


# ---- garbage in -------------------------------------------------------------------------------

GARBAGE = [
    (0, {"response": "7"}), (0, {"response": "abc"}), (0, {"response": ["0", "1"]}),
    (0, {"response": "-1"}), (0, {"response": "1" * 40}),
    (1, {"response": ["0", "9"]}), (1, {"response": ["x"]}), (1, {"response": ["0"] * 9}),
    (2, {"response": "maybe"}),
    (3, {"response": "长" * 2001}),
    (4, {"response": "12abc"}), (4, {"response": "1,5"}), (4, {"response": "inf"}),
    (5, {"response-0": "9"}), (5, {"response-7": "0"}), (5, {"response-0": "x"}),
    (6, {"order-0": "1", "order-1": "1", "order-2": "3"}), (6, {"order-0": "1"}),
    (6, {"order-0": "x", "order-1": "2", "order-2": "3"}), (6, {"order-9": "1"}),
    (6, {"response": "0,0,1"}),
    (7, {"response": "长" * 20001}),
    ("x", {"response": "1"}), ("99", {"response": "1"}), ("", {"response": "1"}),
]


@pytest.fixture
def every_type_quiz(employee):
    make_quiz([single(), multiple(), true_false(), fill_blank(), numerical(), matching(),
               ordering(), short_answer()], slug="garbage")
    return start(employee, "garbage")


def test_garbage_answers_are_refused_with_a_message_and_nothing_is_saved(employee,
                                                                           every_type_quiz):
    for position, fields in GARBAGE:
        by_form = answer(employee, every_type_quiz, position, fields)
        assert by_form.status_code == 400, (position, fields)
        assert 'class="flash flash-error"' in by_form.text, (position, fields)
        assert 'data-testid="attempt-page"' in by_form.text
        by_fetch = answer(employee, every_type_quiz, position, fields, headers=JSON)
        assert by_fetch.status_code == 400 and by_fetch.json["error"], (position, fields)
        assert by_fetch.json["saved"] is False
    assert all(q.response is None for q in fresh(every_type_quiz).questions)
    refused = answer(employee, every_type_quiz, 0, {"response": "7"}, headers=JSON)
    assert refused.json["error"] == "选项 7 不存在。"  # a message in the employee's language


def test_naughty_strings_never_break_an_answer(employee, every_type_quiz, shared_dir):
    path = shared_dir / "testdata/blns/blns.json"
    if not path.is_file():
        pytest.skip("testdata/blns is absent from ../shared")
    strings = [s for s in representative(json.loads(path.read_text(encoding="utf-8")))
               if "\x00" not in s]
    targets = ((0, "response"), (3, "response"), (4, "response"), (5, "response-0"),
               (6, "response"), (7, "response"))
    for n, text in enumerate(strings):  # each string to one of the fields, in turn
        position, name = targets[n % len(targets)]
        response = answer(employee, every_type_quiz, position, {name: text}, headers=JSON)
        assert response.status_code in (200, 400), (position, text)
        assert response.json["saved"] is (response.status_code == 200)
    page = employee.get(f"/learn/attempts/{every_type_quiz}?q=3")
    assert page.status_code == 200


# ---- XSS ----------------------------------------------------------------------------------------

SAMPLE = 60


@pytest.fixture
def payloads(shared_dir) -> list[str]:
    everything = read_payloads(shared_dir)
    return everything[::len(everything) // SAMPLE][:SAMPLE]


def _hostile_questions(payloads: list[str]) -> list[QuestionData]:
    questions = []
    for i, text in enumerate(payloads):
        common = {"stem": f"{text}\n\n{text}", "scenario": text, "explanation": text,
                  "text_format": ("markdown", "html", "plain")[i % 3]}
        kind = i % 5
        if kind == 0:
            payload = {"options": [option(text, 0.0, text), option(f"安全{i}", 1.0, text)]}
            questions.append(QuestionData(type="single_choice", payload=payload, **common))
        elif kind == 1:
            payload = {"options": [option(text, 0.5), option(f"安全{i}", 0.5)]}
            questions.append(QuestionData(type="multiple_choice", payload=payload, **common))
        elif kind == 2:
            payload = {"pairs": [{"left": text, "right": text[:50]},
                                 {"left": f"左{i}", "right": f"右{i}"}], "distractors": [text]}
            questions.append(QuestionData(type="matching", payload=payload, **common))
        elif kind == 3:
            payload = {"items": [text, f"第二步{i}", f"第三步{i}"]}
            questions.append(QuestionData(type="ordering", payload=payload, **common))
        else:
            payload = {"answers": [option(text[:100], 1.0, text)]}
            questions.append(QuestionData(type="fill_blank", payload=payload, **common))
    return questions


def test_payloads_in_questions_and_answers_render_inert(employee, payloads):
    make_quiz(_hostile_questions(payloads), slug="xss", title=payloads[0][:200],
              description="\n\n".join(payloads[:10]))
    attempt_id = start(employee, "xss")
    problems: list[str] = []

    def check(url: str) -> None:
        response = employee.get(url)
        found = unsafe_parts(response.text, allow_our_scripts=True)
        if response.status_code != 200 or found:
            problems.append(f"{url}: {response.status_code} {found[:3]}")

    for position, text in enumerate(payloads):
        if position % 5 == 4:
            answer(employee, attempt_id, position, {"response": text[:2000]})
        elif position % 5 == 0:
            answer(employee, attempt_id, position, {"response": "0"})
        check(f"/learn/attempts/{attempt_id}?q={position}")
    check("/learn/quizzes/xss")
    check("/learn/")
    submit(employee, attempt_id)
    check(f"/learn/attempts/{attempt_id}")
    check("/learn/wrong-book")
    assert not problems, "\n".join(problems[:20])


def test_the_practice_grade_fragment_is_inert(employee, payloads):
    make_quiz(_hostile_questions(payloads[:10]), slug="xss-drill", mode="practice")
    attempt_id = start(employee, "xss-drill")
    for position in range(0, 10, 5):
        checked = answer(employee, attempt_id, position, {"response": "0"}, headers=JSON)
        assert checked.status_code == 200
        assert not unsafe_parts(checked.json["html"]), checked.json["html"][:300]


# ---- somebody else's attempt --------------------------------------------------------------------

def test_another_employee_cannot_see_or_change_an_attempt(client, auth, demo):
    make_quiz([single(), true_false()], slug="private", mode="practice")
    auth.as_role("employee")
    attempt_id = start(client, "private")
    answer(client, attempt_id, 0, RIGHT["single_choice"])
    auth.logout()
    auth.login("10006")
    base = f"/learn/attempts/{attempt_id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}?confirm=1").status_code == 404
    assert answer(client, attempt_id, 1, RIGHT["true_false"]).status_code == 404
    assert answer(client, attempt_id, 1, RIGHT["true_false"], headers=JSON).status_code == 404
    assert submit(client, attempt_id).status_code == 404
    attempt = fresh(attempt_id)
    assert attempt.state == "in_progress"
    assert [q.response for q in attempt.questions] == [1, None]
    assert client.get("/learn/wrong-book").status_code == 200


# ---- statements per page ------------------------------------------------------------------------

def _quiz_with_history(slug: str, questions: int, versions: int):
    """A quiz of `questions` single-choice questions, each edited to its `versions`-th version."""
    quiz = make_quiz([single(stem=f"第{n}题") for n in range(questions)], slug=slug)
    for item in quiz.items:
        question = db.session.get(Question, item.question_id)
        for number in range(2, versions + 1):
            db.session.add(QuestionVersion(question_id=question.id, number=number,
                                           data=single(stem=f"第{number}版").to_dict()))
        question.current_version = versions
    db.session.commit()
    return quiz


def _measure(count_statements, call) -> int:
    with count_statements() as counted:
        response = call()
    assert response.status_code in (200, 302), response.status_code
    return counted()


def _statements(client, count_statements, slug: str) -> tuple[int, int, int, int]:
    attempt_id = start(client, slug)
    first = _measure(count_statements, lambda: client.get(f"/learn/attempts/{attempt_id}?q=0"))
    total = len(fresh(attempt_id).questions)
    for position in range(total):
        answer(client, attempt_id, position, RIGHT["single_choice"])
    last = _measure(count_statements, lambda: client.get(f"/learn/attempts/{attempt_id}?q=2"))
    handed_in = _measure(count_statements, lambda: submit(client, attempt_id))
    result = _measure(count_statements, lambda: client.get(f"/learn/attempts/{attempt_id}"))
    assert fresh(attempt_id).percent == 100.0
    return first, last, handed_in, result


def test_attempt_page_and_submit_are_constant_in_questions_and_their_history(
        employee, count_statements):
    _quiz_with_history("small", questions=3, versions=1)
    _quiz_with_history("big", questions=30, versions=30)
    small = _statements(employee, count_statements, "small")
    big = _statements(employee, count_statements, "big")
    assert big == small
    db.session.expire_all()
    pinned = db.session.scalars(select(QuestionVersion.number).join(
        Question, Question.id == QuestionVersion.question_id)).all()
    assert max(pinned) == 30


def test_home_is_constant_in_the_number_of_quizzes(employee, count_statements):
    make_quiz([single()], slug="q0")
    submit(employee, start(employee, "q0"))
    few = _measure(count_statements, lambda: employee.get("/learn/"))
    for n in range(1, 12):
        make_quiz([single()], slug=f"q{n}")
        submit(employee, start(employee, f"q{n}"))
    many = _measure(count_statements, lambda: employee.get("/learn/"))
    assert employee.get("/learn/").text.count('data-testid="quiz-card"') == 12
    assert many == few
