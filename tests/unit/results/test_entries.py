"""Entering one's own figures; a supervisor's confirm and correct, within their scope."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.models.results import MetricResult
from app.services.errors import DomainError, NotFound
from app.services.results import entries
from app.services.results.entries import Entry, EntryErrors
from app.services.results.values import parse_value
from app.services.stale import StaleEdit
from tests.results_helpers import count_results, figure, metric, person, result_of

TODAY = date(2020, 11, 18)  # a Wednesday of 2020-W47 (long before the demo figures)
WEEK = date(2020, 11, 16)
NOW = datetime(2020, 11, 18, 8, tzinfo=UTC)


def save(login: str, values: dict, start: date = WEEK, kind: str = "weekly") -> int:
    saved = entries.save_own_entries(
        person(login), kind, start,
        [Entry(m.id, v if not isinstance(v, tuple) else v[0],
               None if not isinstance(v, tuple) else v[1]) for m, v in values.items()], TODAY)
    db.session.commit()
    return saved


def refused_entry(login: str, values: dict, start: date = WEEK) -> dict[int, str]:
    with pytest.raises(EntryErrors) as caught:
        save(login, values, start)
    db.session.rollback()
    return caught.value.errors


@pytest.mark.parametrize("text,value", [
    ("12", 12.0), (" 4.5 ", 4.5), ("0", 0.0), ("１２", 12.0), ("1,200", 1200.0),
    ("0.25", 0.25), ("99999999.99", 99999999.99), (7, 7.0), (2.5, 2.5), ("", None),
    (None, None), ("-0", 0.0),
])
def test_values_accepted(app, text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", [
    "-1", "1.234", "100000000", "1e5", "NaN", "inf", "abc", "=1+1", "12人", "1,2", True,
    float("inf"), float("nan"), -3, 1e20, date(2026, 1, 1),
])
def test_values_refused(app, text):
    with pytest.raises(DomainError):
        parse_value(text)


def test_employee_enters_and_re_enters_while_waiting(app, demo):
    deals, friends = metric("成交数"), metric("新增企微好友")
    assert save("employee", {deals: ("3", "两单定金"), friends: ""}) == 1  # blank skipped
    assert result_of(friends, "employee", WEEK) is None
    stored = result_of(deals, "employee", WEEK)
    assert (stored.value, stored.status, stored.source, stored.note) == (3.0, "entered", "self",
                                                                         "两单定金")
    assert save("employee", {deals: "4"}) == 1
    assert result_of(deals, "employee", WEEK).value == 4.0


def test_future_periods_and_bad_values_write_nothing(app, demo):
    deals, friends = metric("成交数"), metric("新增企微好友")
    with pytest.raises(DomainError) as future:
        save("employee", {deals: "1"}, start=date(2020, 11, 23))
    assert future.value.field == "period"
    db.session.rollback()
    before = count_results()
    errors = refused_entry("employee", {deals: "-2", friends: "12"})
    assert set(errors) == {deals.id} and "成交数" in errors[deals.id]
    errors = refused_entry("employee", {deals: "1", friends: "x" * 30})
    assert set(errors) == {friends.id}
    assert count_results() == before


def test_a_confirmed_figure_is_the_supervisors(app, demo):
    deals = metric("成交数")
    save("employee", {deals: "3"})
    result = result_of(deals, "employee", WEEK)
    entries.confirm(person("supervisor"), result.id, NOW)
    db.session.commit()
    assert (result.status, result.confirmed_by_id) == ("confirmed", person("supervisor").id)
    errors = refused_entry("employee", {deals: "5"})
    assert "already been confirmed" in errors[deals.id] or "已" in errors[deals.id]
    assert save("employee", {deals: "3"}) == 0  # sending the same figure back is harmless
    assert result_of(deals, "employee", WEEK).value == 3.0


def test_correct_keeps_the_employees_figure(app, demo):
    deals = metric("成交数")
    save("employee", {deals: "3"})
    result = result_of(deals, "employee", WEEK)
    with pytest.raises(DomainError) as no_reason:
        entries.correct(person("supervisor"), result.id, "4", "", NOW)
    assert no_reason.value.field == "note"
    entries.correct(person("supervisor"), result.id, "4", "系统订单为 4 单", NOW)
    entries.correct(person("supervisor"), result.id, "5", "再次核对", NOW)
    db.session.commit()
    assert (result.value, result.entered_value, result.status, result.note) == \
        (5.0, 3.0, "corrected", "再次核对")
    entries.confirm(person("supervisor"), result.id, NOW)  # stays corrected
    assert result.status == "corrected"


def test_scope_and_own_figures(app, demo):
    deals = metric("成交数")
    outsider = figure(deals, "10012", WEEK, 2)         # 美容皮肤科: not the supervisor's
    own = figure(deals, "supervisor", WEEK, 1)
    insider = figure(deals, "10009", WEEK, 2)          # 整形外科/病房护理组: a sub-department
    for action in (lambda: entries.confirm(person("supervisor"), outsider.id, NOW),
                   lambda: entries.correct(person("supervisor"), outsider.id, "1", "x", NOW),
                   lambda: entries.confirm(person("employee"), insider.id, NOW),
                   lambda: entries.confirm(person("supervisor"), 2**31 - 1, NOW)):
        with pytest.raises(NotFound):
            action()
    with pytest.raises(DomainError, match="own|自己"):
        entries.confirm(person("supervisor"), own.id, NOW)
    with pytest.raises(DomainError, match="own|自己"):
        entries.confirm(person("admin"), figure(deals, "admin", WEEK, 1).id, NOW)
    entries.confirm(person("supervisor"), insider.id, NOW)
    entries.confirm(person("admin"), outsider.id, NOW)   # admins reach everyone
    assert (insider.status, outsider.status) == ("confirmed", "confirmed")


def test_confirm_all_touches_only_the_team_the_period_and_not_oneself(app, demo):
    deals, score = metric("成交数"), metric("满意度评分")
    waiting = [figure(deals, login, WEEK, 1) for login in ("employee", "10005", "10009")]
    own = figure(deals, "supervisor", WEEK, 1)
    outsider = figure(deals, "10012", WEEK, 1)
    other_week = figure(deals, "employee", date(2020, 11, 9), 1)
    monthly = figure(score, "employee", date(2020, 11, 1), 4.5)
    count = entries.confirm_all(person("supervisor"), "weekly", WEEK, None, NOW)
    db.session.commit()
    db.session.expire_all()
    assert count == (3, 0)
    assert {r.status for r in waiting} == {"confirmed"}
    assert {r.status for r in (own, outsider, other_week, monthly)} == {"entered"}


def test_confirm_all_of_one_department(app, demo):
    from sqlalchemy import select

    from app.models import Department

    deals = metric("成交数")
    ward = figure(deals, "10009", WEEK, 1)        # 整形外科/病房护理组
    service = figure(deals, "employee", WEEK, 1)  # 客服中心/网络咨询组
    surgery = db.session.scalar(select(Department.id).where(Department.name == "整形外科"))
    assert entries.confirm_all(person("supervisor"), "weekly", WEEK, surgery, NOW) == (1, 0)
    db.session.commit()
    db.session.expire_all()
    assert (ward.status, service.status) == ("confirmed", "entered")


def test_a_figure_changed_after_the_page_was_shown_is_not_confirmed_unseen(app, demo):
    """The supervisor's page showed 3; the employee changed it to 30; confirming that page's
    3 confirms nothing and says what the figure is now; confirming what is shown then works."""
    deals = metric("成交数")
    save("employee", {deals: "3"})
    result = result_of(deals, "employee", WEEK)
    shown = entries.result_token(result)
    save("employee", {deals: "30"})
    db.session.expire_all()
    with pytest.raises(StaleEdit) as changed:
        entries.confirm(person("supervisor"), result.id, NOW, seen=shown)
    assert "30" in str(changed.value)
    db.session.rollback()
    assert result_of(deals, "employee", WEEK).status == "entered"
    entries.confirm(person("supervisor"), result.id, NOW, seen=changed.value.current)
    assert result_of(deals, "employee", WEEK).status == "confirmed"


def test_confirm_all_leaves_figures_changed_after_the_page_was_drawn(app, demo):
    deals = metric("成交数")
    before = figure(deals, "10005", WEEK, 1)
    changed = figure(deals, "10009", WEEK, 1)
    shown_at = NOW
    db.session.execute(update(MetricResult).where(MetricResult.id == changed.id)
                       .values(value=9, updated_at=NOW + timedelta(minutes=1)))
    db.session.execute(update(MetricResult).where(MetricResult.id == before.id)
                       .values(updated_at=NOW - timedelta(minutes=1)))
    assert entries.confirm_all(person("supervisor"), "weekly", WEEK, None,
                               NOW + timedelta(minutes=2), shown_at=shown_at) == (1, 1)
    db.session.expire_all()
    assert (before.status, changed.status) == ("confirmed", "entered")
