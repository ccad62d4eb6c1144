"""The kinds of learning item, one declaration each.

Adding a kind: docs/architecture.md ("Worked example: adding a kind").

Hooks are looked up when called (`_late`), so the modules they live in may themselves use
the registry without an import cycle."""

from __future__ import annotations

import importlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select

from app.models import Course, CourseVersion, Quiz, SopModule, SopVersion, TrainingClass
from app.models.assignments import LearningPath, PathStage
from app.models.surveys import Survey
from app.services.content.audience import latest_course_numbers
from app.services.items.registry import ItemKind, register


def _late(module: str, name: str):
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    call.__name__ = name
    return call


PROGRESS = "app.services.assign.progress"
DETAILS = "app.services.assign.task_details"


def _course_titles():
    """(item_id, title) of each course's latest published version: what its certificate says."""
    latest = latest_course_numbers()
    return (select(CourseVersion.course_id.label("item_id"), CourseVersion.title)
            .join(latest, and_(latest.c.course_id == CourseVersion.course_id,
                               latest.c.number == CourseVersion.number))
            .subquery("course_titles"))


def _sop_titles():
    """(item_id, title) of each SOP module's latest version."""
    latest = (select(SopVersion.module_id, func.max(SopVersion.number).label("number"))
              .group_by(SopVersion.module_id).subquery("latest_sop"))
    return (select(SopVersion.module_id.label("item_id"), SopVersion.title)
            .join(latest, and_(latest.c.module_id == SopVersion.module_id,
                               latest.c.number == SopVersion.number))
            .subquery("sop_titles"))


def _path_titles():
    return select(LearningPath.id.label("item_id"), LearningPath.title).subquery("path_titles")


COURSE = register(ItemKind(
    key="course", model=Course, label=_l("Course"), plural=_l("Courses"),
    progress=_late(PROGRESS, "course_progress"),
    assignable=lambda: [Course.archived.is_(False),
                        exists().where(CourseVersion.course_id == Course.id)],
    order=lambda: [Course.sort_order, Course.title],
    endpoint="learn.course", url_arg="course_slug",
    done_phrase=_l("has completed the course"), certificate_titles=_course_titles,
    renewable=True,
    task_details=_late(DETAILS, "course_details"),
    progress_template="learn/_task_progress/course.html"))

QUIZ = register(ItemKind(
    key="quiz", model=Quiz, label=_l("Quiz"), plural=_l("Quizzes"),
    progress=_late(PROGRESS, "quiz_progress"),
    assignable=lambda: [Quiz.published.is_(True), Quiz.archived.is_(False)],
    order=lambda: [Quiz.title],
    endpoint="learn.quiz", url_arg="quiz_slug",
    task_details=_late(DETAILS, "quiz_details"),
    progress_template="learn/_task_progress/quiz.html"))

SOP = register(ItemKind(
    key="sop", model=SopModule, label=_l("SOP module"), plural=_l("SOP modules"),
    progress=_late(PROGRESS, "sop_progress"),
    assignable=lambda: [SopModule.archived.is_(False),
                        exists().where(SopVersion.module_id == SopModule.id)],
    order=lambda: [SopModule.title],
    endpoint="learn.sop", url_arg="sop_slug", practice=True, renewable=True,
    done_phrase=_l("has read, confirmed and works by the SOP"),
    certificate_titles=_sop_titles, certificate_needs_validity=True,
    assignment_terms=_late("app.services.assign.sop_status", "sop_terms"),
    task_details=_late(DETAILS, "practice_details"),
    progress_template="learn/_task_progress/sop.html"))

PATH = register(ItemKind(
    key="path", model=LearningPath, label=_l("Learning path"), plural=_l("Learning paths"),
    progress=_late("app.services.assign.path_progress", "path_progress"),
    assignable=lambda: [LearningPath.archived.is_(False),
                        exists().where(PathStage.path_id == LearningPath.id)],
    order=lambda: [LearningPath.title],
    done_phrase=_l("has completed the learning path"), certificate_titles=_path_titles,
    renewable=True,
    task_details=_late(DETAILS, "path_details"),
    progress_template="learn/_task_progress/path.html"))

SURVEY = register(ItemKind(
    key="survey", model=Survey, label=_l("Survey"), plural=_l("Surveys"),
    progress=_late("app.services.surveys.progress", "survey_progress"),
    assignable=lambda: [Survey.state == "published", Survey.archived.is_(False)],
    order=lambda: [Survey.title],
    endpoint="learn.survey", url_arg="survey_slug",
    task_details=_late("app.services.surveys.progress", "survey_details"),
    progress_template="learn/_task_progress/survey.html"))

CLASSES = "app.services.classes.progress"

CLASS = register(ItemKind(
    key="class", model=TrainingClass, label=_l("Offline class"), plural=_l("Offline classes"),
    progress=_late(CLASSES, "class_progress"),
    assignable=lambda: [TrainingClass.archived.is_(False)],
    order=lambda: [TrainingClass.title],
    endpoint="learn.training_class", url_arg="class_slug",
    done_phrase=_l("has attended the offline class"),
    certificate_titles=_late(CLASSES, "class_titles"),
    task_details=_late(CLASSES, "class_details"),
    progress_template="learn/_task_progress/class.html"))
