"""Trainer analytics computed by hand: a quiz's score distribution and item analysis (the
fixture is tests/analytics_factories.py: eleven takers × four questions), a course's drop-off,
an SOP's sign-off rate and most-returned steps."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.analytics.courses import course_summaries, lesson_funnel
from app.services.analytics.filters import make_filters
from app.services.analytics.quizzes import quiz_analysis, quiz_headlines
from app.services.analytics.sops import criterion_scores, returned_steps, sop_summaries
from tests.analytics_factories import course_fixture, exam_fixture, sop_fixture

# First attempts ranked by percent, ties by attempt id (the earlier first):
#   1 T1 75 · 2 T2 75 · 3 T3 62.5 · 4 T4 62.5 · 5 T5 50 · 6 T6 50 · 7 T8 50 · 8 T10 50 ·
#   9 T11 50 · 10 T7 37.5 · 11 T9 37.5           (T9's second attempt, 100 %, does not count)
# N = 11 → n = round(0.27 × 11) = round(2.97) = 3: upper = T1 T2 T3 (T3 beats T4 on the tie),
# lower = T11 T7 T9 (T11 is lower than T10 on the tie).


@pytest.fixture
def exam(app):
    return exam_fixture()


def _items(exam, **filters):
    return quiz_analysis(make_filters(**filters), exam.quiz.id)


def test_score_distribution(exam):
    summary = _items(exam).summary
    assert summary.takers == 11  # the twelfth person's attempt is unfinished
    # 75·2 + 62.5·2 + 50·5 + 37.5·2 = 150 + 125 + 250 + 75 = 600; 600 / 11
    assert summary.mean == pytest.approx(600 / 11)
    assert summary.passed == 4 and summary.pass_rate == pytest.approx(4 / 11)  # ≥ 60 %: T1–T4
    assert [b.count for b in summary.buckets] == [0, 0, 0, 2, 0, 5, 2, 2, 0, 0]
    assert summary.buckets[9].label == "90–100"


def test_facility_discrimination_and_flags(exam):
    q1, q2, q3, q4 = _items(exam).items
    # Q1: right = T1 T2 T3 T4 T6 T8 → p = 6/11; upper 3/3, lower 0/3 → D = 1; no flag
    assert (q1.facility, q1.full) == (pytest.approx(6 / 11), 6)
    assert (q1.p_upper, q1.p_lower, q1.discrimination) == (1.0, 0.0, 1.0)
    assert q1.flags == () and q1.versions == 2 and q1.label == "Q1 客户说太贵了（新版）"
    # Q2 fractions: 1 1 .5 .5 1 0 .5 0 .5 0 0 → Σ = 5, p = 5/11, fully right T1 T2 T5 = 3;
    # upper (1 + 1 + .5)/3 = 5/6, lower (T11 0 + T7 .5 + T9 .5)/3 = 1/3 → D = 1/2
    assert (q2.facility, q2.full) == (pytest.approx(5 / 11), 3)
    assert q2.p_upper == pytest.approx(5 / 6) and q2.p_lower == pytest.approx(1 / 3)
    assert q2.discrimination == pytest.approx(0.5) and q2.flags == ()
    # Q3: right only T10 T11 → p = 2/11 ≈ 0.18 < 0.2 (too hard); upper 0, lower 1/3 (T11)
    # → D = −1/3 < 0.1 (weak)
    assert q3.facility == pytest.approx(2 / 11)
    assert q3.discrimination == pytest.approx(-1 / 3) and q3.flags == ("hard", "weak")
    # Q4: everybody right → p = 1 > 0.95 (too easy), D = 1 − 1 = 0 (weak)
    assert (q4.facility, q4.discrimination, q4.flags) == (1.0, 0.0, ("easy", "weak"))
    assert all(item.answered == 11 and item.enough for item in (q1, q2, q3, q4))


def _counts(item):
    return {str(option.text): (option.count, option.correct) for option in item.options}


def test_option_distribution_by_option_not_by_shown_position(exam):
    q1, q2, q3, q4 = _items(exam).items
    # Q1: A ← T5 T9 T10; B ← T1 T2 T3 T4 T6 T8; C ← T7 T11, who were asked version 2
    # ("暂不回复"); version 1's "不回复" was chosen by nobody. Newest wording first.
    assert _counts(q1) == {"直接打折": (3, False), "先认同感受，再问预算和顾虑": (6, True),
                           "暂不回复": (2, False), "不回复": (0, False)}
    assert [str(o.text) for o in q1.options][2:] == ["暂不回复", "不回复"]
    # Q2 (each taker counts once per option chosen): 恢复情况 ← T1 T2 T3 T5 T6 T7 T9 = 7;
    # 客户的顾虑 ← T1 T2 T4 T5 T6 = 5; 身份证号 ← T6 T8 T11 = 3; T10 left it empty
    assert _counts(q2) == {"恢复情况": (7, True), "客户的顾虑": (5, True),
                           "客户身份证号": (3, False)}
    assert q2.no_answer == 1
    # Q3: "true" ← T1–T9 (wrong), "false" ← T10 T11 (right)
    assert [(o.count, o.correct) for o in q3.options] == [(9, False), (2, True)]
    assert _counts(q4)["先认同感受，再问预算和顾虑"] == (11, True)


def test_filters_by_department_subtree_and_china_dates(exam):
    west = _items(exam, department_id=exam.west.id)  # T7–T10 and T11 of the sub-department
    assert west.summary.takers == 5 and not west.enough
    assert all(item.flags == () for item in west.items)  # too few takers: no flags
    # 2 March in China: T6–T11, handed in at 01:35 China time (still 1 March in UTC)
    second = _items(exam, date_from=date(2026, 3, 2), date_to=date(2026, 3, 2))
    assert second.summary.takers == 6
    # T6 50, T7 37.5, T8 50, T9 37.5, T10 50, T11 50 → mean 275 / 6
    assert second.summary.mean == pytest.approx(275 / 6)
    assert _items(exam, date_to=date(2026, 2, 28)).summary.takers == 0


def test_headlines_use_first_attempts(exam):
    headline = next(h for h in quiz_headlines(make_filters()) if h.quiz_id == exam.quiz.id)
    assert (headline.takers, headline.passed) == (11, 4)
    assert headline.mean == pytest.approx(600 / 11)


# ---- a course ------------------------------------------------------------------------------

def test_course_started_completed_and_drop_off(app):
    course, east, _west = course_fixture()
    (summary,) = course_summaries(make_filters(), course.id)
    # started: L1–L5 = 5; completed all three lessons: L1 only
    assert (summary.lessons, summary.started, summary.completed) == (3, 5, 1)
    assert summary.completion_rate == pytest.approx(1 / 5)
    funnel = lesson_funnel(make_filters(), course.id)
    assert [lesson.key for lesson in funnel] == ["k1", "k2", "k3"]
    # k1: reached by all 5, completed by L1 L2 L3 L5; k2: reached L1 L2, completed L1 L2;
    # k3: reached L1 L2 L5, completed L1 L5
    assert [(lesson.reached, lesson.completed) for lesson in funnel] == [(5, 4), (2, 2),
                                                                          (3, 2)]
    # dropped after k1 (completed k1, not k2): L3 L5 = 2; after k2 (not k3): L2 = 1
    assert [lesson.dropped for lesson in funnel] == [2, 1, None]
    (east_only,) = course_summaries(make_filters(department_id=east.id), course.id)
    assert (east_only.started, east_only.completed) == (4, 1)
    cohort = make_filters(date_from=date(2026, 3, 2), date_to=date(2026, 3, 2))
    assert [(lesson.reached, lesson.completed, lesson.dropped)
            for lesson in lesson_funnel(cohort, course.id)] == [(1, 1, 1), (0, 0, 0),
                                                                (1, 1, None)]


# ---- an SOP module -------------------------------------------------------------------------

def test_sop_sign_off_rate_rubric_and_returned_steps(demo):
    module = sop_fixture()
    (summary,) = sop_summaries(make_filters(), module.id)
    # started R1–R5; handed in R1 R2 R3 R5; decided R1 R2 R3; signed off R1 R2
    assert (summary.started, summary.submitted, summary.decided, summary.signed_off) == (
        5, 4, 3, 2)
    assert summary.sign_off_rate == pytest.approx(2 / 3)
    assert summary.first_time == 1 and summary.rounds == pytest.approx(1.5)  # (1 + 2) / 2
    scores = {c.key: (c.mean, c.reviews) for c in criterion_scores(make_filters(), module,
                                                                    ["accuracy"])}
    # accuracy (4 + 2 + 4 + 1)/4; timeliness (5 + 3 + 4 + 2)/4; communication (3 + 4 + 4 + 3)/4
    assert scores == {"accuracy": (2.75, 4), "timeliness": (3.5, 4),
                      "communication": (3.5, 4)}
    steps = returned_steps(make_filters(), module.id)
    # s2: commented in both returned reviews; s3: once; s1: never
    assert [(s.key, s.title, s.comments, s.reviews) for s in steps] == [
        ("s2", "第2步", 2, 2), ("s3", "第3步", 1, 1), ("s1", "第1步", 0, 0)]
