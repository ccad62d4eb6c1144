"""The re-check after an SOP version that requires re-acknowledgement: only the questions of
the steps that changed.

A question of an SOP module's quiz may name its step (`QuizItem.step_key`). A learner who
confirmed version N of a module now at version M (a version after N requires
re-acknowledgement) re-reads the steps added or changed since N (`reread.reread_plan`) and
answers the questions attached to those steps — nothing else: questions of unchanged steps
and questions attached to no step are not asked again. When no changed step has questions,
there is no re-check.

The re-check is a quiz attempt with no quiz (`QuizAttempt.recheck_version_id` = version M,
graded at hand-in like an exam, pass mark: the highest of the module's quizzes'). Rule:
confirming version M needs a passed re-check of M when there is one; a failed one can be
taken again at once. The re-check never counts as an attempt of the quiz (limits, results,
analytics). A first-time reader has no plan, so no re-check: they take the whole quiz as
before.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from app.extensions import db
from app.models import (
    AttemptQuestion,
    Question,
    QuestionVersion,
    Quiz,
    QuizAttempt,
    QuizItem,
    SopModule,
    SopStep,
    SopVersion,
    User,
)
from app.models.attempts import FINISHED, IN_PROGRESS
from app.services.content import acknowledgement as ack
from app.services.content.diff import ADDED, CHANGED
from app.services.content.reread import RereadPlan, reread_plan
from app.services.errors import DomainError
from app.services.quiz.layout import make_layout
from app.services.records import insert_or_none


@dataclass
class Recheck:
    version: SopVersion
    # the questions to answer, in order, each with its quiz's shuffle-the-options setting
    items: list[tuple[QuizItem, QuestionVersion, bool]]
    pass_percent: float
    latest: QuizAttempt | None  # the learner's latest re-check of this version

    @property
    def passed(self) -> bool:
        return self.latest is not None and self.latest.passed is True

    @property
    def open(self) -> bool:
        """Being taken, or handed in and waiting for a person to grade a written answer."""
        return self.latest is not None and self.latest.state != FINISHED


def recheck_for(user: User, module: SopModule, version: SopVersion,
                plan: RereadPlan | None) -> Recheck | None:
    """The re-check the learner owes for `version` (None when nothing is to be asked)."""
    keys = {key for key, status in (plan.statuses.items() if plan else ())
            if status in (ADDED, CHANGED)}
    if not keys:
        return None
    rows = db.session.execute(
        select(QuizItem, QuestionVersion, Quiz.shuffle_options, Quiz.pass_percent)
        .join(Quiz, Quiz.id == QuizItem.quiz_id)
        .join(Question, Question.id == QuizItem.question_id)
        .join(QuestionVersion, and_(QuestionVersion.question_id == Question.id,
                                    QuestionVersion.number == Question.current_version))
        .where(Quiz.sop_module_id == module.id, Quiz.published.is_(True),
               Quiz.archived.is_(False), Question.archived.is_(False),
               QuizItem.step_key.in_(keys))
        .order_by(Quiz.id, QuizItem.rank)).all()
    if not rows:
        return None
    latest = db.session.scalar(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id,
                                  QuizAttempt.recheck_version_id == version.id)
        .order_by(QuizAttempt.number.desc()).limit(1))
    return Recheck(version, [(item, question, shuffle) for item, question, shuffle, _m in rows],
                   max(row.pass_percent for row in rows), latest)


def current_recheck(user: User, module: SopModule, version: SopVersion) -> Recheck | None:
    """The re-check of `version` the learner owes now, from their acknowledgement state."""
    return recheck_for(user, module, version,
                       reread_plan(module, version, ack.ack_state(user, module.id)))


def start_recheck(user: User, module: SopModule, version: SopVersion, now: datetime,
                  rng: random.Random | None = None) -> QuizAttempt:
    """The open re-check of `version`, or a new one (two at once: one, by a unique index)."""
    check = current_recheck(user, module, version)
    if check is None:
        raise DomainError(_l("There is nothing to re-check for this SOP."))
    if check.open or check.passed:
        return check.latest
    rng = rng or random.Random()
    points = [float(item.points if item.points is not None
                    else question.data.get("points", 1.0)) for item, question, _s in check.items]
    done = db.session.scalar(select(func.count()).where(
        QuizAttempt.user_id == user.id, QuizAttempt.recheck_version_id == version.id))
    attempt_id = insert_or_none(QuizAttempt, dict(
        quiz_id=None, recheck_version_id=version.id, user_id=user.id, number=done + 1,
        mode="exam", state=IN_PROGRESS, started_at=now, updated_at=now,
        pass_percent=check.pass_percent, max_score=sum(points)))
    if attempt_id is None:  # started a moment ago by another request of the same person
        return current_recheck(user, module, version).latest
    attempt = db.session.get(QuizAttempt, attempt_id)
    attempt.questions = [AttemptQuestion(
        rank=rank, question_id=question.question_id, version_id=question.id,
        points=points[rank], must_pass=item.must_pass,
        layout=make_layout(question.data, shuffle, rng))
        for rank, (item, question, shuffle) in enumerate(check.items)]
    db.session.flush()
    return attempt


def acknowledge(user: User, module: SopModule, version: SopVersion):
    """阅读并确认 `version`, once the re-check of its changed steps is passed (if it has one)."""
    check = current_recheck(user, module, version)
    if check is not None and not check.passed:
        raise DomainError(_l("Answer the questions on the changed steps and pass them first, "
                             "then confirm."))
    return ack.acknowledge(user, module, version)


def set_item_step(item: QuizItem, step_key: str | None) -> None:
    """The SOP step a question of an SOP module's quiz belongs to (None: no step)."""
    if step_key is not None:
        keys = set(db.session.scalars(select(SopStep.key).where(
            SopStep.module_id == item.quiz.sop_module_id))) if item.quiz.sop_module_id else set()
        if step_key not in keys:
            raise DomainError(_l("Choose one of this SOP's steps."), "step")
    item.step_key = step_key
    db.session.flush()
