"""Points: known records give known points (worked out by hand below), rule edits apply to
everyone at once, the month filter follows the clinic's calendar, ties share a rank."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.services.errors import DomainError
from app.services.points import leaderboard as boards
from app.services.points.rules import (
    RULES,
    SettingsErrors,
    load_settings,
    save_settings,
)
from app.services.points.tally import my_points, period_start, points_of
from tests.learning_factories import department, make_course, make_sop, person
from tests.points_factories import attempt, complete_lessons, run
from tests.quiz_factories import make_quiz

NOW = datetime(2026, 3, 15, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
MARCH_1_SHANGHAI = datetime(2026, 2, 28, 16, 30, tzinfo=UTC)  # 1 March 00:30 in Shanghai
FEB_28_SHANGHAI = datetime(2026, 2, 28, 15, 30, tzinfo=UTC)  # 28 Feb 23:30 in Shanghai


@pytest.fixture
def organisation(app, demo):
    """Two courses, two quizzes (one exam, one practice), an SOP; records of four people."""
    a = make_course("points-a", [("a1", "一", "x"), ("a2", "二", "x"), ("a3", "三", "x")])
    b = make_course("points-b", [("b1", "一", "x"), ("b2", "二", "x")])
    exam, other = make_quiz(slug="points-exam"), make_quiz(slug="points-other")
    practice_quiz = make_quiz(slug="points-practice", mode="practice")
    sop = make_sop("points-sop")
    # employee (王小雨): 4 lessons (a1-a3 in February, b1 in March; b2 only opened);
    # the exam failed once then passed twice → counted once; a passed practice quiz and a
    # wrong-question-book round do not count; one run signed off, one only handed in.
    complete_lessons("employee", a, ["a1", "a2", "a3"], at=FEB_28_SHANGHAI)
    complete_lessons("employee", b, ["b1"], at=MARCH_1_SHANGHAI)
    complete_lessons("employee", b, ["b2"], completed=False)
    attempt("employee", exam, passed=False, at=FEB_28_SHANGHAI)
    attempt("employee", exam, passed=True, at=MARCH_1_SHANGHAI)
    attempt("employee", exam, passed=True, at=NOW)
    attempt("employee", practice_quiz, passed=True, mode="practice", at=NOW)
    attempt("employee", None, passed=True, mode="wrong_book", at=NOW)
    run("employee", sop, at=MARCH_1_SHANGHAI)
    run("employee", sop, status="submitted", at=NOW)
    # 10005 (赵晴): 2 lessons, two exams passed (February), no run.
    complete_lessons("10005", a, ["a1", "a2"], at=NOW)
    attempt("10005", exam, passed=True, at=FEB_28_SHANGHAI)
    attempt("10005", other, passed=True, at=FEB_28_SHANGHAI)
    # 10009 (郑可): two runs signed off (one returned run does not count).
    run("10009", sop, at=NOW)
    run("10009", sop, at=FEB_28_SHANGHAI)
    run("10009", sop, status="returned", at=NOW)
    # 10012 (马丽): nothing.
    return {login: person(login).id for login in ("employee", "10005", "10009", "10012")}


def _points(ids, values=None, since=None):
    values = values or load_settings().values
    found = points_of(ids.values(), values, since)
    return {login: found[user_id] for login, user_id in ids.items()}


def test_defaults_are_the_one_table():
    assert {rule.key: rule.default for rule in RULES} == {
        "lesson_completed": 1, "quiz_passed": 5, "run_signed_off": 10, "class_attended": 5}


def test_known_records_give_known_points(organisation):
    # employee: 4 lessons × 1 + 1 quiz × 5 + 1 run × 10 = 19
    # 10005:    2 lessons × 1 + 2 quizzes × 5            = 12
    # 10009:                              2 runs × 10    = 20
    # 10012:                                                0
    assert _points(organisation) == {"employee": 19, "10005": 12, "10009": 20, "10012": 0}


def test_points_by_rule_for_one_person(organisation):
    since = period_start("month", NOW, "Asia/Shanghai")
    mine = my_points(organisation["employee"], load_settings().values, since)
    lines = {line.key: (line.count, line.count_in_period, line.points) for line in mine.lines}
    # March (Shanghai) holds b1, the first pass of the exam (1 March 00:30) and the run.
    assert lines == {"lesson_completed": (4, 1, 4), "quiz_passed": (1, 1, 5),
                     "run_signed_off": (1, 1, 10), "class_attended": (0, 0, 0)}
    assert (mine.total, mine.total_in_period) == (19, 16)


def test_month_follows_the_clinic_calendar(organisation):
    since = period_start("month", NOW, "Asia/Shanghai")
    assert since == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
    # employee: b1 (1) + exam first passed 1 March (5) + run 1 March (10)        = 16
    # 10005: a1, a2 now (2); both exams passed 28 February                        = 2
    # 10009: one run now (10), the other on 28 February                           = 10
    assert _points(organisation, since=since) == {"employee": 16, "10005": 2, "10009": 10,
                                                  "10012": 0}
    assert period_start("all", NOW, "Asia/Shanghai") is None


def test_edited_rules_apply_to_everyone_at_once(organisation):
    admin = person("admin")
    save_settings(admin, {"lesson_completed": "2", "quiz_passed": 0, "run_signed_off": " 3 ",
                          "class_attended": "4"}, True)
    db.session.commit()
    assert load_settings().values == {"lesson_completed": 2, "quiz_passed": 0,
                                      "run_signed_off": 3, "class_attended": 4}
    # employee: 4 × 2 + 1 × 0 + 1 × 3 = 11; 10005: 2 × 2 + 0 = 4; 10009: 2 × 3 = 6
    assert _points(organisation) == {"employee": 11, "10005": 4, "10009": 6, "10012": 0}


@pytest.mark.parametrize("bad", ["", "abc", "-1", "1001", "2.5", None, "1e3", "1_0", "+5"])
def test_rule_values_are_whole_numbers_from_0_to_1000(app, demo, bad):
    with pytest.raises(SettingsErrors) as caught:
        save_settings(person("admin"), {"lesson_completed": bad, "quiz_passed": "x",
                                        "run_signed_off": "10", "class_attended": "5"}, True)
    assert [error.field for error in caught.value.errors] == ["lesson_completed", "quiz_passed"]
    assert isinstance(caught.value, DomainError)
    assert "1000" in str(caught.value.errors[0])


def test_stored_garbage_falls_back_to_the_defaults(app, demo):
    from app.services.app_settings import write_setting

    write_setting("points_rules", {"lesson_completed": -5, "quiz_passed": "7",
                                   "run_signed_off": 4, "unknown": 9}, None)
    write_setting("leaderboard_enabled", "no", None)
    settings = load_settings()
    assert settings.values == {"lesson_completed": 1, "quiz_passed": 5, "run_signed_off": 4,
                               "class_attended": 5}
    assert settings.leaderboard_enabled is True


def _team_runs(counts: dict[str, int]) -> None:
    sop = make_sop("points-team-sop")
    for login, runs in counts.items():
        for _n in range(runs):
            run(login, sop)


def test_ties_share_a_rank_and_the_viewer_is_always_shown(app, demo):
    # 整形外科 and its 病房护理组: 周一帆 30, 吴佳 20, 冯医生 20, 郑可 10, 陈主管 (viewer) 0
    _team_runs({"10007": 3, "10008": 2, "10010": 2, "10009": 1})
    board = boards.leaderboard(person("supervisor"), "department", department("整形外科").id,
                               load_settings().values, None)
    assert [(row.rank, row.name, row.points) for row in board.rows] == [
        (1, "周一帆", 30), (2, "吴佳", 20), (2, "冯医生", 20), (4, "郑可", 10), (5, "陈主管", 0)]
    assert board.me.rank == 5 and board.members == 5
    assert [row.name for row in board.leaders] == ["周一帆", "吴佳", "冯医生", "郑可"]


def test_top_n_is_n_people_and_keeps_the_viewer(app, demo):
    _team_runs({"10007": 3, "10008": 2, "10010": 2, "10009": 1, "supervisor": 1})
    board = boards.leaderboard(person("10009"), "hospital", None, load_settings().values,
                               None, top=2)
    # the first 2: 周一帆 (1) and the older account of the two 20s (吴佳, rank 2); the
    # viewer 郑可 shares rank 4 with 陈主管 and is shown below the list
    assert [(row.rank, row.points, row.is_me, row.listed) for row in board.rows] == [
        (1, 30, False, True), (2, 20, False, True), (4, 10, True, False)]
    assert board.rows[1].name is None  # 吴佳 is not in 郑可's 病房护理组


def test_inactive_people_leave_the_board(app, demo):
    _team_runs({"10007": 3, "10008": 2, "10010": 2, "10009": 1})
    person("10007").active = False
    db.session.commit()
    board = boards.leaderboard(person("admin"), "department", department("整形外科").id,
                               load_settings().values, None)
    assert [(row.rank, row.name) for row in board.leaders] == [
        (1, "吴佳"), (1, "冯医生"), (3, "郑可")]


def test_month_board_counts_only_this_months_points(app, demo):
    sop = make_sop("points-month-sop")
    run("10007", sop, at=NOW - timedelta(days=40))
    run("10008", sop, at=NOW)
    values = load_settings().values
    board = boards.leaderboard(person("admin"), "department", department("整形外科").id,
                               values, period_start("month", NOW, "Asia/Shanghai"))
    assert [(row.name, row.points) for row in board.leaders] == [("吴佳", 10)]


def test_names_outside_ones_sight_are_hidden_on_the_clinic_board(app, demo):
    _team_runs({"10012": 5, "10011": 4, "10007": 1})  # 马丽 美容皮肤科, 何静 会员部
    board = boards.leaderboard(person("supervisor"), "hospital", None, load_settings().values,
                               None)
    assert [(row.rank, row.name, row.department) for row in board.leaders] == [
        (1, None, None), (2, None, None), (3, "周一帆", "整形外科")]
    employee_board = boards.leaderboard(person("employee"), "hospital", None,
                                        load_settings().values, None)
    assert all(row.name is None for row in employee_board.leaders)


def test_boards_outside_ones_scope_are_not_found(app, demo):
    from app.models import Hospital
    from app.services.errors import NotFound

    values = load_settings().values
    other_hospital = db.session.scalar(db.select(Hospital.id).where(
        Hospital.name == "星河医美滨江门诊部"))
    for login, scope, target in [("supervisor", "department", department("美容皮肤科").id),
                                 ("employee", "department", department("客服中心").id),
                                 ("supervisor", "hospital", other_hospital),
                                 ("employee", "hospital", 999999)]:
        with pytest.raises(NotFound):
            boards.leaderboard(person(login), scope, target, values, None)
    led = boards.leaderboard(person("supervisor"), "department", department("客服中心").id,
                             values, None)
    assert led.target_id == department("客服中心").id
