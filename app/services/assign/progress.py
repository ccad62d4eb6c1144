"""Each person's progress on courses, quizzes and SOP modules, as SQL subqueries grouped by
(user, item), for any number of people in one statement.

Every subquery has the columns user_id, item_id, started (0/1), done (0/1), done_at, and for
quizzes also failed (all attempts used without passing). "Done" means:
- course: every lesson of the latest published version completed;
- quiz: passed, by the quiz's grading method (highest, last, first, average);
- SOP module: acknowledged a version at least as new as the latest one that requires
  re-acknowledgement (and as `min_version` when the assignment names one).
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.models import (
    Acknowledgement,
    CourseVersion,
    CourseVersionLesson,
    LessonProgress,
    PracticeRun,
    QuizAttempt,
    SopVersion,
)
from app.models.quiz import Quiz
from app.services.content.audience import latest_course_numbers
from app.services.sql_hints import among


def _flag(condition):
    return case((condition, 1), else_=0)


def course_progress(user_filter=None):
    """(user_id, item_id=course_id, started, done, done_at) for every course someone opened."""
    latest = latest_course_numbers()
    version = (select(CourseVersion.course_id, CourseVersion.id.label("version_id"),
                      func.count(CourseVersionLesson.id).label("total"))
               .join(latest, and_(latest.c.course_id == CourseVersion.course_id,
                                  latest.c.number == CourseVersion.number))
               .join(CourseVersionLesson, CourseVersionLesson.version_id == CourseVersion.id)
               .group_by(CourseVersion.course_id, CourseVersion.id).subquery("latest_lessons"))
    lesson = aliased(CourseVersionLesson)
    completed = func.count(case((and_(LessonProgress.completed_at.is_not(None),
                                      lesson.id.is_not(None)), 1)))
    query = (select(LessonProgress.user_id, LessonProgress.course_id.label("item_id"),
                    literal(1).label("started"),
                    _flag(completed >= func.max(version.c.total)).label("done"),
                    func.max(LessonProgress.completed_at).label("done_at"),
                    literal(0).label("failed"))
             .join(version, version.c.course_id == LessonProgress.course_id)
             .outerjoin(lesson, and_(lesson.version_id == version.c.version_id,
                                     lesson.key == LessonProgress.lesson_key))
             .group_by(LessonProgress.user_id, LessonProgress.course_id))
    if user_filter is not None:
        query = query.where(among(LessonProgress.user_id, user_filter))
    return query.subquery("course_progress")


def _cleared(attempt):
    """SQL: no must-pass question failed this attempt (grading.cleared_must_pass)."""
    return or_(attempt.passed.is_(True), attempt.percent < attempt.pass_percent)


def quiz_progress(user_filter=None):
    """(user_id, item_id=quiz_id, started, done, done_at, failed) for every quiz tried.

    The quiz's rules (grading method, pass mark, attempts allowed) are read in the grouped
    attempts (grouped by them too: one quiz, one value each), not joined to it after: with
    that join the progress subquery was one SQLite would not index, and it scanned it once
    per (assignment, person) pair — 150 ms of a 10,000-staff export for ~5,000 pairs."""
    finished = QuizAttempt.state == "finished"
    rules = (Quiz.grading_method, Quiz.pass_percent, Quiz.max_attempts)
    stats = (select(QuizAttempt.user_id, QuizAttempt.quiz_id,
                    func.count().label("attempts"),
                    func.count(case((finished, 1))).label("finished"),
                    func.max(case((finished, QuizAttempt.percent))).label("best"),
                    func.max(case((and_(finished, _cleared(QuizAttempt)),
                                   QuizAttempt.percent))).label("best_cleared"),
                    func.avg(case((finished, QuizAttempt.percent))).label("average"),
                    func.min(case((finished, QuizAttempt.number))).label("first_n"),
                    func.max(case((finished, QuizAttempt.number))).label("last_n"),
                    func.min(case((and_(finished, QuizAttempt.passed.is_(True)),
                                   QuizAttempt.finished_at))).label("passed_at"),
                    *rules)
             .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
             .where(QuizAttempt.quiz_id.is_not(None))
             .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id, *rules))
    if user_filter is not None:
        stats = stats.where(among(QuizAttempt.user_id, user_filter))
    stats = stats.subquery("quiz_stats")
    method, pass_percent = stats.c.grading_method, stats.c.pass_percent
    score = case((method == "last", _percent_of(stats, stats.c.last_n)),
                 (method == "first", _percent_of(stats, stats.c.first_n)),
                 (method == "average", stats.c.average),
                 else_=stats.c.best)
    cleared = case((method == "first", _cleared_of(stats, stats.c.first_n) == 1),
                   (method.in_(("last", "average")), _cleared_of(stats, stats.c.last_n) == 1),
                   else_=func.coalesce(stats.c.best_cleared, -1.0) >= pass_percent)
    passed = and_(score.is_not(None), score >= pass_percent, cleared)
    used_up = and_(stats.c.max_attempts.is_not(None), stats.c.finished >= stats.c.max_attempts)
    return (select(stats.c.user_id, stats.c.quiz_id.label("item_id"),
                   literal(1).label("started"), _flag(passed).label("done"),
                   stats.c.passed_at.label("done_at"),
                   _flag(and_(~passed, used_up)).label("failed"))
            .subquery("quiz_progress"))


def _percent_of(stats, number):
    """SQL scalar: the percent of the person's attempt of that number (a look-up by the
    unique (quiz, user, number) index, made only for a quiz graded by its first or last
    attempt). As outer joins of the attempts table, the first and last attempts made the
    progress subquery a join SQLite could not index: it scanned it once per (assignment,
    person) pair."""
    attempt = aliased(QuizAttempt)
    return (select(attempt.percent)
            .where(attempt.quiz_id == stats.c.quiz_id, attempt.user_id == stats.c.user_id,
                   attempt.number == number)
            .scalar_subquery())


def _cleared_of(stats, number):
    """SQL scalar: 1 when the person's attempt of that number failed no must-pass question
    (the same look-up by the unique index as `_percent_of`)."""
    attempt = aliased(QuizAttempt)
    return (select(_flag(_cleared(attempt)))
            .where(attempt.quiz_id == stats.c.quiz_id, attempt.user_id == stats.c.user_id,
                   attempt.number == number)
            .scalar_subquery())


def required_sop_numbers():
    """(module_id, number): the latest version that requires re-acknowledgement."""
    return (select(SopVersion.module_id, func.max(SopVersion.number).label("number"))
            .where(SopVersion.requires_reack.is_(True))
            .group_by(SopVersion.module_id).subquery("reack_numbers"))


def sop_progress(user_filter=None):
    """(user_id, item_id=module_id, started, done, done_at, acked_number) for every module
    someone acknowledged; `done` against re-acknowledgement only (an assignment may ask for
    a newer version still: compare acked_number)."""
    required = required_sop_numbers()
    acked = (select(Acknowledgement.user_id, Acknowledgement.module_id,
                    func.max(SopVersion.number).label("acked_number"),
                    func.max(Acknowledgement.acknowledged_at).label("done_at"))
             .join(SopVersion, SopVersion.id == Acknowledgement.version_id)
             .group_by(Acknowledgement.user_id, Acknowledgement.module_id))
    if user_filter is not None:
        acked = acked.where(among(Acknowledgement.user_id, user_filter))
    acked = acked.subquery("acked")
    done = func.coalesce(required.c.number, 0) <= acked.c.acked_number
    return (select(acked.c.user_id, acked.c.module_id.label("item_id"),
                   literal(1).label("started"), _flag(done).label("done"),
                   acked.c.done_at, literal(0).label("failed"), acked.c.acked_number)
            .outerjoin(required, required.c.module_id == acked.c.module_id)
            .subquery("sop_progress"))


def practice_progress(user_filter=None):
    """(user_id, module_id, runs, last_signed_off_at): every person's practice runs of every
    module they practised (started counts as 'in progress' for an SOP assignment)."""
    query = (select(PracticeRun.user_id, PracticeRun.module_id,
                    func.count(PracticeRun.id).label("runs"),
                    func.max(PracticeRun.signed_off_at).label("last_signed_off_at"))
             .group_by(PracticeRun.user_id, PracticeRun.module_id))
    if user_filter is not None:
        query = query.where(among(PracticeRun.user_id, user_filter))
    return query.subquery("practice_progress")


def signed_off_since(user_id, module_id, since):
    """SQL scalar: the person's runs of the module signed off at or after `since` (runs done
    before an assignment was given do not count towards it)."""
    return (select(func.count(PracticeRun.id))
            .where(PracticeRun.user_id == user_id, PracticeRun.module_id == module_id,
                   PracticeRun.status == "signed_off", PracticeRun.signed_off_at >= since)
            .correlate_except(PracticeRun)
            .scalar_subquery())
