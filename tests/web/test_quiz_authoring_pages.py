"""The trainer's quiz pages: create a quiz through the forms, pick questions, add a draw rule,
publish; bad input comes back as the form with a message and writes nothing; the results
page and the list run a constant number of statements."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Quiz, QuizAttempt, QuizDrawRule, QuizItem
from app.models.base import utcnow
from app.services.quiz import attempts
from tests.learning_factories import person
from tests.naughty import representative
from tests.quiz_factories import make_bank, make_quiz, short_answer, single, true_false
from tests.web.quiz_helpers import shown, submit_attempt
from tests.web.test_naughty_strings import (
    BLNS,
    FIELD_WITH_ERROR,
    NUL_STRINGS,
    Sweep,
    as_typed,
    text_reasons,
)

SETTINGS = {"title": "术后回访考核", "description": "考核术后回访话术", "mode": "exam",
            "pass_percent": "80", "time_limit_minutes": "30", "max_attempts": "3",
            "cooldown_minutes": "10", "opens_at": "2026-03-01T09:00",
            "closes_at": "2026-03-08T18:00", "grading_method": "last", "review": "after_close",
            "shuffle_questions": "y", "course_id": "0", "sop_module_id": "0"}


@pytest.fixture
def trainer(client, auth, demo):
    auth.as_role("trainer")
    return client


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _new_quiz(trainer, **changes) -> Quiz:
    response = trainer.post("/manage/quizzes/new", data={**SETTINGS, **changes})
    assert response.status_code == 302, response.text
    return db.session.scalar(select(Quiz).order_by(Quiz.id.desc()).limit(1))


def test_the_trainer_desk_links_to_the_quizzes(trainer):
    page = trainer.get("/manage/").text
    assert 'href="/manage/quizzes"' in page
    assert trainer.get("/manage/quizzes").status_code == 200


def test_a_quiz_is_built_through_the_forms_and_published(trainer):
    quiz = _new_quiz(trainer)
    assert (quiz.slug, quiz.pass_percent, quiz.time_limit_minutes, quiz.max_attempts) == (
        "shu-hou-hui-fang-kao-he", 80.0, 30, 3)
    assert (quiz.grading_method, quiz.review, quiz.shuffle_questions,
            quiz.shuffle_options) == ("last", "after_close", True, False)
    assert quiz.opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 China time
    fixed = make_bank([single("客户问价格怎么回？"), true_false("可以承诺效果。")])
    drawn = make_bank([single(f"抽题{n}") for n in range(3)])

    # an empty quiz opens on the bank that last got a question; "all" searches every bank
    opened = trainer.get(f"/manage/quizzes/{quiz.id}/questions").text
    assert "抽题0" in opened and "客户问价格怎么回？" not in opened
    assert f'<option value="{drawn[0].bank_id}" selected' in opened
    picker = trainer.get(f"/manage/quizzes/{quiz.id}/questions?bank={fixed[0].bank_id}")
    assert "客户问价格怎么回？" in picker.text and "抽题0" not in picker.text
    searched = trainer.get(f"/manage/quizzes/{quiz.id}/questions?bank=all&q=承诺")
    assert "可以承诺效果。" in searched.text and "客户问价格怎么回？" not in searched.text
    typed = trainer.get(f"/manage/quizzes/{quiz.id}/questions?bank=all&type=true_false")
    assert "可以承诺效果。" in typed.text and "抽题1" not in typed.text

    added = trainer.post(f"/manage/quizzes/{quiz.id}/questions?bank={fixed[0].bank_id}",
                         data={"question_ids": [fixed[1].id, fixed[0].id]})
    assert added.status_code == 302 and f"bank={fixed[0].bank_id}" in added.location
    rule = trainer.post(f"/manage/quizzes/{quiz.id}/rules/new",
                        data={"bank_id": drawn[0].bank_id, "category_id": 0, "tag": "",
                              "difficulty": 0, "count": 2, "points": "2"})
    assert rule.status_code == 302
    assert trainer.post(f"/manage/quizzes/{quiz.id}/publish",
                        data={"value": "1"}).status_code == 302

    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz.id)
    assert [item.question_id for item in quiz.items] == [fixed[1].id, fixed[0].id]
    assert [(r.bank_id, r.count, r.points) for r in quiz.draw_rules] == [
        (drawn[0].bank_id, 2, 2.0)]
    assert quiz.published
    overview = trainer.get(f"/manage/quizzes/{quiz.id}").text
    assert "客户问价格怎么回？" in overview and 'data-testid="draw-rule"' in overview
    assert '<dd data-testid="question-count">4</dd>' in overview
    in_picker = trainer.get(f"/manage/quizzes/{quiz.id}/questions")  # the quiz's bank now
    assert f'name="question_ids" value="{fixed[0].id}"' not in in_picker.text  # in the quiz
    assert "客户问价格怎么回？" in in_picker.text and "抽题0" not in in_picker.text


def test_the_picker_pages_its_questions_and_keeps_its_filters(trainer, count_statements):
    quiz = _new_quiz(trainer)
    make_bank([single(f"少{n}") for n in range(21)])  # more than a page, as below
    trainer.get(f"/manage/quizzes/{quiz.id}/questions")  # the session's first-page work
    statements = [_statements(trainer, count_statements, f"/manage/quizzes/{quiz.id}/questions")]
    bank_id = make_bank([single(f"第{n:02d}题") for n in range(25)])[0].bank_id
    statements.append(_statements(trainer, count_statements,
                                  f"/manage/quizzes/{quiz.id}/questions"))
    statements.append(_statements(trainer, count_statements,
                                  f"/manage/quizzes/{quiz.id}/questions?bank=all&q=题"))
    # whatever the banks hold; a chosen bank saves looking up the quiz's own
    assert statements[0] == statements[1] == statements[2] + 1, statements
    first = trainer.get(f"/manage/quizzes/{quiz.id}/questions?bank={bank_id}").text
    second = trainer.get(f"/manage/quizzes/{quiz.id}/questions?bank={bank_id}&page=2").text
    assert first.count('name="question_ids"') == 20 and second.count('name="question_ids"') == 5
    assert f"bank={bank_id}&amp;page=2" in first  # the next page keeps the filter
    odd = trainer.get(f"/manage/quizzes/{quiz.id}/questions?quiz_id=1&_external=1&bank=x")
    assert odd.status_code == 200 and "http://" not in odd.text.split("<main")[1]


def test_the_edit_form_shows_china_time_and_saves_changes(trainer):
    quiz = _new_quiz(trainer)
    form = trainer.get(f"/manage/quizzes/{quiz.id}/edit").text
    assert 'value="2026-03-01T09:00"' in form
    response = trainer.post(f"/manage/quizzes/{quiz.id}/edit",
                            data={**SETTINGS, "title": "新名字", "mode": "practice"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (quiz.title, quiz.mode, quiz.slug) == ("新名字", "practice", "shu-hou-hui-fang-kao-he")


BAD = [
    ("pass_percent", {"pass_percent": "150"}, "The pass mark must be between 0 and 100.", {}),
    ("closes_at", {"closes_at": "2026-02-28T09:00"}, "The quiz must close after it opens.", {}),
    ("time_limit_minutes", {"time_limit_minutes": "0"},
     "The time limit must be between 1 and 1440 minutes.", {}),
    ("max_attempts", {"max_attempts": "0"}, "Attempts allowed must be between 1 and 1000.", {}),
    ("title", {"title": "  "}, "%(label)s is required.", {"label": "Title"}),
    ("course_id", {"course_id": "987654"}, "Choose a course from the list.", {}),
    ("grading_method", {"grading_method": "best"}, "Unknown grading method.", {}),
]


@pytest.mark.parametrize("field,changes,msgid,values", BAD, ids=[b[0] for b in BAD])
def test_bad_settings_come_back_with_a_message_and_write_nothing(trainer, field, changes,
                                                                 msgid, values):
    values = {k: shown(v) for k, v in values.items()}
    response = trainer.post("/manage/quizzes/new", data={**SETTINGS, **changes})
    assert response.status_code == 200
    assert 'class="form-error"' in response.text
    assert shown(msgid, **values) in response.text
    assert FIELD_WITH_ERROR.findall(response.text) == [field]  # the message is at its field
    assert _count(Quiz) == 0


def test_a_number_that_is_no_number_is_refused_by_the_form(trainer):
    response = trainer.post("/manage/quizzes/new", data={**SETTINGS, "pass_percent": "abc",
                                                         "opens_at": "明天"})
    assert response.status_code == 200 and response.text.count('class="form-error"') == 2
    assert _count(Quiz) == 0


def test_the_messages_are_chinese(trainer):
    response = trainer.post("/manage/quizzes/new", data={**SETTINGS, "title": ""})
    assert "标题" in response.text  # "Title" in the existing catalog


def test_a_draw_rule_the_bank_cannot_fill_is_refused_with_how_many_there_are(trainer):
    quiz = _new_quiz(trainer)
    bank_id = make_bank([single(), single(), true_false()])[0].bank_id
    response = trainer.post(f"/manage/quizzes/{quiz.id}/rules/new",
                            data={"bank_id": bank_id, "count": 5})
    assert response.status_code == 200
    assert shown("Not enough matching questions: the rule draws %(need)d, but the bank has "
                 "only %(have)d (not counting this quiz's fixed questions).",
                 need=5, have=3) in response.text
    assert _count(QuizDrawRule) == 0


def test_publishing_an_empty_quiz_is_refused_with_a_message(trainer):
    quiz = _new_quiz(trainer)
    response = trainer.post(f"/manage/quizzes/{quiz.id}/publish", data={"value": "1"},
                            follow_redirects=True)
    assert shown("Add questions before publishing: this quiz has none.") in response.text
    db.session.expire_all()
    assert not db.session.get(Quiz, quiz.id).published


def test_items_get_points_move_and_leave(trainer):
    quiz = _new_quiz(trainer)
    rows = make_bank([single("第一题"), true_false("第二题")])
    trainer.post(f"/manage/quizzes/{quiz.id}/questions",
                 data={"question_ids": [q.id for q in rows]})
    first, second = db.session.scalars(select(QuizItem).order_by(QuizItem.rank)).all()
    trainer.post(f"/manage/quiz-items/{first.id}/points", data={"points": "3"})
    bad = trainer.post(f"/manage/quiz-items/{second.id}/points", data={"points": "-2"},
                       follow_redirects=True)
    assert shown("Points must be more than 0 and at most %(max)d.", max=1000) in bad.text
    trainer.post(f"/manage/quiz-items/{first.id}/move", data={"direction": "down"})
    trainer.post(f"/manage/quiz-items/{second.id}/delete", data={})  # no confirm: kept
    db.session.expire_all()
    assert [(i.question_id, i.points) for i in db.session.get(Quiz, quiz.id).items] == [
        (rows[1].id, None), (rows[0].id, 3.0)]
    trainer.post(f"/manage/quiz-items/{second.id}/delete", data={"confirm": "yes"})
    db.session.expire_all()
    assert [i.question_id for i in db.session.get(Quiz, quiz.id).items] == [rows[0].id]


def test_the_list_shows_counts_and_what_a_quiz_is_attached_to(trainer):
    quiz = make_quiz([single(), short_answer()], title="带简答的测验")
    submit_attempt(quiz, "employee")
    page = trainer.get("/manage/quizzes").text
    row = page[page.index("带简答的测验"):].split("</tr>")[0]
    cells = [cell.split("<")[0].strip() for cell in row.split('class="num">')[1:]]
    assert cells[0] == "2"  # questions
    assert '<span class="badge warn">1</span>' in row  # waiting for grading


# ---- results ---------------------------------------------------------------------------------

def test_the_results_sweep_overdue_attempts_and_show_the_score_that_counts(trainer):
    quiz = make_quiz([single()], time_limit_minutes=5, grading_method="highest")
    employee = person("employee")
    late = attempts.start(quiz, employee, utcnow() - timedelta(hours=1))
    attempts.save_answer(late, 0, "1", utcnow() - timedelta(hours=1))
    db.session.commit()
    page = trainer.get(f"/manage/quizzes/{quiz.id}/results").text
    db.session.expire_all()
    late = db.session.get(QuizAttempt, late.id)
    assert late.state == "finished" and late.auto_submitted and late.percent == 100.0
    assert "王小雨" in page and "100.0%" in page
    assert shown("Automatic") in page


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def _attempts(quiz, count: int) -> None:
    logins = ["employee", "10005", "10006", "10007", "10008", "10009"]
    done = db.session.scalar(select(func.count(QuizAttempt.id)))
    for n in range(done, count):
        submit_attempt(quiz, logins[n % len(logins)])


def test_results_and_list_run_a_constant_number_of_statements(trainer, count_statements):
    quiz = make_quiz([single(), short_answer()])
    urls = [f"/manage/quizzes/{quiz.id}/results", "/manage/quizzes"]
    _attempts(quiz, 3)
    few = [_statements(trainer, count_statements, url) for url in urls]
    _attempts(quiz, 30)
    many = [_statements(trainer, count_statements, url) for url in urls]
    assert many == few
    assert trainer.get(urls[0]).text.count('data-testid="attempt-row"') == 30


# ---- naughty strings -------------------------------------------------------------------------

@pytest.fixture
def blns(shared_dir) -> list[str]:
    path = shared_dir / BLNS
    if not path.is_file():
        pytest.skip(f"../shared/{BLNS} is absent: the naughty strings are not available")
    return representative(json.loads(path.read_text(encoding="utf-8"))) + NUL_STRINGS


def test_every_string_as_the_title_of_a_new_quiz(trainer, blns):
    def on_save(s, value, response):
        if len(sweep.saved_values) % 20 == 0:
            with trainer.session_transaction() as session:
                session.pop("_flashes", None)

    sweep = Sweep(
        "title", lambda i, s: trainer.post("/manage/quizzes/new", data={**SETTINGS, "title": s}),
        lambda response: response.status_code == 302,
        stored=lambda: db.session.scalar(select(Quiz.title).order_by(Quiz.id.desc()).limit(1)),
        expected=as_typed, reasons=lambda s: text_reasons(s, 200),
        state=lambda: (_count(Quiz),), on_save=on_save,
    )
    sweep.run(blns).check_shown(trainer.get("/manage/quizzes").text).assert_clean()
