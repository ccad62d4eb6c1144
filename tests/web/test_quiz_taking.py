"""Taking quizzes as an employee through the web: the start page, start and resume, answers
saved per question and shown again, every type graded through its form, submit once, the
server's deadline, attempt limits and cool-down, review options, practice feedback, the
wrong-question book, and the links on 我的学习, course and SOP pages.

(Bad input, XSS, other people's attempts and statement counts: test_quiz_taking_safety.py.)
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models.base import utcnow
from app.services.quiz import quick_save
from tests.learning_factories import make_course, make_sop, person
from tests.quiz_factories import (
    ALL_TYPES,
    fill_blank,
    make_quiz,
    matching,
    multiple,
    ordering,
    single,
    true_false,
)
from tests.web.quiz_web_helpers import (
    JSON,
    RIGHT,
    WRONG,
    answer,
    attempt_count,
    fresh,
    start,
    submit,
)


@pytest.fixture
def employee(client, auth, demo):
    auth.as_role("employee")
    return client


# ---- the start page ---------------------------------------------------------------------------

def test_start_page_shows_the_rules_and_starts_then_resumes(employee):
    make_quiz([single(), true_false(), fill_blank()], slug="rules", title="接待测验",
              time_limit_minutes=15, max_attempts=3, cooldown_minutes=10, pass_percent=70)
    page = employee.get("/learn/quizzes/rules")
    assert page.status_code == 200
    assert "接待测验" in page.text and 'data-mode="exam"' in page.text
    assert re.search(r'data-testid="question-count">3<', page.text)
    assert re.search(r'data-testid="attempts-used">[^<]*0[^<]*3', page.text)
    assert 'data-testid="start"' in page.text and "70%" in page.text

    first = start(employee, "rules")
    again = start(employee, "rules")
    assert again == first and attempt_count() == 1
    page = employee.get("/learn/quizzes/rules").text
    assert f'href="/learn/attempts/{first}"' in page and 'data-state="in_progress"' in page


def test_a_quiz_not_meant_for_the_employee_is_a_404(employee):
    make_quiz([single()], slug="draft").published = False
    course = make_course("front", positions=("前台",))
    quiz = make_quiz([single()], slug="front-quiz")
    quiz.course_id = course.id
    db.session.commit()
    for slug in ("draft", "front-quiz", "nothing"):
        assert employee.get(f"/learn/quizzes/{slug}").status_code == 404
        assert employee.post(f"/learn/quizzes/{slug}/start").status_code == 404
    assert attempt_count() == 0


# ---- answering, reloading, grading ------------------------------------------------------------

def test_answers_are_saved_per_question_and_shown_after_a_reload(employee):
    make_quiz([single(), multiple(), true_false(), fill_blank(), matching(), ordering()],
              slug="reload")
    attempt_id = start(employee, "reload")
    kinds = ["single_choice", "multiple_choice", "true_false", "fill_blank", "matching",
             "ordering"]
    for position, kind in enumerate(kinds):
        response = answer(employee, attempt_id, position, RIGHT[kind])
        assert response.status_code == 302
        assert response.location.endswith(f"q={position + 1}") or kind == "ordering"
    assert [q.response for q in fresh(attempt_id).questions] == [
        1, [0, 1], False, "二十四", {"0": 0, "1": 1}, [0, 1, 2]]

    page = lambda q: employee.get(f"/learn/attempts/{attempt_id}?q={q}").text  # noqa: E731
    assert re.search(r'name="response" value="1" checked', page(0))
    assert re.search(r'value="0" checked', page(1)) and re.search(r'value="1" checked', page(1))
    assert re.search(r'value="false" checked', page(2))
    assert 'value="二十四"' in page(3)
    assert len(re.findall(r'<option value="\d" selected', page(4))) == 2
    assert len(re.findall(r'<option value="\d" selected', page(5))) == 3
    assert len(re.findall(r'class="map-item answered[^"]*"\s+data-map', page(5))) == 6
    assert 'data-answered>6<' in page(0)


def test_every_type_answered_through_the_form_is_graded(employee):
    make_quiz([make() for make in ALL_TYPES], slug="all-types", pass_percent=50)
    attempt_id = start(employee, "all-types")
    for position, make in enumerate(ALL_TYPES):
        kind = make().type
        assert answer(employee, attempt_id, position, RIGHT[kind]).status_code == 302
    assert submit(employee, attempt_id).status_code == 302
    attempt = fresh(attempt_id)
    assert attempt.state == "grading"  # the short answer waits for a person
    assert [q.fraction for q in attempt.questions] == [1.0] * 7 + [None]
    assert attempt.questions[-1].needs_review
    page = employee.get(f"/learn/attempts/{attempt_id}").text
    assert 'data-testid="waiting"' in page and page.count('data-outcome="right"') == 7


def test_wrong_answers_through_the_form_score_nothing(employee):
    makers = [make for make in ALL_TYPES if make().type != "short_answer"]
    make_quiz([make() for make in makers], slug="all-wrong")
    attempt_id = start(employee, "all-wrong")
    for position, make in enumerate(makers):
        answer(employee, attempt_id, position, WRONG[make().type])
    submit(employee, attempt_id)
    attempt = fresh(attempt_id)
    assert attempt.state == "finished" and attempt.passed is False
    assert all(q.fraction < 1.0 for q in attempt.questions)


def test_navigation_buttons_lead_where_they_say(employee):
    make_quiz([single(), single(stem="第二题"), single(stem="第三题")], slug="nav")
    attempt_id = start(employee, "nav")
    base = f"/learn/attempts/{attempt_id}"
    assert answer(employee, attempt_id, 1, {}, go="prev").location.endswith(f"{base}?q=0")
    assert answer(employee, attempt_id, 0, {}, go="2").location.endswith(f"{base}?q=2")
    assert answer(employee, attempt_id, 2, {}, go="next").location.endswith("confirm=1")
    confirm = employee.get(f"{base}?confirm=1").text
    assert 'data-testid="unanswered-count" data-count="3"' in confirm
    # submitting without confirming while questions are unanswered only asks
    asked = employee.post(f"{base}/submit")
    assert asked.status_code == 200 and 'data-testid="confirm-submit"' in asked.text
    assert fresh(attempt_id).state == "in_progress"


def test_submitting_twice_grades_once(employee):
    make_quiz([single(), true_false()], slug="twice")
    attempt_id = start(employee, "twice")
    answer(employee, attempt_id, 0, RIGHT["single_choice"])
    first = submit(employee, attempt_id)
    attempt = fresh(attempt_id)
    graded = (attempt.state, attempt.score, attempt.percent, attempt.submitted_at)
    second = submit(employee, attempt_id)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    attempt = fresh(attempt_id)
    assert (attempt.state, attempt.score, attempt.percent, attempt.submitted_at) == graded
    assert graded[:3] == ("finished", 1.0, 50.0) and attempt_count() == 1
    late = answer(employee, attempt_id, 1, RIGHT["true_false"])
    assert late.status_code == 302 and fresh(attempt_id).questions[1].response is None


# ---- the server's clock and the quiz's rules --------------------------------------------------

def _overdue(attempt_id: int) -> None:
    attempt = fresh(attempt_id)
    attempt.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_past_the_deadline_an_answer_is_refused_and_the_attempt_submitted(employee):
    make_quiz([single(), true_false(), fill_blank()], slug="timed", time_limit_minutes=10)
    attempt_id = start(employee, "timed")
    page = employee.get(f"/learn/attempts/{attempt_id}").text
    assert re.search(r'data-testid="timer" data-timer data-deadline="[0-9T:.+-]+" '
                     r'data-seconds="(59\d|600)"', page)
    answer(employee, attempt_id, 0, RIGHT["single_choice"])
    _overdue(attempt_id)
    late = answer(employee, attempt_id, 1, RIGHT["true_false"])
    assert late.status_code == 302 and late.location.endswith(f"/learn/attempts/{attempt_id}")
    attempt = fresh(attempt_id)
    assert attempt.state == "finished" and attempt.auto_submitted
    assert [q.response for q in attempt.questions] == [1, None, None]
    assert attempt.score == 1.0
    result = employee.get(late.location).text
    assert 'data-testid="auto-submitted"' in result and 'data-testid="score"' in result


def test_past_the_deadline_the_autosave_gets_the_way_to_the_result(employee):
    make_quiz([single(), true_false()], slug="timed-json", time_limit_minutes=5)
    attempt_id = start(employee, "timed-json")
    _overdue(attempt_id)
    late = answer(employee, attempt_id, 0, RIGHT["single_choice"], headers=JSON)
    assert late.status_code == 409
    assert late.json["saved"] is False and late.json["error"]
    assert late.json["redirect"] == f"/learn/attempts/{attempt_id}"
    assert fresh(attempt_id).state == "finished"


def test_an_overdue_attempt_is_swept_when_the_quiz_page_is_opened(employee):
    make_quiz([single()], slug="swept", time_limit_minutes=5)
    attempt_id = start(employee, "swept")
    answer(employee, attempt_id, 0, RIGHT["single_choice"])
    _overdue(attempt_id)
    assert employee.get("/learn/quizzes/swept").status_code == 200
    attempt = fresh(attempt_id)
    assert attempt.state == "finished" and attempt.auto_submitted and attempt.percent == 100.0


def test_attempt_limit_is_enforced_when_start_is_posted_directly(employee):
    make_quiz([single()], slug="once", max_attempts=1)
    submit(employee, start(employee, "once"))
    refused = employee.post("/learn/quizzes/once/start")
    assert refused.status_code == 302 and refused.location.endswith("/learn/quizzes/once")
    assert attempt_count() == 1
    page = employee.get("/learn/quizzes/once").text
    assert 'data-testid="cannot-start"' in page and 'data-testid="start"' not in page


def test_cool_down_is_enforced_when_start_is_posted_directly(employee):
    make_quiz([single()], slug="wait", cooldown_minutes=30)
    submit(employee, start(employee, "wait"))
    assert employee.post("/learn/quizzes/wait/start").status_code == 302
    assert attempt_count() == 1
    page = employee.get("/learn/quizzes/wait").text
    assert 'data-testid="cannot-start"' in page


def test_a_closed_quiz_cannot_be_started(employee):
    make_quiz([single()], slug="closed", closes_at=utcnow() - timedelta(days=1))
    employee.post("/learn/quizzes/closed/start")
    assert attempt_count() == 0


# ---- review -----------------------------------------------------------------------------------

RIGHT_TEXT = "先认同感受，再问预算和顾虑"
EXPLANATION = "先接住情绪，再了解真实顾虑。"


def _take_wrongly(client, slug: str) -> str:
    attempt_id = start(client, slug)
    answer(client, attempt_id, 0, WRONG["single_choice"])
    submit(client, attempt_id)
    return client.get(f"/learn/attempts/{attempt_id}").text


def test_review_never_shows_neither_the_right_answer_nor_the_explanation(employee):
    make_quiz([single()], slug="never", review="never")
    page = _take_wrongly(employee, "never")
    assert "直接打折" in page  # the employee's own answer
    assert RIGHT_TEXT not in page and EXPLANATION not in page
    assert 'data-testid="review-hidden"' in page and 'data-testid="grade"' not in page


def test_review_after_close_waits_for_the_close(employee):
    make_quiz([single()], slug="after", review="after_close",
              closes_at=utcnow() + timedelta(days=1))
    page = _take_wrongly(employee, "after")
    assert RIGHT_TEXT not in page and EXPLANATION not in page


def test_review_immediately_shows_the_right_answer_and_the_explanation(employee):
    make_quiz([single()], slug="now", review="immediately")
    page = _take_wrongly(employee, "now")
    assert RIGHT_TEXT in page and EXPLANATION in page
    assert 'data-outcome="wrong"' in page and 'data-testid="correct-answer"' in page


# ---- practice ---------------------------------------------------------------------------------

def test_practice_shows_the_grade_and_explanation_right_after_each_answer(employee):
    make_quiz([single(), single(stem="第二题")], slug="drill", mode="practice")
    attempt_id = start(employee, "drill")
    checked = answer(employee, attempt_id, 0, WRONG["single_choice"], go="next")
    assert checked.location.endswith("q=0")  # stays to show the grade
    page = employee.get(checked.location).text
    assert 'data-outcome="wrong"' in page and EXPLANATION in page and RIGHT_TEXT in page
    assert re.search(r'name="response" value="0" checked\s+disabled', page)  # locked

    by_fetch = answer(employee, attempt_id, 1, RIGHT["single_choice"], headers=JSON)
    assert by_fetch.status_code == 200
    data = by_fetch.json
    assert data["saved"] and data["locked"] and data["correct"] and data["answered"] == 2
    assert data["explanation"] == EXPLANATION and EXPLANATION in data["html"]
    assert 'data-outcome="right"' in data["html"]


def test_a_checked_practice_answer_is_final(employee):
    make_quiz([single(), true_false()], slug="final", mode="practice")
    attempt_id = start(employee, "final")
    answer(employee, attempt_id, 0, WRONG["single_choice"])
    moving_on = answer(employee, attempt_id, 0, {}, go="next")  # the locked form sends nothing
    assert moving_on.status_code == 302 and moving_on.location.endswith("q=1")
    changed = answer(employee, attempt_id, 0, RIGHT["single_choice"], headers=JSON)
    assert changed.status_code == 400 and changed.json["error"]
    assert fresh(attempt_id).questions[0].response == 0


# ---- the wrong-question book ------------------------------------------------------------------

def test_a_wrong_answer_enters_the_book_and_two_right_ones_clear_it(employee):
    quiz = make_quiz([true_false(), single()], slug="book", mode="practice")
    question_id = quiz.items[0].question_id
    attempt_id = start(employee, "book")
    answer(employee, attempt_id, 0, WRONG["true_false"])
    answer(employee, attempt_id, 1, RIGHT["single_choice"])
    book = employee.get("/learn/wrong-book").text
    assert book.count('data-testid="wrong-item"') == 1
    assert f'data-question="{question_id}"' in book and 'data-streak="0"' in book
    assert 'data-testid="wrong-book-link"' in employee.get("/learn/").text
    assert 'data-count="1"' in employee.get("/learn/").text

    for streak in (1, 2):
        practice = employee.post("/learn/wrong-book/practice")
        assert practice.status_code == 302
        round_id = int(practice.location.rsplit("/", 1)[1])
        round_ = fresh(round_id)
        assert round_.mode == "wrong_book" and len(round_.questions) == 1
        assert 'data-testid="attempt-page"' in employee.get(practice.location).text
        checked = answer(employee, round_id, 0, RIGHT["true_false"], headers=JSON)
        assert checked.json["correct"] and "data-testid=\"explanation\"" not in checked.json["html"]
        book = employee.get("/learn/wrong-book").text
        if streak == 1:
            assert 'data-streak="1"' in book
    assert 'data-testid="wrong-book-empty"' in book
    assert 'data-count="0"' in employee.get("/learn/").text


def test_practising_an_empty_book_leads_back_to_it(employee):
    response = employee.post("/learn/wrong-book/practice")
    assert response.status_code == 302 and response.location.endswith("/learn/wrong-book")
    assert attempt_count() == 0


# ---- links ------------------------------------------------------------------------------------

def test_home_lists_stand_alone_quizzes_with_attempt_counts(employee):
    make_quiz([single()], slug="alone", title="独立测验")
    course = make_course("with-quiz")
    attached = make_quiz([single()], slug="attached", title="课程测验")
    attached.course_id = course.id
    db.session.commit()
    submit(employee, start(employee, "alone"))
    home = employee.get("/learn/").text
    assert "独立测验" in home and "课程测验" not in home
    assert 'href="/learn/quizzes/alone"' in home and 'data-attempts="1"' in home


def test_course_and_sop_pages_link_their_quizzes(employee):
    course = make_course("c-quiz")
    module = make_sop("s-quiz")
    for slug, field, owner in (("cq", "course_id", course), ("sq", "sop_module_id", module)):
        quiz = make_quiz([single()], slug=slug)
        setattr(quiz, field, owner.id)
    db.session.commit()
    course_page = employee.get("/learn/courses/c-quiz").text
    sop_page = employee.get("/learn/sop/s-quiz").text
    assert 'href="/learn/quizzes/cq"' in course_page and "/learn/quizzes/sq" not in course_page
    assert 'href="/learn/quizzes/sq"' in sop_page and "/learn/quizzes/cq" not in sop_page
    assert employee.get("/learn/quizzes/cq").status_code == 200
    assert person("employee").name in employee.get(
        f"/learn/attempts/{start(employee, 'cq')}").text  # the watermark


def test_a_layout_kept_for_an_attempt_id_is_not_trusted_for_another_attempt(employee):
    """The autosave keeps an attempt's rows and versions per worker by its id. A database
    restored from a backup, or SQLite after rows were deleted, can give that id to another
    attempt: the claim finds the attempt not the one kept (its start), nothing is written
    with the kept rows, and the answer is stored in the attempt as it is now."""
    make_quiz([single(), true_false(), single(stem="第三题")], slug="kept", mode="exam")
    attempt_id = start(employee, "kept")
    assert answer(employee, attempt_id, 0, RIGHT["single_choice"], headers=JSON).json["saved"]
    kept = quick_save._LAYOUTS[attempt_id]
    attempt = fresh(attempt_id)
    attempt.started_at = attempt.started_at - timedelta(minutes=3)  # "another" attempt
    db.session.commit()
    reply = answer(employee, attempt_id, 1, RIGHT["true_false"], headers=JSON)
    assert reply.status_code == 200 and reply.json["saved"] and reply.json["answered"] == 2
    assert [q.response for q in fresh(attempt_id).questions] == [1, False, None]
    assert attempt_id not in quick_save._LAYOUTS  # forgotten, read again by the next answer
    assert answer(employee, attempt_id, 2, RIGHT["single_choice"], headers=JSON).json[
        "answered"] == 3
    again = quick_save._LAYOUTS[attempt_id]
    assert again.started_at == fresh(attempt_id).started_at != kept.started_at
