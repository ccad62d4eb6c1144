"""The quiz analysis without filters comes from the maintained answer tallies
(quiz_answer_tallies) and gives exactly what the answers give (the statement of every
filtered view, kept as the reference): with ties at the 27 % cut, one taker, two, everyone
tied, partial credit, an edited question and a regraded short answer. It runs a fixed number
of statements and reads the answers of the takers tied at the cut only."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import event

from app.extensions import db
from app.services.analytics import tallied
from app.services.analytics.filters import make_filters
from app.services.analytics.quizzes import quiz_analysis
from app.services.quiz import grading
from tests.analytics_factories import ANSWERS, DAY1, exam_fixture, org, people, take
from tests.learning_factories import person
from tests.quiz_factories import make_quiz, multiple, short_answer, single, true_false


def _figures(analysis) -> list[tuple]:
    return [(item.question_id, item.type, item.label, item.answered, item.full, item.versions,
             item.facility, item.p_upper, item.p_lower,
             [(str(o.text), o.count, o.correct) for o in item.options], item.no_answer)
            for item in analysis.items]


def _same(quiz_id: int, monkeypatch) -> list[tuple]:
    """The tallied analysis, after checking it equals the one from the answers."""
    db.session.flush()
    new = _figures(quiz_analysis(make_filters(), quiz_id))
    with monkeypatch.context() as patched:
        patched.setattr(tallied, "applies", lambda _filters: False)
        old = _figures(quiz_analysis(make_filters(), quiz_id))
    assert len(new) == len(old)
    for mine, theirs in zip(new, old, strict=True):
        assert mine[:6] == theirs[:6] and mine[9:] == theirs[9:]
        for a, b in zip(mine[6:9], theirs[6:9], strict=True):  # floating sums, another order
            assert (a is None) == (b is None) and (a is None or math.isclose(a, b,
                                                                            rel_tol=1e-12))
    return new


def _exam(slug: str):
    return make_quiz([single("单选"), multiple("多选"), true_false("判断"), single("送分")],
                     slug=slug, pass_percent=60.0, shuffle_options=True)


def test_the_fixture_exam_with_ties_at_both_cuts(demo, monkeypatch):
    exam = exam_fixture()  # 11 takers: the lower 3 cut through five tied at 50 %
    figures = _same(exam.quiz.id, monkeypatch)
    assert [round(f[6], 3) for f in figures] == [0.545, 0.455, 0.182, 1.0]


def test_one_two_and_all_tied_takers(demo, monkeypatch):
    east, _west, _team = org("tt")
    one, two, tied = _exam("tally-one"), _exam("tally-two"), _exam("tally-tied")
    users = people(6, east, "tt")
    take(one, users[0], ANSWERS[0], DAY1)
    assert _same(one.id, monkeypatch)[0][8] is None  # one taker: upper, no lower group
    for number, user in enumerate(users[:2]):
        take(two, user, ANSWERS[number * 4], DAY1, seed=number)
    _same(two.id, monkeypatch)
    for number, user in enumerate(users):
        take(tied, user, ANSWERS[0], DAY1 + timedelta(minutes=number), seed=number)
    _same(tied.id, monkeypatch)  # everyone at 75 %: both groups cut by attempt id


def test_the_larger_side_of_a_tie_comes_from_the_tallies_less_the_other(demo, monkeypatch):
    """When most of the takers tied at the cut are inside the group, the other ones are read
    and taken from the tie's tally: 17 takers, 5 in each group; 3 of the 5 tied at 50 % are
    upper, 5 of the 8 tied at 25 % lower — each tie with two answer patterns."""
    east, _west, _team = org("tr")
    quiz = _exam("tally-rest")
    at_25 = (("0", [2], "对", "1"), ("1", [2], "对", "0"))  # 0+0+0+1, 1+0+0+0
    answers = ([ANSWERS[0], ANSWERS[2]] + [ANSWERS[4 + number % 2] for number in range(5)]
               + [ANSWERS[6]] * 2 + [at_25[number % 2] for number in range(8)])
    for number, (user, given) in enumerate(zip(people(17, east, "tr"), answers, strict=True)):
        take(quiz, user, given, DAY1 + timedelta(minutes=number), seed=number)
    db.session.flush()
    cut = tallied.percents(quiz.id).cut(quiz.id)
    assert (cut["pu"], cut["ou"], cut["upper_rest"]) == (50.0, 2, True)
    assert (cut["pl"], cut["ol"], cut["lower_rest"]) == (25.0, 3, True)
    _same(quiz.id, monkeypatch)


def test_a_regraded_short_answer_moves_its_taker(demo, monkeypatch):
    quiz = make_quiz([single(right=1), short_answer(), true_false()], slug="tally-short",
                     pass_percent=60.0)
    east, _west, _team = org("ts")
    trainer = person("trainer")
    for number, user in enumerate(people(5, east, "ts")):
        attempt = take(quiz, user, ["1" if number % 2 else "0", "先冰敷。", "错"], DAY1,
                       seed=number)
        grading.grade_by_hand(attempt.questions[1], trainer, number / 4, "", [], DAY1)
    _same(quiz.id, monkeypatch)
    grading.grade_by_hand(attempt.questions[1], trainer, 0.0, "改分", [], DAY1)  # a regrade
    _same(quiz.id, monkeypatch)


def _statements(quiz_id: int, filters) -> list[str]:
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        quiz_analysis(filters, quiz_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return seen


def test_statements_and_what_they_read(demo):
    exam = exam_fixture()
    db.session.expire_all()
    plain = _statements(exam.quiz.id, make_filters())
    # the takers counted by percent (the scores and the cut), the tied takers' answers, the
    # items, the responses, their versions
    assert len(plain) == 5, plain
    assert not any(" OVER " in sql for sql in plain)  # no taker ranked: counted by percent
    reading_answers = [sql for sql in plain if "FROM attempt_questions" in sql
                       or "JOIN attempt_questions" in sql]
    assert len(reading_answers) == 1 and "quiz_takers.percent =" in reading_answers[0]
    assert "quiz_attempts" not in " ".join(plain)  # no attempt ranked
    # a department: from the answers of its takers, as before (items, responses, versions,
    # scores)
    assert len(_statements(exam.quiz.id, make_filters(department_id=exam.west.id))) == 4


def test_sqlite_reads_the_tied_takers_grades_from_an_index_alone(demo):
    """The tied takers' answers (hundreds of attempts at 10,000 staff) come from
    ix_attempt_questions_grades on SQLite, not from the table's scattered rows; PostgreSQL has
    no such index (a graded column in an index would make 交卷's grade writes not HOT)."""
    exam = exam_fixture()
    params = tallied.percents(exam.quiz.id).cut(exam.quiz.id)
    statement = tallied._boundary(params["upper_rest"], params["lower_rest"])
    indexes = {index.name for index in db.metadata.tables["attempt_questions"].indexes}
    assert "ix_attempt_questions_grades" in indexes
    if db.engine.dialect.name != "sqlite":
        names = db.session.execute(db.text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'attempt_questions'")).scalars()
        assert "ix_attempt_questions_grades" not in set(names)
        return
    compiled = statement.compile(db.engine)
    values = compiled.construct_params(params)
    raw = db.session.connection().connection.dbapi_connection
    plan = [row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + str(compiled),
                                           [values[name] for name in compiled.positiontup])]
    answers = [line for line in plan if "attempt_questions" in line]
    assert answers and all("COVERING INDEX ix_attempt_questions_grades" in line
                           for line in answers), plan


def _place(ranked, percents, rank) -> tuple[float, int]:
    """The percent of the taker at `rank` and their place among that percent's takers by
    attempt id (here: their index in `percents`)."""
    attempt, percent = ranked[rank - 1]
    return percent, sorted(a for a, p in enumerate(percents) if p == percent).index(attempt)


def test_the_cut_from_the_takers_counted_by_percent_is_the_ranked_one():
    """`Percents.cut` finds the last upper and the first lower taker as ranking every taker
    does (percent, highest first, ties by attempt id), for every number of takers from 1 to
    60 and ties of every size, with no database."""
    import random

    chooser = random.Random(15)
    for takers in range(1, 61):
        percents = [chooser.choice((0.0, 25.0, 50.0, 62.5, 75.0, 100.0)[:chooser.randint(1, 6)])
                    for _ in range(takers)]
        ranked = sorted(enumerate(percents), key=lambda pair: (-pair[1], pair[0]))
        size = max(1, (27 * takers + 50) // 100)
        counted = tallied.Percents(tuple(
            (percent, percents.count(percent), percent * percents.count(percent), 0)
            for percent in sorted(set(percents), reverse=True)))
        cut = counted.cut(7)

        assert (cut["pu"], cut["ou"]) == _place(ranked, percents, size)
        if takers - size + 1 > size:
            assert (cut["pl"], cut["ol"]) == _place(ranked, percents, takers - size + 1)
        else:
            assert cut["pl"] is None
