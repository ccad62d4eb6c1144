"""Migrations reach head on an empty database, round-trip, and match the models exactly."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from tests.conftest import DATABASE_URL, make_config


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if not DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/migrations.db"
        return
    schema = f"migration_check_{uuid.uuid4().hex[:8]}"
    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in DATABASE_URL else "?"
    yield f"{DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_upgrade_reaches_head_with_no_drift_and_round_trips_to_base(empty_database_url):
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        from app.extensions import db

        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        result = app.test_cli_runner().invoke(args=["db", "check"])
        assert result.exit_code == 0, result.output
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and up again: every downgrade left what its upgrade expects
        assert {t.name for t in db.metadata.sorted_tables} <= set(
            inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_item_reference_constraints_name_the_bad_rows_and_round_trip_certificates(
        empty_database_url, capfd):
    """Rows the new CHECK constraints would refuse stop the upgrade with their table, id and
    problem; good certificates keep their item through upgrade and downgrade."""
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        from app.extensions import db

        upgrade(revision="c1a2b3d4e5f6")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, login, name, password_hash, active, must_change_password, "
                "created_at, "
                "updated_at) VALUES (1, 'u', 'U', 'x', true, false, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO learning_paths (id, title, description, mode, archived, "
                "created_at, updated_at) VALUES (5, 'P', '', 'free', false, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO assignments (id, kind, acknowledge, practice_runs, starts_at, "
                "required, message, origin, created_at, updated_at) VALUES (7, 'nonsense', "
                "true, 0, CURRENT_TIMESTAMP, true, '', 'manual', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO certificates (id, user_id, kind, item_id, title, code, issued_at) "
                "VALUES (3, 1, 'path', 5, 'P', 'AAAA-BBBB-CCCC', CURRENT_TIMESTAMP)"))
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade()
        assert "assignments id=7: breaks item_kind" in capfd.readouterr().err
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM assignments WHERE id = 7"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT kind, course_id, path_id FROM certificates")
                                ).one() == ("path", None, 5)
        downgrade(revision="c1a2b3d4e5f6")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT kind, item_id FROM certificates")).one() == (
                "path", 5)
        db.engine.dispose()


def test_a_database_in_use_upgrades_with_its_rows_and_their_references(empty_database_url):
    """Tables other rows point at are rebuilt on SQLite (batch mode) without losing a row or
    breaking a reference: an assignment of a quiz survives the quiz table's rebuild."""
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        from app.extensions import db

        upgrade(revision="b5ddf68bc488")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO quizzes (id, slug, title, description, mode, pass_percent, "
                "cooldown_minutes, grading_method, review, shuffle_questions, shuffle_options, "
                "published, archived, source, created_at, updated_at) VALUES (4, 'q', 'Q', '', "
                "'exam', 60, 0, 'highest', 'immediately', false, true, true, false, 'web', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO assignments (id, kind, quiz_id, acknowledge, practice_runs, "
                "starts_at, required, message, origin, created_at, updated_at) VALUES (9, "
                "'quiz', 4, true, 0, CURRENT_TIMESTAMP, true, '', 'manual', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT a.kind, q.slug FROM assignments a JOIN quizzes q "
                                     "ON q.id = a.quiz_id")).one() == ("quiz", "q")
        downgrade(revision="b5ddf68bc488")
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM assignments")).scalar() == 1
        db.engine.dispose()



NOW = "CURRENT_TIMESTAMP"


def _insert(conn, table: str, **values) -> None:
    """One row; NOW stands for the database's current time."""
    places = ", ".join(NOW if value is NOW else f":{key}" for key, value in values.items())
    conn.execute(text(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({places})"),
                 {key: value for key, value in values.items() if value is not NOW})


RUN = dict(user_id=1, module_id=1, version_id=1, context="", case_at=NOW, round=1,
           created_at=NOW)
ROUND = dict(user_id=1, mode="wrong_book", started_at=NOW, auto_submitted=False,
             max_score=1, pass_percent=0, current_rank=0, updated_at=NOW)


def _rows_earlier_races_left(conn) -> None:
    """Two open drafts of case C-1 (and a signed-off run of it), two open wrong-question
    rounds (one answered) and a finished one."""
    _insert(conn, "users", id=1, login="u", name="U", password_hash="x", active=True,
            must_change_password=False, created_at=NOW, updated_at=NOW)
    _insert(conn, "sop_modules", id=1, slug="s", title="S", purpose="", sort_order=0,
            source="web", archived=False, created_at=NOW, updated_at=NOW)
    _insert(conn, "sop_versions", id=1, module_id=1, number=1, title="S", purpose="",
            change_note="", requires_reack=False, content_hash="h", published_at=NOW)
    for run_id, status, updated in ((1, "draft", "2026-01-01 00:00:00"),
                                    (2, "draft", "2026-01-02 00:00:00"),
                                    (3, "signed_off", "2026-01-03 00:00:00")):
        _insert(conn, "practice_runs", id=run_id, case_code="C-1", status=status,
                updated_at=updated, **RUN)
    _insert(conn, "question_banks", id=1, slug="b", title="B", created_at=NOW)
    _insert(conn, "questions", id=1, bank_id=1, type="true_false", current_version=1,
            tags="[]", difficulty=1, points=1, archived=False, created_at=NOW, updated_at=NOW)
    _insert(conn, "question_versions", id=1, question_id=1, number=1, data="{}",
            created_at=NOW)
    for attempt_id, state in ((1, "in_progress"), (2, "in_progress"), (3, "finished")):
        _insert(conn, "quiz_attempts", id=attempt_id, number=attempt_id, state=state, **ROUND)
        _insert(conn, "attempt_questions", attempt_id=attempt_id, rank=0, question_id=1,
                version_id=1, points=1, layout="{}", feedback="[]", needs_review=False,
                grader_comment="", rubric_marks="[]",
                response="true" if attempt_id == 2 else None)


def test_one_open_attempt_and_run_resolves_what_earlier_races_left(empty_database_url, capfd):
    """The one run of a case worked on last keeps its case code, the other open one is
    renamed (its owner can then delete it); an unanswered second round is deleted; answered
    duplicates stop the upgrade with their ids. Afterwards the database refuses duplicates."""
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        from app.extensions import db

        upgrade(revision="d4e5f6a7b8c9")
        with db.engine.begin() as conn:
            _rows_earlier_races_left(conn)
            conn.execute(text("UPDATE attempt_questions SET response = 'false' "
                              "WHERE attempt_id = 1"))
        with pytest.raises(SystemExit):  # both open rounds hold answers
            upgrade()
        assert "quiz_attempts id=2\n  quiz_attempts id=1" in capfd.readouterr().err
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE attempt_questions SET response = NULL "
                              "WHERE attempt_id = 1"))
        upgrade()
        assert "quiz_attempts id=1: an unanswered second open attempt" in capfd.readouterr().out
        with db.engine.connect() as conn:
            runs = conn.execute(text("SELECT id, case_code FROM practice_runs ORDER BY id"))
            assert runs.all() == [(1, "C-1 #1"), (2, "C-1"), (3, "C-1")]
            rounds = conn.execute(text("SELECT id FROM quiz_attempts ORDER BY id")).scalars()
            assert list(rounds) == [2, 3]
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE practice_runs SET case_code = 'C-1' WHERE id = 1"))
        downgrade(revision="d4e5f6a7b8c9")
        db.engine.dispose()


def _answered_attempts(conn) -> None:
    """Users 1 and 2; a quiz asking question 1 (true/false) and 2 (short answer). User 1:
    attempts 10 and 11 finished, 12 waiting for a grader, 14 a finished wrong-question round
    (no quiz); user 2: attempt 13 finished, question 2 left ungraded (NULL)."""
    for user_id in (1, 2):
        _insert(conn, "users", id=user_id, login=f"u{user_id}", name="U", password_hash="x",
                active=True, must_change_password=False, created_at=NOW, updated_at=NOW,
                hire_date="2026-01-01")
    _insert(conn, "question_banks", id=1, slug="b", title="B", created_at=NOW)
    for question_id, kind in ((1, "true_false"), (2, "short_answer")):
        _insert(conn, "questions", id=question_id, bank_id=1, type=kind, current_version=1,
                tags="[]", difficulty=1, points=1, archived=False, created_at=NOW,
                updated_at=NOW)
        _insert(conn, "question_versions", id=question_id, question_id=question_id, number=1,
                data="{}", created_at=NOW)
    _insert(conn, "quizzes", id=4, slug="q", title="Q", description="", mode="exam",
            pass_percent=60, cooldown_minutes=0, grading_method="highest", review="immediately",
            shuffle_questions=False, shuffle_options=True, published=True, archived=False,
            source="web", created_at=NOW, updated_at=NOW)
    attempts = {10: (1, 4, "finished", (1.0, 0.5)), 11: (1, 4, "finished", (0.0, 0.25)),
                12: (1, 4, "grading", (1.0, None)), 13: (2, 4, "finished", (1.0, None)),
                14: (1, None, "finished", (0.0,))}
    for attempt_id, (user_id, quiz_id, state, fractions) in attempts.items():
        _insert(conn, "quiz_attempts", id=attempt_id, user_id=user_id, quiz_id=quiz_id,
                number=attempt_id, mode="exam" if quiz_id else "wrong_book", state=state,
                started_at=NOW, auto_submitted=False, max_score=2, pass_percent=60,
                current_rank=0, updated_at=NOW)
        for rank, fraction in enumerate(fractions):
            _insert(conn, "attempt_questions", attempt_id=attempt_id, rank=rank,
                    question_id=rank + 1, version_id=rank + 1, points=1, layout="{}",
                    feedback="[]", needs_review=fraction is None and state == "grading",
                    grader_comment="", rubric_marks="[]", fraction=fraction)


def test_the_person_question_tallies_are_filled_from_the_finished_attempts(empty_database_url):
    """Migration 3d5b8df74174 creates quiz_question_person_tallies and fills it from the
    attempts already there: the graded answers of finished attempts of a quiz, per person and
    question (an attempt waiting for a grader and a wrong-question round do not count)."""
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        from app.extensions import db
        from app.services.analytics import person_tallies

        upgrade(revision="6c1d9e4a2b70")
        with db.engine.begin() as conn:
            _answered_attempts(conn)
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT quiz_id, user_id, question_id, answers, fraction_sum "
                "FROM quiz_question_person_tallies ORDER BY user_id, question_id")).all()
        assert [tuple(row) for row in rows] == [(4, 1, 1, 2, 1.0), (4, 1, 2, 2, 0.75),
                                                (4, 2, 1, 1, 1.0)]
        assert person_tallies.differences() == (set(), set())
        db.session.remove()
        downgrade(revision="6c1d9e4a2b70")
        db.engine.dispose()
