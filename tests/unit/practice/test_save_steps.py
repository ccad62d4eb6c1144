"""Saving several steps of a run at once (the whole page, or the fields an autosave sent):
a field not sent stays as it is, a refused step does not stop the others, and handing in
after saving sees what was just saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import RunSubmission
from app.services.errors import DomainError
from app.services.practice import runs
from app.services.practice.runs import StepInput
from tests.helpers import upload_settings
from tests.learning_factories import person
from tests.practice_factories import Upload, jpeg_bytes, make_run


@pytest.fixture
def run(app, demo):
    return make_run("employee")


def _steps(run) -> dict:
    db.session.expire_all()
    return {step.step_key: step for step in run.steps}


def _save(run, entries: dict[str, StepInput]) -> dict:
    errors = runs.save_steps(person("employee"), run, entries, uploads=upload_settings())
    db.session.commit()
    return errors


def test_every_step_sent_is_saved_in_one_call(run):
    errors = _save(run, {
        "add-wechat": StepInput(done=True, evidence_text="已添加", note="第一步"),
        "first-visit": StepInput(done=True, evidence_number="15"),
        "screenshot": StepInput(done=False, note="稍后补截图",
                                photo=Upload(jpeg_bytes())),
    })
    steps = _steps(run)
    assert errors == {}
    assert steps["add-wechat"].evidence_text == "已添加" and steps["add-wechat"].note == "第一步"
    assert steps["add-wechat"].done_at is not None
    assert steps["first-visit"].evidence_number == 15 and steps["first-visit"].done_at
    assert steps["screenshot"].photo_id is not None and steps["screenshot"].done_at is None
    assert steps["survey"].done_at is None and steps["survey"].note == ""


def test_a_field_not_sent_is_left_as_it_is(run):
    _save(run, {"add-wechat": StepInput(done=True, evidence_text="已添加", note="备注")})
    ticked_at = _steps(run)["add-wechat"].done_at
    _save(run, {"add-wechat": StepInput(done=None, evidence_text=None, note=None,
                                        script_draft="您好")})  # an autosave of one field
    step = _steps(run)["add-wechat"]
    assert (step.evidence_text, step.note, step.script_draft) == ("已添加", "备注", "您好")
    assert step.done_at == ticked_at
    _save(run, {"add-wechat": StepInput(done=False, evidence_text=None, note=None,
                                        script_draft=None)})
    step = _steps(run)["add-wechat"]
    assert step.done_at is None and step.note == "备注"


def test_a_refused_step_keeps_its_old_values_and_the_others_are_saved(run):
    _save(run, {"add-wechat": StepInput(done=False, note="旧备注")})
    errors = _save(run, {
        "add-wechat": StepInput(done=True, note="客户手机 13812345678"),
        "first-visit": StepInput(done=True, evidence_number="12"),
        "survey": StepInput(done=True, evidence_link="javascript:alert(1)"),
    })
    assert set(errors) == {"add-wechat", "survey"}
    assert errors["add-wechat"].field == "note" and errors["survey"].field == "evidence_link"
    steps = _steps(run)
    assert steps["add-wechat"].note == "旧备注" and steps["add-wechat"].done_at is None
    assert steps["survey"].done_at is None
    assert steps["first-visit"].evidence_number == 12 and steps["first-visit"].done_at


def test_unknown_step_keys_are_ignored(run):
    assert _save(run, {"no-such-step": StepInput(done=True)}) == {}


def test_a_handed_in_run_saves_nothing(app, demo):
    run = make_run(status="submitted")
    with pytest.raises(DomainError):
        runs.save_steps(person("employee"), run, {"add-wechat": StepInput(note="改")})
    db.session.rollback()
    assert _steps(run)["add-wechat"].note != "改"


def test_someone_elses_run_is_not_found(run):
    with pytest.raises(runs.NotFound):
        runs.save_steps(person("supervisor"), run, {"add-wechat": StepInput(note="x")})


def test_handing_in_right_after_saving_sees_the_saved_steps(run):
    employee = person("employee")
    runs.save_steps(employee, run, {
        "add-wechat": StepInput(done=True, evidence_text="已添加"),
        "first-visit": StepInput(done=True, evidence_number="15"),
        "survey": StepInput(done=True, evidence_link="https://example.com/s/1"),
        "screenshot": StepInput(done=True, photo=Upload(jpeg_bytes())),
        "handover": StepInput(done=True),
    }, uploads=upload_settings())
    submission = runs.submit_run(employee, run)  # same transaction, nothing committed yet
    db.session.commit()
    assert run.status == "submitted"
    assert submission.snapshot["steps"][0]["evidence_text"] == "已添加"
    assert db.session.scalar(select(func.count(RunSubmission.id))) == 1
