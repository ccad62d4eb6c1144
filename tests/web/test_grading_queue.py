"""The grading queue: supervisors grade their own team's short answers, trainers everyone's;
grading totals the attempt; out-of-scope answers and attempts do not exist; employees are
refused; the queue runs a constant number of statements."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AttemptQuestion, QuizAttempt
from app.models.base import utcnow
from app.services.quiz import attempts
from tests.conftest import Auth
from tests.learning_factories import person
from tests.naughty import representative
from tests.quiz_factories import make_quiz, single
from tests.web.quiz_helpers import quiz_with_short_answer, short_row, shown, submit_attempt
from tests.web.test_naughty_strings import BLNS, NUL_STRINGS, Sweep

INSIDER, OUTSIDER = "10009", "10012"  # 整形外科/病房护理组 (the supervisor's), 美容皮肤科


@pytest.fixture
def waiting(demo):
    """One quiz; the demo employee, an insider and an outsider of the supervisor's
    departments each submitted a short answer (oldest first: employee, outsider, insider)."""
    quiz = quiz_with_short_answer(title="话术测验")
    return {login: submit_attempt(quiz, login, f"{login} 的回答", minutes_ago=minutes)
            for login, minutes in (("employee", 30), (OUTSIDER, 20), (INSIDER, 10))}


def _row(attempt: QuizAttempt) -> AttemptQuestion:
    db.session.expire_all()
    return short_row(db.session.get(QuizAttempt, attempt.id))


def test_a_supervisor_sees_only_their_teams_waiting_answers(client, auth, waiting):
    auth.as_role("supervisor")
    page = client.get("/grading/").text
    assert page.count('data-testid="waiting-answer"') == 2
    assert "王小雨" in page and "郑可" in page and "马丽" not in page
    assert page.index("王小雨") < page.index("郑可")  # oldest submitted first


def test_an_answer_outside_the_team_does_not_exist_for_the_supervisor(client, auth, waiting):
    outsider = _row(waiting[OUTSIDER])
    auth.as_role("supervisor")
    assert client.get(f"/grading/answers/{outsider.id}").status_code == 404
    assert client.post(f"/grading/answers/{outsider.id}",
                       data={"points": "2"}).status_code == 404
    assert client.get(f"/grading/attempts/{waiting[OUTSIDER].id}").status_code == 404
    assert _row(waiting[OUTSIDER]).needs_review
    assert client.get(f"/grading/attempts/{waiting[INSIDER].id}").status_code == 200


def test_a_trainer_sees_every_waiting_answer(client, auth, waiting):
    auth.as_role("trainer")
    page = client.get("/grading/").text
    assert page.count('data-testid="waiting-answer"') == 3
    assert "马丽" in page
    assert client.get(f"/grading/answers/{_row(waiting[OUTSIDER]).id}").status_code == 200


def test_a_queue_tabs_badge_stops_counting_at_its_cap(client, auth, waiting, monkeypatch):
    """The 阅卷 tab of a trainer counts the organisation's waiting answers only up to the
    badge's cap (then "99+", as the bell): the database reads at most that many, however
    long the queue; the queue page itself lists them all."""
    from app.services import badges

    auth.as_role("trainer")
    tab = re.compile(r'data-testid="grading-tab">[^<]*<span class="badge warn">([^<]+)</span>')
    assert tab.search(client.get("/grading/").text).group(1) == "3"
    monkeypatch.setattr(badges, "CAP", 3)
    page = client.get("/grading/").text
    assert tab.search(page).group(1) == "2+"  # "99+" at the real cap of 100
    assert page.count('data-testid="waiting-answer"') == 3
    monkeypatch.setattr(badges, "CAP", 2)
    from app.services.quiz import grading_queue

    assert db.session.scalar(grading_queue.waiting_count_query(person("trainer"))) == 2


def test_the_answer_page_shows_the_question_reference_rubric_and_the_answer_escaped(
        client, auth, demo):
    quiz = quiz_with_short_answer()
    attempt = submit_attempt(quiz, "employee", "<script>alert(1)</script>\n第二行")
    auth.as_role("supervisor")
    page = client.get(f"/grading/answers/{_row(attempt).id}").text
    assert "客户嫌贵，写出你的回复。" in page  # the stem
    assert "理解您的顾虑，我们先看看哪种方案适合您。" in page  # the reference answer
    assert 'type="checkbox"' in page and "共情" in page and "不承诺效果" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\n第二行" in page


def test_grading_the_last_answer_totals_the_attempt_and_goes_to_the_next(client, auth,
                                                                          waiting):
    first, second = _row(waiting["employee"]), _row(waiting[INSIDER])
    auth.as_role("supervisor")
    response = client.post(f"/grading/answers/{first.id}",
                           data={"points": "1.5", "rubric": ["0"], "comment": "共情到位"})
    assert response.status_code == 302
    assert response.location.endswith(f"/grading/answers/{second.id}")
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, waiting["employee"].id)
    row = short_row(attempt)
    assert (row.needs_review, row.score, row.rubric_marks, row.grader_comment) == (
        False, 1.5, [True, False], "共情到位")
    assert row.graded_by_id == person("supervisor").id
    assert (attempt.state, attempt.score, attempt.max_score) == ("finished", 2.5, 3.0)
    assert (attempt.percent, attempt.passed) == (83.33, True)
    last = client.post(f"/grading/answers/{second.id}", data={"points": "0"})
    assert last.location.endswith("/grading/")  # nothing left for the supervisor
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, waiting[INSIDER].id)
    assert (attempt.state, attempt.percent, attempt.passed) == ("finished", 33.33, False)
    view = client.get(f"/grading/attempts/{attempt.id}").text
    assert "33.3%" in view and shown("Not passed") in view


@pytest.mark.parametrize("points,msgid,values", [
    ("2.5", "Award between 0 and %(max)s points.", {"max": "2"}),
    ("-1", "Award between 0 and %(max)s points.", {"max": "2"}),
    ("nan", "Award between 0 and %(max)s points.", {"max": "2"}),
    ("", "%(label)s is required.", {"label": "Points awarded"}),
])
def test_points_out_of_range_are_refused_and_nothing_is_graded(client, auth, waiting, points,
                                                               msgid, values):
    row = _row(waiting["employee"])
    auth.as_role("trainer")
    response = client.post(f"/grading/answers/{row.id}", data={"points": points})
    assert response.status_code == 200
    values = {k: (shown(v) if k == "label" else v) for k, v in values.items()}
    assert shown(msgid, **values) in response.text
    row = _row(waiting["employee"])
    assert row.needs_review and row.fraction is None
    assert db.session.get(QuizAttempt, waiting["employee"].id).state == "grading"


def test_points_that_are_no_number_are_refused_by_the_form(client, auth, waiting):
    auth.as_role("trainer")
    response = client.post(f"/grading/answers/{_row(waiting['employee']).id}",
                           data={"points": "很多"})
    assert response.status_code == 200 and 'class="form-error"' in response.text
    assert _row(waiting["employee"]).needs_review


def test_nobody_grades_their_own_answers(client, auth, demo):
    quiz = quiz_with_short_answer()
    own = submit_attempt(quiz, "supervisor")
    auth.as_role("supervisor")
    assert 'data-testid="waiting-answer"' not in client.get("/grading/").text
    assert client.get(f"/grading/answers/{_row(own).id}").status_code == 404


def test_the_queue_filters_by_quiz(client, auth, waiting):
    other = quiz_with_short_answer(title="另一个测验")
    submit_attempt(other, "10005")
    auth.as_role("trainer")
    page = client.get(f"/grading/?quiz={other.id}").text
    assert page.count('data-testid="waiting-answer"') == 1 and "赵晴" in page


@pytest.mark.parametrize("url", ["/grading/", "/grading/answers/{answer}",
                                 "/grading/attempts/{attempt}"])
def test_employees_are_refused(client, auth, waiting, url):
    url = url.format(answer=_row(waiting[INSIDER]).id, attempt=waiting[INSIDER].id)
    auth.as_role("employee")
    assert client.get(url).status_code == 403
    if "answers" in url:
        assert client.post(url, data={"points": "2"}).status_code == 403
    assert _row(waiting[INSIDER]).needs_review


def test_the_grading_tab_shows_the_waiting_count_to_graders_only(client, auth, waiting):
    auth.as_role("supervisor")
    tab = client.get("/learn/").text
    assert 'data-testid="grading-tab"' in tab and '<span class="badge warn">2</span>' in tab
    auth.logout()
    auth.as_role("employee")
    assert 'data-testid="grading-tab"' not in client.get("/learn/").text


def test_the_header_counts_in_one_statement_what_the_queues_list(waiting, count_statements):
    """services.badges counts with the scope as a subquery; the queues look the departments
    up first: the two must agree for a team lead, a trainer, an administrator, an employee."""
    from app.services.badges import badges
    from app.services.practice import review_queue
    from app.services.quiz import grading_queue
    from tests.practice_factories import make_run

    make_run(INSIDER, status="submitted")
    make_run(OUTSIDER, status="submitted")
    for login in ("supervisor", "trainer", "admin", "employee"):
        user = person(login)
        with count_statements() as counted:
            found = badges(user)
        assert counted() == 1, login
        assert found.grading == (grading_queue.waiting_page(user, None, 1).total
                                 if login != "employee" else 0), login
        assert found.review == (review_queue.review_queue(user).total
                                if login in ("supervisor", "admin") else 0), login
    assert (badges(person("supervisor")).grading, badges(person("supervisor")).review) == (2, 1)


def test_a_trainers_count_starts_from_the_waiting_attempts(waiting):
    """Trainers and administrators see every attempt: their 阅卷 count has no scope condition
    (`id IN (every attempt id)` made SQLite visit every attempt — 100,000 at 1,000 staff —
    instead of the few in 待批改 found by an index); a team lead's sums their team's."""
    from app.services.quiz import grading_queue

    for login, scoped in (("trainer", False), ("admin", False), ("supervisor", True)):
        user = person(login)
        sql = str(grading_queue.waiting_count_query(user).compile(db.engine))
        assert "quiz_attempts.id IN" not in sql, login
        assert ("led_departments" in sql) is scoped, login
        assert db.session.scalar(grading_queue.waiting_count_query(user)) == \
            grading_queue.waiting_page(user, None, 1).total, login
    if db.engine.dialect.name == "sqlite":
        query = grading_queue.waiting_count_query(person("trainer")).compile(
            db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in db.session.execute(
            db.text(f"EXPLAIN QUERY PLAN {query}")))
        assert "IN-OPERATOR" not in plan and "SCAN quiz_attempts" not in plan, plan


def test_a_trainers_count_reads_the_waiting_answers_by_their_partial_index(waiting):
    """The organisation-wide 阅卷 count of a trainer (every page they open) reads the answers
    waiting for a grader by ix_attempt_questions_waiting and the attempts in 待批改 by
    ix_quiz_attempts_grading_user or their key, never every question of every attempt in
    待批改 (at 10,000 staff: 130 ms on SQLite, 110 ms on PostgreSQL; now a few ms)."""
    from app.services.quiz import grading_queue

    trainer = person("trainer")
    statement = grading_queue.waiting_count_query(trainer)
    assert db.session.scalar(statement) == grading_queue.waiting_page(trainer, None, 1).total
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        connection = db.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql).scalar()[0]["Plan"]
        used = {(node["Relation Name"], node.get("Index Name")) for node in _plan_nodes(plan)
                if node.get("Relation Name") in ("attempt_questions", "quiz_attempts")}
        db.session.rollback()
        assert ("attempt_questions", "ix_attempt_questions_waiting") in used, used
        assert {index for table, index in used if table == "quiz_attempts"} <= {
            "ix_quiz_attempts_grading_user", "pk_quiz_attempts"}, used
    else:
        plan = [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))]
        questions = [line for line in plan if "attempt_questions" in line]
        # without statistics SQLite takes the needs_review index; with them the partial one
        assert questions and all("ix_attempt_questions_waiting" in line
                                 or "ix_attempt_questions_needs_review" in line
                                 for line in questions), plan
        # no table scanned (the badge's own rows, at most CAP of them, are a co-routine)
        assert not any(line.startswith("SCAN") and line != "SCAN badge_rows"
                       for line in plan), plan


def test_a_team_leads_count_reads_only_the_teams_waiting_attempts(waiting):
    """A team lead's 阅卷 count (every page they open) reads the attempts in 待批改 of their
    own team by the partial index, whatever the size of the organisation: on PostgreSQL no
    scan of quiz_attempts returns or filters more rows than the team's waiting attempts (the
    outsider's is not read), on SQLite every read of it goes through
    ix_quiz_attempts_grading_user. Before, PostgreSQL started from every waiting answer of
    the organisation and SQLite walked every attempt of the team's people."""
    from app.services.quiz import grading_queue

    lead = person("supervisor")
    finished = submit_attempt(quiz_with_short_answer(title="另一测验"), INSIDER, "回答")
    finished.state = "finished"  # graded: an attempt of the team that waits for nobody
    db.session.commit()
    team_waiting = grading_queue.waiting_page(lead, None, 1).total
    assert team_waiting == 2  # the employee's and the insider's; the outsider's is not theirs
    statement = grading_queue.waiting_count_query(lead)
    assert db.session.scalar(statement) == team_waiting
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        connection = db.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql
                                          ).scalar()[0]["Plan"]
        scans = [node for node in _plan_nodes(plan)
                 if node.get("Relation Name") == "quiz_attempts"]
        # one look-up of a team member's waiting attempts per team member, never a read of
        # every waiting attempt (the outsider's among them)
        assert scans and all(node.get("Index Name") == "ix_quiz_attempts_grading_user"
                             and "(user_id = users.id)" in node.get("Index Cond", "")
                             for node in scans), scans
        db.session.rollback()
    else:
        plan = [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))]
        reads = [line for line in plan if "quiz_attempts" in line]
        assert reads and all("ix_quiz_attempts_grading_user (user_id=?)" in line
                             for line in reads), plan


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_quiz_without_short_answers_never_waits(client, auth, demo):
    quiz = make_quiz([single()])
    attempt = attempts.start(quiz, person("employee"), utcnow())
    attempts.submit(attempt, utcnow())
    db.session.commit()
    auth.as_role("trainer")
    assert 'data-testid="waiting-answer"' not in client.get("/grading/").text


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def test_the_queue_runs_a_constant_number_of_statements(client, auth, demo, count_statements):
    quiz = quiz_with_short_answer()
    logins = ["employee", "10005", "10007", "10008", "10009", "10010"]

    def add_until(total: int) -> None:
        done = db.session.scalar(select(func.count(QuizAttempt.id)))
        for n in range(done, total):
            submit_attempt(quiz, logins[n % len(logins)], minutes_ago=60 - n)

    add_until(3)
    auth.as_role("supervisor")
    few = _statements(client, count_statements, "/grading/")
    add_until(30)
    many = _statements(client, count_statements, "/grading/")
    assert many == few
    assert client.get("/grading/").text.count('data-testid="waiting-answer"') == 30


# ---- naughty strings -------------------------------------------------------------------------

def _comment_reasons(s: str) -> list[str]:
    """A comment is several lines: line ends and tabs are fine, other control characters not."""
    text = s.replace("\r\n", "\n").replace("\r", "\n")
    reasons = ["longer than 2000"] if len(text) > 2000 else []
    if any(unicodedata.category(ch) in {"Cc", "Cs"}
           for ch in text.replace("\n", "").replace("\t", "")):
        reasons.append("control characters")
    return reasons


def test_every_string_as_a_graders_comment(client, auth, waiting, shared_dir):
    path = shared_dir / BLNS
    if not path.is_file():
        pytest.skip(f"../shared/{BLNS} is absent")
    strings = representative(json.loads(path.read_text(encoding="utf-8"))) + NUL_STRINGS
    row_id = _row(waiting["employee"]).id
    auth.as_role("trainer")

    def stored():
        db.session.expire_all()
        return db.session.get(AttemptQuestion, row_id).grader_comment

    sweep = Sweep(
        "comment", lambda i, s: client.post(f"/grading/answers/{row_id}",
                                            data={"points": "1", "comment": s}),
        lambda response: response.status_code == 302, stored=stored,
        expected=lambda s: "" if not s.strip() else s.replace("\r\n", "\n").replace("\r", "\n"),
        reasons=_comment_reasons, state=lambda: (stored(),),
        on_save=lambda s, value, response: _drop_flashes(client, len(sweep.saved_values)))
    sweep.run(strings).assert_clean()


def _drop_flashes(client, saved: int) -> None:
    if saved % 20 == 0:
        with client.session_transaction() as session:
            session.pop("_flashes", None)


def _seen(page: str) -> str:
    return re.search(r'name="seen" type="hidden" value="([0-9a-f]*)"', page).group(1)


def test_a_grade_given_by_another_grader_meanwhile_is_not_silently_replaced(app, client, auth,
                                                                           waiting):
    """Both open the answer; the trainer saves first; the supervisor's older page is refused
    with the trainer's grade named, and saving again on purpose replaces it."""
    row = _row(waiting["employee"])
    url = f"/grading/answers/{row.id}"
    auth.as_role("supervisor")
    supervisor_seen = _seen(client.get(url).text)
    trainer = app.test_client()
    Auth(trainer).as_role("trainer")
    assert trainer.post(url, data={"points": "2", "comment": "很好",
                                   "seen": _seen(trainer.get(url).text)}).status_code == 302

    refused = client.post(url, data={"points": "0", "comment": "不合格", "seen": supervisor_seen})
    assert refused.status_code == 200
    message = shown("%(name)s graded this answer while you were looking at it: %(points)s "
                    "points. Nothing was saved; read their grade, then save again to replace "
                    "it.", name=person("trainer").name, points="2")
    assert message in refused.text
    assert "不合格" in refused.text  # what the supervisor typed is still in the form
    assert (_row(waiting["employee"]).score, _row(waiting["employee"]).grader_comment) == (
        2.0, "很好")

    again = client.post(url, data={"points": "0", "comment": "不合格",
                                   "seen": _seen(refused.text)})
    assert again.status_code == 302
    assert (_row(waiting["employee"]).score, _row(waiting["employee"]).graded_by_id) == (
        0.0, person("supervisor").id)


def test_ticked_rubric_points_suggest_the_score_and_fill_an_empty_one(client, auth, waiting):
    """Each of the 2 rubric points weighs 2 / 2 = 1: ticking both suggests full marks; saved
    with the points left empty, the suggestion is the grade; a typed number wins."""
    first, second = _row(waiting["employee"]), _row(waiting[INSIDER])
    auth.as_role("supervisor")
    page = client.get(f"/grading/answers/{first.id}").text
    assert 'data-rubric-max="2"' in page and "js/rubric.js" in page
    assert re.search(r'data-testid="rubric-suggestion"\s+hidden', page)
    client.post(f"/grading/answers/{first.id}", data={"points": "", "rubric": ["0", "1"]})
    client.post(f"/grading/answers/{second.id}", data={"points": "0.5", "rubric": ["0"]})
    assert (_row(waiting["employee"]).score, _row(waiting[INSIDER]).score) == (2.0, 0.5)
    again = client.get(f"/grading/answers/{second.id}").text  # re-grading: marks kept
    hint = again[again.index('data-testid="rubric-suggestion"'):]
    assert "hidden" not in hint[:40] and "<output data-rubric-suggested>1</output>" in hint
