"""What the "new assignment" form offers: the items that can be assigned (published, not
archived), and whom — the actor's people and departments (admin: everyone) and positions.
The service refuses anything else, whatever a POST sends."""

from __future__ import annotations

from sqlalchemy import exists, select

from app.extensions import db
from app.models import Course, CourseVersion, Quiz, SopModule, SopVersion, User
from app.models.assignments import ITEM_KINDS, LearningPath, PathStage
from app.services import org
from app.services.scope import led_department_ids


def assignable_items() -> dict[str, list[tuple[int, str]]]:
    """kind → [(id, title)] of what can be assigned now (four statements)."""
    queries = {
        "course": select(Course.id, Course.title).where(
            Course.archived.is_(False),
            exists().where(CourseVersion.course_id == Course.id)).order_by(
            Course.sort_order, Course.title),
        "quiz": select(Quiz.id, Quiz.title).where(
            Quiz.published.is_(True), Quiz.archived.is_(False)).order_by(Quiz.title),
        "sop": select(SopModule.id, SopModule.title).where(
            SopModule.archived.is_(False),
            exists().where(SopVersion.module_id == SopModule.id)).order_by(SopModule.title),
        "path": select(LearningPath.id, LearningPath.title).where(
            LearningPath.archived.is_(False),
            exists().where(PathStage.path_id == LearningPath.id)).order_by(LearningPath.title),
    }
    return {kind: [tuple(row) for row in db.session.execute(queries[kind])]
            for kind in ITEM_KINDS}


def people(actor: User) -> list[tuple[int, str, str, int | None]]:
    """(id, name, login, department_id) of the active people the actor may assign to."""
    query = select(User.id, User.name, User.login, User.department_id).where(
        User.active.is_(True)).order_by(User.department_id, User.login)
    scope = led_department_ids(actor)
    if scope is not None:
        query = query.where(User.department_id.in_(scope))
    return [tuple(row) for row in db.session.execute(query)]


def departments(actor: User) -> list[tuple[int, str]]:
    """(id, "hospital / parent / child") of the departments the actor may assign to."""
    scope = led_department_ids(actor)
    trees = org.department_tree()
    return [(row.department.id, f"{hospital.name} / {row.path}")
            for hospital in org.list_hospitals() for row in trees.get(hospital.id, [])
            if scope is None or row.department.id in scope]


def positions() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in org.list_positions()]
