"""The benchmark's data generator (tests/bench/seed.py) at a tiny scale: the organisation it
writes in bulk is one the app accepts — the supervisor's dashboard, a record, the quiz
analytics and the export render — with the numbers asked for."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AttemptQuestion,
    PersonQuestionTally,
    QuizAttempt,
    QuizItem,
    User,
    department_leads,
)
from app.services.analytics import answer_tallies, person_tallies, taker_rows
from tests.bench.check import check_pages
from tests.bench.seed import seed
from tests.bench.seed_org import team_size

STAFF, ATTEMPTS = 30, 3


@pytest.fixture
def seeded(app):
    return seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)


def test_the_seeded_organisation_renders_for_every_role(app, seeded):
    statuses = check_pages(app, seeded.credentials)
    assert {page: status for page, status in statuses.items()
            if status != (302 if page.endswith("sign-in") else 200)} == {}
    assert "employee attempt result" in statuses  # the employee has a finished attempt


def test_the_seed_writes_what_was_asked(app, seeded):
    # the staff, plus the regional supervisor, a trainer and an admin
    assert db.session.scalar(select(func.count(User.id))) == STAFF + 3
    per_person = db.session.execute(select(QuizAttempt.user_id, func.count())
                                    .group_by(QuizAttempt.user_id)).all()
    assert len(per_person) >= STAFF * 0.8
    assert {count for _user, count in per_person} == {ATTEMPTS}
    # every attempt asks every question of its quiz
    asked = db.session.execute(
        select(QuizAttempt.id, func.count(AttemptQuestion.id))
        .join(AttemptQuestion, AttemptQuestion.attempt_id == QuizAttempt.id)
        .group_by(QuizAttempt.id)).all()
    items = dict(db.session.execute(select(QuizItem.quiz_id, func.count())
                                    .group_by(QuizItem.quiz_id)).all())
    quiz_of = dict(db.session.execute(select(QuizAttempt.id, QuizAttempt.quiz_id)).all())
    assert len(asked) == len(quiz_of)
    assert all(count == items[quiz_of[attempt]] for attempt, count in asked)
    supervisor = seeded.credentials["supervisor"]
    assert supervisor["team"] == team_size(STAFF) + 1
    assert db.session.scalar(select(func.count()).select_from(department_leads).where(
        department_leads.c.user_id == supervisor["id"])) == 6  # hospital 1's top departments
    assert 0.5 <= seeded.pass_rate <= 0.95
    # the figures the app maintains on each event, filled for the bulk rows: the dashboard's
    # question tallies per person (and the quiz analytics' takers and answer tallies)
    assert db.session.scalar(select(func.count()).select_from(PersonQuestionTally)) > 0
    for maintained in (person_tallies, taker_rows, answer_tallies):
        assert maintained.differences() == (set(), set()), maintained.__name__


def test_the_seed_refuses_a_database_with_people(app, seeded):
    with pytest.raises(SystemExit, match="empty database"):
        seed(STAFF, ATTEMPTS, echo=lambda *_args: None)


def test_the_seed_leaves_every_key_and_index_of_the_schema(app):
    """On PostgreSQL the seed drops the foreign keys, unique constraints and indexes for its
    bulk rows and makes them again (tests/bench/bulk.py `LaterKeys`): afterwards the schema
    has every one of them, with the same definition."""
    from sqlalchemy import inspect

    def keys():
        inspector = inspect(db.engine)
        found = set()
        for table in inspector.get_table_names():
            found |= {("fk", table, fk["name"], tuple(fk["constrained_columns"]),
                       fk["referred_table"]) for fk in inspector.get_foreign_keys(table)}
            found |= {("uq", table, uq["name"], tuple(uq["column_names"]))
                      for uq in inspector.get_unique_constraints(table)}
            found |= {("ix", table, ix["name"], tuple(ix["column_names"]), ix["unique"])
                      for ix in inspector.get_indexes(table)}
        return found

    before = keys()
    assert len(before) > 100
    seed(STAFF, ATTEMPTS, seed_value=5, echo=lambda *_args: None)
    db.session.remove()
    assert keys() == before
