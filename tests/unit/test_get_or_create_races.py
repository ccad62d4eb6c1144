""""Read, then insert or write" done by two requests at once (two supervisors, two admins, a
form sent twice, a supervisor confirming while the employee edits), on both databases: one
row, no 500, and a confirmed figure is never changed behind the supervisor's back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AppSetting
from app.models.assignments import AssignmentExtension
from app.services.app_settings import read_settings, write_setting
from app.services.assign.assignments import AssignmentData, create_assignment, extend_due
from app.services.results import entries
from app.services.results.entries import Entry, EntryErrors
from tests.learning_factories import make_course, person, position
from tests.races import held_until_done, pause_before_write, race, together
from tests.results_helpers import metric, result_of

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2020, 11, 18)
WEEK = date(2020, 11, 16)


def _committed(action):
    """Run `action` in the racing thread's own session and commit; a DomainError is returned
    (what the page would show), anything else fails the test."""
    def run():
        try:
            result = action()
            db.session.commit()
            return result
        except entries.DomainError as error:
            db.session.rollback()
            return error
    return run


def test_two_supervisors_extending_one_person_at_once_make_one_extension(app, demo):
    course = make_course("extended")
    assignment = create_assignment(person("admin"), AssignmentData(
        kind="course", item_id=course.id, position_ids=[position("护士").id],
        starts_at=NOW - timedelta(days=1), due_at=NOW + timedelta(days=1)), NOW)
    db.session.commit()
    ids = assignment.id, person("10009").id
    dates = NOW + timedelta(days=5), NOW + timedelta(days=9)

    def extend(login, due_at):
        return _committed(lambda: extend_due(
            person(login), db.session.get(type(assignment), ids[0]),
            db.session.get(type(person(login)), ids[1]), due_at, NOW).due_at)

    with pause_before_write(together(), "assignment_extensions"):
        given = race(app, extend("admin", dates[0]), extend("trainer", dates[1]))
    assert sorted(given) == sorted(dates)
    rows = db.session.scalars(select(AssignmentExtension)).all()
    assert len(rows) == 1 and rows[0].due_at in dates


def test_two_admins_saving_one_setting_at_once_both_succeed(app, demo):
    def save(value):
        return _committed(lambda: write_setting("leaderboard_enabled", value, person("admin")))

    with pause_before_write(together(), "app_settings"):
        assert race(app, save(True), save(False)) == [None, None]
    assert db.session.scalar(select(func.count()).select_from(AppSetting)) == 1
    assert read_settings("leaderboard_enabled")["leaderboard_enabled"] in (True, False)


def _enter(value: str):
    metric_id = metric("成交数").id
    return _committed(lambda: entries.save_own_entries(
        person("employee"), "weekly", WEEK, [Entry(metric_id, value, None)], TODAY))


def test_the_figures_form_sent_twice_at_once_stores_one_figure(app, demo):
    deals = metric("成交数")
    db.session.commit()
    with pause_before_write(together(), "metric_results"):
        assert race(app, _enter("3"), _enter("4")) == [1, 1]
    stored = result_of(deals, "employee", WEEK)
    assert stored.value in (3.0, 4.0) and stored.status == "entered"


def test_a_figure_confirmed_while_the_employee_edits_it_stays_as_confirmed(app, demo):
    """The employee's form was checked against the unconfirmed figure; the supervisor
    confirms it; then the employee's change arrives: refused, the confirmed figure stands."""
    deals = metric("成交数")
    _enter("3")()
    result_id = result_of(deals, "employee", WEEK).id
    confirm = _committed(lambda: entries.confirm(person("supervisor"), result_id, NOW))
    edited, _confirmed = held_until_done(app, _enter("30"), confirm, "metric_results")
    assert isinstance(edited, EntryErrors)
    assert "已由主管确认" in next(iter(edited.errors.values()))
    stored = result_of(deals, "employee", WEEK)
    assert (stored.value, stored.status) == (3.0, "confirmed")


def test_two_admins_creating_one_employee_number_at_once_make_one_account(app, demo):
    from app.models import User
    from app.services.accounts import UserData, create_user
    from tests.helpers import TEST_HASH

    def create(name):
        return _committed(lambda: create_user(UserData(login="20001", name=name),
                                              hash_method=TEST_HASH)[0].name)

    with pause_before_write(together(), "users"):
        outcomes = race(app, create("王一"), create("李二"))
    created = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, entries.DomainError)]
    assert len(created) == 1 and len(refused) == 1
    assert refused[0].field == "login" and "20001" in str(refused[0])
    accounts = db.session.scalars(select(User).where(User.login == "20001")).all()
    assert [a.name for a in accounts] == created
