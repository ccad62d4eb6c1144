"""Content for the learner's tests: courses and SOP modules built and published in a few lines,
the shipped curriculum synced, and demo people looked up."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Course,
    CourseChapter,
    CourseLesson,
    Department,
    Position,
    SopModule,
    SopStep,
    User,
)
from app.services.content import publishing
from app.services.content.kinds import COURSE, SOP_MODULE
from tests.conftest import ROOT


def person(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def position(name: str) -> Position:
    return db.session.scalar(select(Position).where(Position.name == name))


def department(name: str) -> Department:
    return db.session.scalar(select(Department).where(Department.name == name).order_by(
        Department.id))


def make_course(slug: str, lessons: list[tuple] | None = None, *, title: str | None = None,
                positions: tuple[str, ...] = (), departments: tuple[str, ...] = (),
                publish: bool = True, sort_order: int = 0) -> Course:
    """A course with one chapter holding `lessons`, published once unless `publish` is False."""
    course = Course(slug=slug, title=title or f"课程 {slug}", summary=f"{slug} 的简介",
                    sort_order=sort_order)
    course.positions = [position(name) for name in positions]
    course.departments = [department(name) for name in departments]
    db.session.add(course)
    db.session.flush()
    set_lessons(course, lessons or [("intro", "第一课", "正文")])
    if publish:
        publishing.publish(COURSE, course, None, "")
    db.session.commit()
    return course


def set_lessons(course: Course, lessons: list[tuple], chapter_title: str = "第1章") -> None:
    """Replace the working copy's lessons (one chapter): (key, title, body[, video media id])."""
    course.chapters = []
    db.session.flush()
    chapter = CourseChapter(course_id=course.id, title=chapter_title, rank=0)
    chapter.lessons = [
        CourseLesson(course_id=course.id, key=item[0], title=item[1], body=item[2],
                     rank=index, video_media_id=item[3] if len(item) > 3 else None)
        for index, item in enumerate(lessons)
    ]
    course.chapters.append(chapter)
    db.session.flush()


def republish(course: Course, lessons: list[tuple], note: str = "新版本"):
    set_lessons(course, lessons)
    version = publishing.publish(COURSE, course, None, note)
    db.session.commit()
    return version


def make_sop(slug: str, steps: list[dict] | None = None, *, title: str | None = None,
             purpose: str = "目的", positions: tuple[str, ...] = (),
             departments: tuple[str, ...] = (), publish: bool = True) -> SopModule:
    """An SOP module with `steps` (dicts of SopStep fields), published once."""
    module = SopModule(slug=slug, title=title or f"SOP {slug}", purpose=purpose)
    module.positions = [position(name) for name in positions]
    module.departments = [department(name) for name in departments]
    db.session.add(module)
    db.session.flush()
    set_steps(module, steps or [{"key": "one", "title": "第一步"}])
    if publish:
        publishing.publish(SOP_MODULE, module, None, "")
    db.session.commit()
    return module


def set_steps(module: SopModule, steps: list[dict]) -> None:
    module.steps = []
    db.session.flush()
    module.steps = [SopStep(module_id=module.id, rank=index, **step)
                    for index, step in enumerate(steps)]
    db.session.flush()


def republish_sop(module: SopModule, steps: list[dict], note: str, requires_reack: bool):
    set_steps(module, steps)
    version = publishing.publish(SOP_MODULE, module, None, note, requires_reack=requires_reack)
    db.session.commit()
    return version


def sync_shipped() -> None:
    """The curriculum of courses/ and sop/, as `flask content sync` loads it."""
    from app.services.content.sync import sync_content

    report = sync_content(ROOT, ROOT / "courses", ROOT / "sop", dry_run=False)
    assert not report.errors, report.as_dict()
    db.session.commit()
