"""The database refuses an item reference that makes no sense: an unknown kind, no id for the
kind, or the id of another kind set too — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Assignment, Certificate, PathStageItem, Quiz, SurveyAttachment
from app.models.base import utcnow
from app.models.items import ItemReference, item_checks
from app.services.certificates import new_code
from tests.learning_factories import make_course, make_sop, person
from tests.path_factories import make_path
from tests.quiz_factories import make_quiz


@pytest.fixture
def items(app, demo):
    course = make_course("ref-course", [("l1", "一", "x")])
    module = make_sop("ref-sop")
    quiz = make_quiz(slug="ref-quiz")
    path = make_path([("第一阶段", [course])])
    return course, quiz, module, path


def _refused(model, **values) -> None:
    """Inserting the row (plain SQL, no Python check in between) fails in the database."""
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(insert(model).values(**values))


def _accepted(model, **values) -> None:
    with db.session.begin_nested():
        db.session.execute(insert(model).values(**values))


def test_assignments_refuse_unknown_kinds_and_wrong_ids(items):
    course, quiz, _module, path = items
    now = utcnow()
    common = {"acknowledge": True, "practice_runs": 0, "required": True, "message": "",
              "origin": "manual", "starts_at": now, "created_at": now, "updated_at": now}
    _refused(Assignment, kind="nonsense", **common)
    _refused(Assignment, kind="course", **common)
    _refused(Assignment, kind="course", quiz_id=quiz.id, **common)
    _refused(Assignment, kind="course", course_id=course.id, quiz_id=quiz.id, **common)
    _refused(Assignment, kind="path", course_id=course.id, **common)
    _accepted(Assignment, kind="course", course_id=course.id, **common)
    _accepted(Assignment, kind="path", path_id=path.id, **common)


def test_an_orm_assignment_of_nonsense_does_not_flush(items):
    db.session.add(Assignment(kind="nonsense"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_path_stage_items_take_exactly_the_id_of_their_kind(items):
    course, quiz, module, path = items
    stage_id = path.stages[0].id
    _refused(PathStageItem, stage_id=stage_id, rank=9, kind="course", course_id=course.id,
             quiz_id=quiz.id)
    _refused(PathStageItem, stage_id=stage_id, rank=9, kind="path")
    _refused(PathStageItem, stage_id=stage_id, rank=9, kind="sop", quiz_id=quiz.id)
    _accepted(PathStageItem, stage_id=stage_id, rank=9, kind="sop", sop_module_id=module.id)


def test_certificates_take_the_id_of_their_kind(items):
    course, _quiz, _module, path = items
    base = {"user_id": person("employee").id, "title": "证书", "issued_at": utcnow()}
    _refused(Certificate, kind="course", path_id=path.id, code=new_code(), **base)
    _refused(Certificate, kind="quiz", code=new_code(), **base)
    _refused(Certificate, kind="path", path_id=path.id, course_id=course.id, code=new_code(),
             **base)
    _accepted(Certificate, kind="path", path_id=path.id, code=new_code(), **base)


def test_a_quiz_belongs_to_a_course_a_module_or_nothing(items):
    course, quiz, module, _path = items
    assert quiz.item_kind is None and quiz.item_id is None
    quiz.course_id = course.id
    db.session.flush()
    assert (quiz.item_kind, quiz.item_id) == ("course", course.id)
    quiz.sop_module_id = module.id
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_set_item_clears_the_other_ids_and_refuses_a_kind_the_model_does_not_allow():
    item = PathStageItem(kind="quiz", quiz_id=3)
    item.set_item("course", 7)
    assert (item.kind, item.course_id, item.quiz_id, item.sop_module_id) == ("course", 7, None,
                                                                             None)
    with pytest.raises(ValueError):
        item.set_item("path", 1)


def test_every_referencing_model_has_its_generated_checks():
    for model in (Assignment, PathStageItem, Certificate, Quiz, SurveyAttachment):
        assert issubclass(model, ItemReference)
        names = {c.name for c in model.__table__.constraints if c.name and "_item_" in c.name}
        expected = {f"ck_{model.__tablename__}_{name}"
                    for name, _sql in item_checks(model.item_kinds, model.item_kind_column)}
        assert names == expected, model
