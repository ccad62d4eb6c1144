"""A trainer publishes an SOP version that requires re-acknowledgement: the module's audience
owes the acknowledgement within the days chosen, and is told in-app at once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import SopVersion
from app.models.assignments import Assignment, Notification
from app.models.base import utcnow
from app.services.assign.status import status_query
from tests.learning_factories import make_sop, person, set_steps


def _reack_rows(now):
    return db.session.execute(status_query(now, Assignment.origin == "reack")).all()


def _changed_module():
    module = make_sop("reack-web", positions=("护士",))
    set_steps(module, [{"key": "one", "title": "第一步：新规定"}])
    db.session.commit()
    return module


def test_publishing_with_reacknowledgement_assigns_it_to_the_audience(trainer):
    module = _changed_module()
    before = utcnow()
    response = trainer.post(f"/manage/sop/{module.id}/publish", data={
        "change_note": "流程调整", "requires_reack": "y", "reack_days": "5"})
    after = utcnow()
    assert response.status_code == 302
    rows = _reack_rows(after)
    assert {r.user_id for r in rows} == {person("supervisor").id, person("10009").id}
    assert all(r.status == "not_started" for r in rows)
    assert all(before + timedelta(days=5) <= r.due_at <= after + timedelta(days=5)
               for r in rows)
    assignment = db.session.scalar(select(Assignment).where(Assignment.origin == "reack"))
    assert assignment.sop_version_number == 2 and assignment.message == "流程调整"
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "assigned", Notification.assignment_id == assignment.id))
    assert set(told) == {person("supervisor").id, person("10009").id}


def test_the_default_is_seven_days_and_without_the_box_nothing_is_assigned(trainer):
    module = _changed_module()
    trainer.post(f"/manage/sop/{module.id}/publish",
                 data={"change_note": "措辞调整", "reack_days": "3"})
    assert _reack_rows(utcnow()) == []
    set_steps(module, [{"key": "one", "title": "第一步：又一版"}])
    db.session.commit()
    trainer.post(f"/manage/sop/{module.id}/publish",
                 data={"change_note": "新规定", "requires_reack": "y", "reack_days": ""})
    due = {r.due_at for r in _reack_rows(utcnow())}
    assert len(due) == 1 and timedelta(days=6, hours=23) < due.pop() - utcnow() <= \
        timedelta(days=7)


def test_days_out_of_range_are_refused_and_nothing_is_published(trainer):
    module = _changed_module()
    page = trainer.post(f"/manage/sop/{module.id}/publish", data={
        "change_note": "流程调整", "requires_reack": "y", "reack_days": "0"})
    assert page.status_code == 200
    assert re.search(r'class="form-error">[^<]*365', page.text)
    assert db.session.scalar(select(func.count()).select_from(SopVersion).where(
        SopVersion.module_id == module.id)) == 1
    assert _reack_rows(utcnow()) == []
