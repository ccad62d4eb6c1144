"""Building quizzes at the service level: settings and their validation, China time stored as
UTC, fixed questions, draw rules that a bank must be able to fill, publishing, and past
attempts that never change when the quiz does."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import QuestionCategory, Quiz, QuizAttempt
from app.services.content.slugs import readable
from app.services.errors import DomainError
from app.services.quiz import attempts, authoring, quiz_reports
from app.services.quiz.authoring import DrawRuleData, QuizSettingsData
from tests.learning_factories import make_course, person
from tests.quiz_factories import make_bank, make_quiz, short_answer, single, true_false

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def trainer(demo):
    return person("trainer")


def _quizzes() -> int:
    return db.session.scalar(select(func.count(Quiz.id)))


def _new_quiz(trainer, **settings) -> Quiz:
    quiz = authoring.save_quiz(None, QuizSettingsData(title="术后回访考核", **settings), trainer)
    db.session.commit()
    return quiz


# ---- settings --------------------------------------------------------------------------------

def test_a_chinese_title_gets_a_pinyin_slug_and_an_english_one_its_words(trainer):
    first, second = _new_quiz(trainer), _new_quiz(trainer)
    english = authoring.save_quiz(None, QuizSettingsData(title="Aftercare exam"), trainer)
    slugs = (first.slug, second.slug, english.slug)
    assert slugs == (readable(first.title), readable(first.title) + "-2", "aftercare-exam")
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", first.slug)
    assert first.source == "web" and first.created_by_id == trainer.id
    assert not first.published


LOCAL = datetime(2026, 3, 1, 9, 0)  # China time, as a datetime-local field gives it
BAD_SETTINGS = [
    ("title", {"title": ""}),
    ("title", {"title": "长" * 201}),
    ("title", {"title": "标题\x07"}),
    ("mode", {"mode": "quiz"}),
    ("pass_percent", {"pass_percent": 150}),
    ("pass_percent", {"pass_percent": -1}),
    ("pass_percent", {"pass_percent": float("nan")}),
    ("pass_percent", {"pass_percent": None}),
    ("time_limit_minutes", {"time_limit_minutes": 0}),
    ("time_limit_minutes", {"time_limit_minutes": 1441}),
    ("max_attempts", {"max_attempts": 0}),
    ("max_attempts", {"max_attempts": 1001}),
    ("cooldown_minutes", {"cooldown_minutes": -1}),
    ("cooldown_minutes", {"cooldown_minutes": 43201}),
    ("closes_at", {"opens_at": LOCAL, "closes_at": LOCAL - timedelta(hours=1)}),
    ("closes_at", {"opens_at": LOCAL, "closes_at": LOCAL}),
    ("opens_at", {"opens_at": datetime(1, 1, 1)}),
    ("closes_at", {"closes_at": datetime(9999, 12, 31, 23, 59)}),
    ("grading_method", {"grading_method": "best"}),
    ("review", {"review": "sometimes"}),
    ("course_id", {"course_id": 987654}),
    ("sop_module_id", {"sop_module_id": 987654}),
]


@pytest.mark.parametrize("field,values", BAD_SETTINGS, ids=[f"{f}-{i}" for i, (f, _v)
                                                              in enumerate(BAD_SETTINGS)])
def test_bad_settings_are_refused_naming_the_field_and_nothing_is_written(trainer, field,
                                                                          values):
    data = QuizSettingsData(**{"title": "测验", **values})
    with pytest.raises(DomainError) as error:
        authoring.save_quiz(None, data, trainer)
    db.session.rollback()
    assert error.value.field == field
    assert str(error.value)
    assert _quizzes() == 0


def test_a_refused_edit_leaves_the_quiz_as_it_was(trainer):
    quiz = _new_quiz(trainer, pass_percent=80)
    with pytest.raises(DomainError):
        authoring.save_quiz(quiz, QuizSettingsData(title="新标题", pass_percent=150), trainer)
    db.session.rollback()
    assert (quiz.title, quiz.pass_percent) == ("术后回访考核", 80)


def test_china_time_from_the_form_is_stored_as_utc_and_shown_back_as_china_time(trainer):
    quiz = _new_quiz(trainer, opens_at=LOCAL, closes_at=LOCAL + timedelta(days=7))
    db.session.expire_all()
    assert quiz.opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert quiz.opens_at.tzinfo is not None
    assert quiz.closes_at == datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
    shown = authoring.settings_of(quiz)
    assert (shown.opens_at, shown.closes_at) == (LOCAL, LOCAL + timedelta(days=7))


def test_a_time_that_already_has_a_zone_is_only_converted(trainer):
    aware = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert authoring.to_utc(aware) == aware
    assert authoring.to_utc(LOCAL, "Europe/Berlin") == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_a_quiz_can_be_attached_to_a_course(trainer):
    course = make_course("aftercare")
    quiz = _new_quiz(trainer, course_id=course.id)
    assert quiz.course_id == course.id and quiz.sop_module_id is None
    authoring.save_quiz(quiz, QuizSettingsData(title="单独测验", course_id=0), trainer)
    assert quiz.course_id is None


# ---- fixed questions -------------------------------------------------------------------------

def test_questions_of_any_bank_are_added_once_in_order(trainer):
    quiz = _new_quiz(trainer)
    first = make_bank([single(), true_false()])
    second = make_bank([short_answer()])
    ids = [first[1].id, second[0].id, first[0].id]
    assert authoring.add_questions(quiz, ids) == 3
    assert authoring.add_questions(quiz, [first[0].id]) == 0  # already there: skipped
    assert [item.question_id for item in quiz.items] == ids
    assert [item.rank for item in quiz.items] == [0, 1, 2]


def test_unknown_or_archived_questions_and_an_empty_choice_are_refused(trainer):
    quiz = _new_quiz(trainer)
    question = make_bank([single()])[0]
    question.archived = True
    for ids in ([], [987654], [question.id]):
        with pytest.raises(DomainError):
            authoring.add_questions(quiz, ids)
    assert quiz.items == []


def test_fixed_questions_move_and_are_removed(trainer):
    quiz = _new_quiz(trainer)
    rows = make_bank([single(), true_false(), short_answer()])
    authoring.add_questions(quiz, [q.id for q in rows])
    authoring.move_item(quiz.items[2], "up")
    assert [i.question_id for i in quiz.items] == [rows[0].id, rows[2].id, rows[1].id]
    authoring.remove_item(quiz.items[0])
    assert [(i.question_id, i.rank) for i in quiz.items] == [(rows[2].id, 0),
                                                                 (rows[1].id, 1)]


@pytest.mark.parametrize("points", [0, -1, 1001, float("inf"), float("nan")])
def test_item_points_out_of_range_are_refused(trainer, points):
    quiz = _new_quiz(trainer)
    authoring.add_questions(quiz, [make_bank([single()])[0].id])
    with pytest.raises(DomainError) as error:
        authoring.set_item_points(quiz.items[0], points)
    assert error.value.field == "points"


# ---- draw rules ------------------------------------------------------------------------------

def test_a_draw_rule_is_refused_when_the_bank_has_too_few_matching_questions(trainer):
    quiz = _new_quiz(trainer)
    rows = make_bank([single(), single(), true_false()])
    bank_id = rows[0].bank_id
    with pytest.raises(DomainError) as error:
        authoring.save_draw_rule(quiz, None, DrawRuleData(bank_id=bank_id, count=4))
    assert error.value.field == "count" and "3" in str(error.value)
    authoring.add_questions(quiz, [rows[0].id])  # fixed questions are never drawn
    with pytest.raises(DomainError) as error:
        authoring.save_draw_rule(quiz, None, DrawRuleData(bank_id=bank_id, count=3))
    assert "2" in str(error.value)
    rule = authoring.save_draw_rule(quiz, None, DrawRuleData(bank_id=bank_id, count=2))
    assert (rule.count, rule.rank, quiz.draw_rules) == (2, 0, [rule])


def test_a_draw_rule_counts_only_questions_matching_its_filters(trainer):
    quiz = _new_quiz(trainer)
    rows = make_bank([single(tags=["价格"], difficulty=2), single(tags=["价格"]), true_false()])
    bank_id = rows[0].bank_id
    top = QuestionCategory(bank_id=bank_id, path="咨询")
    sub = QuestionCategory(bank_id=bank_id, path="咨询/价格")
    db.session.add_all([top, sub])
    db.session.flush()
    rows[0].category_id, rows[1].category_id = sub.id, top.id
    authoring.save_draw_rule(quiz, None, DrawRuleData(bank_id, category_id=top.id, count=2))
    for data in (DrawRuleData(bank_id, category_id=sub.id, count=2),
                 DrawRuleData(bank_id, tag="价格", difficulty=2, count=2)):
        with pytest.raises(DomainError) as error:
            authoring.save_draw_rule(quiz, None, data)
        assert "1" in str(error.value)


def test_a_draw_rule_needs_a_bank_its_own_category_and_sane_numbers(trainer):
    quiz = _new_quiz(trainer)
    bank_id = make_bank([single()])[0].bank_id
    other = make_bank([single()])[0].bank_id
    category = QuestionCategory(bank_id=other, path="别的")
    db.session.add(category)
    db.session.flush()
    cases = [("bank_id", DrawRuleData(None)), ("bank_id", DrawRuleData(987654)),
             ("category_id", DrawRuleData(bank_id, category_id=category.id)),
             ("difficulty", DrawRuleData(bank_id, difficulty=6)),
             ("count", DrawRuleData(bank_id, count=0)),
             ("count", DrawRuleData(bank_id, count=None)),
             ("points", DrawRuleData(bank_id, points=0)),
             ("tag", DrawRuleData(bank_id, tag="x" * 101))]
    for field, data in cases:
        with pytest.raises(DomainError) as error:
            authoring.save_draw_rule(quiz, None, data)
        assert error.value.field == field
    assert quiz.draw_rules == []


def test_editing_a_rule_checks_the_new_count_and_deleting_renumbers(trainer):
    quiz = _new_quiz(trainer)
    bank_id = make_bank([single(), true_false()])[0].bank_id
    first = authoring.save_draw_rule(quiz, None, DrawRuleData(bank_id, count=1))
    second = authoring.save_draw_rule(quiz, None, DrawRuleData(bank_id, count=1, points=2))
    db.session.commit()
    with pytest.raises(DomainError):
        authoring.save_draw_rule(quiz, first, DrawRuleData(bank_id, count=3))
    db.session.rollback()
    authoring.delete_draw_rule(first)
    assert [(r.id, r.rank, r.points) for r in quiz.draw_rules] == [(second.id, 0, 2.0)]


# ---- publishing ------------------------------------------------------------------------------

def test_publishing_an_empty_quiz_is_refused(trainer):
    quiz = _new_quiz(trainer)
    with pytest.raises(DomainError):
        authoring.set_published(quiz, True)
    assert not quiz.published
    authoring.add_questions(quiz, [make_bank([single()])[0].id])
    authoring.set_published(quiz, True)
    assert quiz.published


def test_a_quiz_of_archived_questions_only_counts_as_empty(trainer):
    quiz = _new_quiz(trainer)
    question = make_bank([single()])[0]
    authoring.add_questions(quiz, [question.id])
    question.archived = True
    with pytest.raises(DomainError):
        authoring.set_published(quiz, True)


def test_a_draw_rule_its_bank_can_no_longer_fill_stops_publishing(trainer):
    quiz = _new_quiz(trainer)
    rows = make_bank([single(), true_false()])
    authoring.save_draw_rule(quiz, None, DrawRuleData(rows[0].bank_id, count=2))
    rows[1].archived = True
    with pytest.raises(DomainError) as error:
        authoring.set_published(quiz, True)
    assert "1" in str(error.value)


def test_an_archived_quiz_is_not_published_until_restored(trainer):
    quiz = _new_quiz(trainer)
    authoring.add_questions(quiz, [make_bank([single()])[0].id])
    authoring.set_archived(quiz, True)
    with pytest.raises(DomainError):
        authoring.set_published(quiz, True)
    authoring.set_archived(quiz, False)
    authoring.set_published(quiz, True)
    assert quiz.published and not quiz.archived


# ---- history ---------------------------------------------------------------------------------

def test_changing_a_quiz_leaves_past_attempts_and_their_scores_alone(trainer):
    employee = person("employee")
    quiz = make_quiz([single(), true_false()], pass_percent=50)
    attempt = attempts.start(quiz, employee, T0)
    attempts.save_answer(attempt, 0, "1", T0)  # right; the true/false left wrong
    attempts.save_answer(attempt, 1, "对", T0)
    attempts.submit(attempt, T0 + timedelta(minutes=1))
    db.session.commit()
    before = (attempt.score, attempt.max_score, attempt.percent, attempt.passed,
              attempt.pass_percent, [row.points for row in attempt.questions])
    assert before == (1.0, 2.0, 50.0, True, 50.0, [1.0, 1.0])

    authoring.save_quiz(quiz, QuizSettingsData(title="改过的测验", pass_percent=90), trainer)
    authoring.set_item_points(quiz.items[0], 10)
    authoring.remove_item(quiz.items[1])
    authoring.add_questions(quiz, [make_bank([short_answer()])[0].id])
    db.session.commit()
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt.id)
    after = (attempt.score, attempt.max_score, attempt.percent, attempt.passed,
             attempt.pass_percent, [row.points for row in attempt.questions])
    assert after == before
    assert len(attempt.questions) == 2


def test_the_results_group_attempts_by_employee_with_the_score_that_counts(trainer):
    employee = person("employee")
    quiz = make_quiz([single()], grading_method="last")
    for answer in ("1", "0"):  # right, then wrong
        attempt = attempts.start(quiz, employee, T0)
        attempts.save_answer(attempt, 0, answer, T0)
        attempts.submit(attempt, T0)
    db.session.commit()
    (entry,) = quiz_reports.quiz_results(quiz)
    assert entry.user.login == "employee"
    assert [a.percent for a in entry.attempts] == [100.0, 0.0]
    assert (entry.result.percent, entry.result.passed) == (0.0, False)
    (row,) = [r for r in quiz_reports.quiz_overview() if r.quiz.id == quiz.id]
    assert (row.questions, row.attempts, row.waiting) == (1, 2, 0)
