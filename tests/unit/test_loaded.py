"""`loaded.persistent` makes from a Core row the object a query would have returned: the
signed-in user of every request is made this way (`devices.find`)."""

from __future__ import annotations

from sqlalchemy import inspect, select

from app.extensions import db
from app.models import Department, User
from app.services import loaded
from tests.learning_factories import person


def _row(user_id: int) -> tuple:
    return tuple(db.session.connection().execute(
        select(*loaded.columns_of(User)).where(User.id == user_id)).one())


def test_an_object_made_from_a_row_is_persistent_unchanged_and_loads_what_it_lacks(demo):
    supervisor = person("supervisor")
    user_id, department_id = supervisor.id, supervisor.department_id
    row = _row(user_id)
    db.session.expunge_all()

    made = loaded.persistent(db.session, User, row)
    state = inspect(made)
    assert state.persistent and made in db.session and not db.session.dirty
    assert db.session.get(User, user_id) is made  # in the identity map: no second object
    assert (made.id, made.login, made.hire_date) == (row[0], row[1], supervisor.hire_date)
    assert isinstance(made.department, Department) and made.department.id == department_id
    assert "supervisor" in made.roles  # a relationship not given: loaded on use

    made.name = "改过的名字"  # a change is a change, written at the commit
    assert made in db.session.dirty
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).name == "改过的名字"


def test_the_object_already_in_the_session_wins(demo):
    employee = person("employee")
    assert loaded.persistent(db.session, User, _row(employee.id)) is employee


def test_columns_left_out_are_read_when_used_and_change_nothing(demo, count_statements):
    employee = person("employee")
    user_id, locale, name = employee.id, employee.locale, employee.name
    without = ("locale", "name")
    row = tuple(db.session.connection().execute(
        select(*loaded.columns_without(User, without)).where(User.id == user_id)).one())
    db.session.expunge_all()

    made = loaded.persistent(db.session, User, row, without)
    assert inspect(made).persistent and not db.session.dirty
    assert {"locale", "name"} <= inspect(made).expired_attributes
    with count_statements() as counted:
        assert (made.locale, made.name) == (locale, name)  # one read for both
    assert counted() == 1
    assert not db.session.dirty
