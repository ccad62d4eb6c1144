"""What 我的任务 adds to the tasks of each kind (the kinds' `task_details` hook of the item
registry), each one statement for all the tasks of its kind: lessons done per course,
attempts per quiz, practice runs signed off per SOP assignment, a path's stages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import (
    CourseVersion,
    CourseVersionLesson,
    LessonProgress,
    PracticeRun,
    QuizAttempt,
    User,
)
from app.models.assignments import Assignment
from app.services.assign.paths import next_in_path, path_states, personal_start
from app.services.content.audience import latest_course_numbers


def path_details(user: User, tasks: list, now: datetime) -> None:
    """The path's stages for this person, items done out of all, the next item to open."""
    for task in tasks:
        task.path = task.item
    pairs = [(task.path, personal_start(task.assignment, user)) for task in tasks]
    for task, stages in zip(tasks, path_states(user, pairs, now), strict=True):
        task.stages = stages
        task.done = sum(stage.done for stage in stages)
        task.total = sum(len(stage.items) for stage in stages)
        task.next_step = next_in_path(stages)


def course_details(user: User, tasks: list, now: datetime) -> None:
    """Lessons of the latest version completed, per course: one statement."""
    ids = {task.assignment.course_id for task in tasks}
    if not ids:
        return
    latest = latest_course_numbers()
    completed = and_(LessonProgress.user_id == user.id,
                     LessonProgress.course_id == CourseVersion.course_id,
                     LessonProgress.lesson_key == CourseVersionLesson.key,
                     LessonProgress.completed_at.is_not(None))
    counts = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(CourseVersion.course_id, func.count(LessonProgress.id),
               func.count(CourseVersionLesson.id))
        .join(latest, and_(latest.c.course_id == CourseVersion.course_id,
                           latest.c.number == CourseVersion.number))
        .join(CourseVersionLesson, CourseVersionLesson.version_id == CourseVersion.id)
        .outerjoin(LessonProgress, completed)
        .where(CourseVersion.course_id.in_(ids))
        .group_by(CourseVersion.course_id))}
    for task in tasks:
        task.done, task.total = counts.get(task.assignment.course_id, (0, 0))


def quiz_details(user: User, tasks: list, now: datetime) -> None:
    """Attempts made and the best finished score, per quiz: one statement."""
    ids = {task.assignment.quiz_id for task in tasks}
    if not ids:
        return
    stats = {row[0]: (row[1], row[2]) for row in db.session.execute(
        select(QuizAttempt.quiz_id, func.count(QuizAttempt.id), func.max(QuizAttempt.percent))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.quiz_id.in_(ids))
        .group_by(QuizAttempt.quiz_id))}
    for task in tasks:
        task.attempts, task.best = stats.get(task.assignment.quiz_id, (0, None))


def practice_details(user: User, tasks: list, now: datetime) -> None:
    """Runs signed off since each SOP assignment asking for practice was given (what counts
    towards it): one statement."""
    tasks = [task for task in tasks if task.assignment.practice_runs]
    if not tasks:
        return
    signed = dict(db.session.execute(
        select(Assignment.id, func.count(PracticeRun.id))
        .join(PracticeRun, and_(PracticeRun.module_id == Assignment.sop_module_id,
                                PracticeRun.user_id == user.id,
                                PracticeRun.status == "signed_off",
                                PracticeRun.signed_off_at >= Assignment.created_at))
        .where(Assignment.id.in_([task.assignment.id for task in tasks]))
        .group_by(Assignment.id)).all())
    for task in tasks:
        task.done = signed.get(task.assignment.id, 0)
        task.total = task.assignment.practice_runs
