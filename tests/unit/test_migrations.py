"""Migrations reach head on an empty database, round-trip, and match the models exactly."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

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


def test_upgrade_reaches_head_with_every_table_and_no_drift(empty_database_url):
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        upgrade()
        from app.extensions import db

        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        result = app.test_cli_runner().invoke(args=["db", "check"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=empty_database_url))
    with app.app_context():
        from app.extensions import db

        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "users" in inspect(db.engine).get_table_names()
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
