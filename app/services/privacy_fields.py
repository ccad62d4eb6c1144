"""THE list of stored columns people type free text into, for `flask privacy scan`
(app/services/privacy_scan.py, docs/privacy.md "Text stored before the guard").

Every String/Text/JSON column of every table is either in `STORED_TEXT` (scanned and, with
--mask, masked) or in `NOT_FREE_TEXT` with the reason; tests/unit/test_privacy_scan.py fails
when a new column is in neither, so a new column cannot skip the scan. JSON columns are
scanned leaf by leaf (every string value; keys are the program's own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.assignments import Assignment, LearningPath, Notification, PathStage
from app.models.attempts import AttemptQuestion, QuizAttempt
from app.models.classes import AttendanceMark, ClassEnrolment, ClassSession, TrainingClass
from app.models.content import (
    Course,
    CourseChapter,
    CourseLesson,
    CourseVersion,
    CourseVersionLesson,
    Media,
    SopModule,
    SopStep,
    SopVersion,
    SopVersionStep,
)
from app.models.org import Department, Hospital, Position, User
from app.models.practice import PracticeRun, RunReview, RunStep, RunStepComment, RunSubmission
from app.models.quiz import (
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizDrawRule,
)
from app.models.records import ApiToken, Certificate
from app.models.results import Metric, MetricResult
from app.models.surveys import Survey, SurveyAnswer, SurveyQuestion
from app.models.webhooks import WebhookEndpoint


@dataclass(frozen=True)
class StoredText:
    """A table's typed-text columns. `what` names a row for people ("私域成果备注");
    `detail(row)` adds who/when ("员工 10003, 2026-W48"); `history`: an append-only record,
    masked all the same (privacy wins over immutability), its scores and decisions untouched."""

    model: Any
    columns: tuple[str, ...]
    what: Any
    detail: Callable[[Any], str] | None = None
    history: bool = False

    @property
    def table(self) -> str:
        return self.model.__tablename__


def _employee(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return _("employee %(login)s", login=user.login) if user else ""


def _result(row: MetricResult) -> str:
    from app.services.results.periods import period_key

    return f"{_employee(row.user_id)}, {period_key(row.period_start, row.metric.period)}"


def _run_user(run_id: int) -> str:
    run = db.session.get(PracticeRun, run_id)
    return _employee(run.user_id) if run else ""


def _round(row) -> str:
    return f"{_run_user(row.run_id)}, " + _("round %(n)d", n=row.round)


STORED_TEXT: tuple[StoredText, ...] = (
    StoredText(MetricResult, ("note",), _l("Results note"), _result),
    StoredText(Metric, ("name", "unit", "description"), _l("Results metric")),
    StoredText(Assignment, ("message",), _l("Assignment message"),
               lambda row: _employee(row.created_by_id)),
    StoredText(Notification, ("params",), _l("Notification"), lambda row: _employee(row.user_id)),
    StoredText(LearningPath, ("title", "description"), _l("Learning path")),
    StoredText(PathStage, ("title",), _l("Learning path stage")),
    StoredText(AttemptQuestion, ("response", "grader_comment", "feedback"), _l("Quiz answer"),
               lambda row: _employee(db.session.get(QuizAttempt, row.attempt_id).user_id),
               history=True),
    StoredText(PracticeRun, ("case_code", "context"), _l("Practice run"),
               lambda row: _employee(row.user_id)),
    StoredText(RunStep, ("evidence_text", "evidence_link", "note", "script_draft"),
               _l("Practice run step"), lambda row: _run_user(row.run_id)),
    StoredText(RunSubmission, ("snapshot",), _l("Practice run submission"), _round,
               history=True),
    StoredText(RunReview, ("reason",), _l("Practice run review"), _round, history=True),
    StoredText(RunStepComment, ("comment",), _l("Practice review comment"),
               lambda row: _round(db.session.get(RunReview, row.review_id)), history=True),
    StoredText(Course, ("title", "summary"), _l("Course"), lambda row: row.slug),
    StoredText(CourseChapter, ("title",), _l("Course chapter")),
    StoredText(CourseLesson, ("title", "body"), _l("Course lesson")),
    StoredText(CourseVersion, ("title", "summary", "change_note"), _l("Course version"),
               history=True),
    StoredText(CourseVersionLesson, ("chapter_title", "title", "body"),
               _l("Course version lesson"), history=True),
    StoredText(SopModule, ("title", "purpose", "rubric"), _l("SOP module"), lambda row: row.slug),
    StoredText(SopStep, ("title", "instructions", "script", "timing", "evidence_hint",
                         "evidence_label", "evidence_unit", "key_points"), _l("SOP step")),
    StoredText(SopVersion, ("title", "purpose", "change_note"), _l("SOP version"), history=True),
    StoredText(SopVersionStep, ("title", "instructions", "script", "timing", "evidence_hint",
                                "evidence_label", "evidence_unit", "key_points"),
               _l("SOP version step"), history=True),
    StoredText(QuestionBank, ("title",), _l("Question bank"), lambda row: row.slug),
    StoredText(QuestionCategory, ("path",), _l("Question category")),
    StoredText(Question, ("tags",), _l("Question")),
    StoredText(QuestionVersion, ("data",), _l("Question version"), history=True),
    StoredText(Quiz, ("title", "description"), _l("Quiz"), lambda row: row.slug),
    StoredText(QuizDrawRule, ("tag",), _l("Quiz draw rule")),
    StoredText(Media, ("original_name",), _l("Uploaded file")),
    StoredText(Certificate, ("title",), _l("Certificate"), lambda row: _employee(row.user_id),
               history=True),
    StoredText(Hospital, ("name", "code"), _l("Hospital")),
    StoredText(Department, ("name",), _l("Department")),
    StoredText(Position, ("name",), _l("Position")),
    StoredText(User, ("name",), _l("Staff name")),
    StoredText(ApiToken, ("name",), _l("API token")),
    StoredText(TrainingClass, ("title", "description"), _l("Offline class"),
               lambda row: row.slug),
    StoredText(ClassSession, ("place",), _l("Offline class session")),
    StoredText(ClassEnrolment, ("leave_reason", "rating_comment"), _l("Offline class enrolment"),
               lambda row: _employee(row.user_id)),
    StoredText(AttendanceMark, ("reason",), _l("Attendance marked by hand"), history=True),
    StoredText(Survey, ("title", "description"), _l("Survey"), lambda row: row.slug),
    StoredText(SurveyQuestion, ("text", "options"), _l("Survey question")),
    # no detail: an anonymous answer names nobody, not even to the scan
    StoredText(SurveyAnswer, ("text",), _l("Survey answer"), history=True),
    StoredText(WebhookEndpoint, ("description",), _l("Webhook endpoint")),
)

_CODES = "a value the program chooses from a fixed list (kind, status, mode, source …)"
_KEYS = "an identifier made by the program or a content file (slug, key, hash, stored name)"

# "table.column": why it is not typed free text (or why it may hold such a number).
NOT_FREE_TEXT: dict[str, str] = {
    **dict.fromkeys((
        "assignments.kind", "assignments.origin", "certificates.kind", "learning_paths.mode",
        "media.kind", "media.mime", "evidence_photos.mime", "metric_results.status",
        "metric_results.source", "metrics.period", "metrics.kind", "notifications.kind",
        "path_stage_items.kind", "practice_runs.status", "questions.type", "quiz_attempts.mode",
        "quiz_attempts.state", "quizzes.mode", "quizzes.grading_method", "quizzes.review",
        "quizzes.source", "courses.source", "sop_modules.source", "reminder_deliveries.channel",
        "reminder_deliveries.status", "run_reviews.decision", "sign_in_events.outcome",
        "sop_steps.evidence_type", "sop_version_steps.evidence_type", "sop_steps.timing_from",
        "sop_version_steps.timing_from", "user_roles.role",
        "users.locale", "sign_in_events.method", "user_sessions.method",
        "attendance_marks.mark", "class_enrolments.leave_status", "class_enrolments.marked",
        "survey_attachments.kind", "survey_questions.type", "surveys.state",
        "webhook_deliveries.status", "webhook_events.type", "webhook_endpoints.events",
        "export_jobs.endpoint", "export_jobs.fmt", "export_jobs.locale", "export_jobs.state",
        "export_jobs.error",
    ), _CODES),
    **dict.fromkeys((
        "courses.slug", "courses.source_hash", "course_lessons.key", "course_version_lessons.key",
        "course_versions.content_hash", "sop_modules.slug", "sop_modules.source_hash",
        "sop_steps.key", "sop_version_steps.key", "sop_versions.content_hash",
        "quizzes.slug", "quizzes.source_hash", "question_banks.slug", "questions.source_key",
        "lesson_progress.lesson_key", "run_steps.step_key", "run_step_comments.step_key",
        "quiz_items.step_key",
        "media.stored_name", "media.sha256", "evidence_photos.stored_name",
        "evidence_photos.sha256", "certificates.code", "notifications.key", "notifications.url",
        "reminder_deliveries.key", "api_tokens.prefix", "api_tokens.token_hash",
        "api_tokens.scopes", "locks.name", "locks.holder", "users.password_hash",
        "identity_tokens.key", "survey_answers.id", "survey_answers.response_id",
        "survey_respondents.response_id", "survey_responses.id", "surveys.slug",
        "training_classes.slug", "webhook_events.public_id", "webhook_events.dedupe_key",
    ), _KEYS),
    "export_jobs.active_key": _KEYS,
    "export_jobs.file_path": _KEYS,
    "export_jobs.filename": "a download's name: the table's label, a title and the date "
                            "(deleted with the job after EXPORT_KEEP_HOURS)",
    "export_jobs.view_args": "the ids in a download's address (deleted with the job)",
    "export_jobs.args": "a download's filters as the page's query string, e.g. a user-list "
                        "search (deleted with the job after EXPORT_KEEP_HOURS)",
    "certificates.reminded_on": "the day (YYYYMMDD) an expiry reminder was claimed",
    "survey_answers.choices": "the numbers of the options chosen, no text",
    "webhook_attempts.error": "an error text from the receiving server",
    "webhook_deliveries.last_error": "an error text from the receiving server",
    "webhook_endpoints.secret": "the signing secret the program made",
    "webhook_endpoints.url": "the receiving server's address, typed by an admin",
    "webhook_events.payload": "ids, codes and titles copied from rows scanned where they are "
                              "stored",
    "hospitals.wecom_department_id": "a department id from the WeCom directory (a number)",
    "hospitals.dingtalk_department_id": "a department id from the DingTalk directory (a number)",
    "departments.wecom_department_id": "a department id from the WeCom directory (a number)",
    "departments.dingtalk_department_id": "a department id from the DingTalk directory "
                                          "(a number)",
    "position_aliases.name": "a 职务 as the WeCom / DingTalk directory writes it (checked by "
                             "clean_text when an admin maps it)",
    "identity_tokens.token": "an access token WeCom or DingTalk issued (a program value)",
    "users.wecom_userid": "the employee's own WeCom account id, from the directory (staff data)",
    "users.dingtalk_userid": "the employee's own DingTalk account id, from the directory "
                             "(staff data)",
    "attempt_questions.layout": "the order options were shown in (numbers made by the program)",
    "attempt_questions.rubric_marks": "true/false marks of a grader, no text",
    "quiz_answer_tallies.response": "the option keys a choice question's takers chose (made "
                                    "by the program), counted; typed answers are never kept",
    "run_reviews.scores": "criterion (copied from the rubric, scanned in sop_modules.rubric) "
                          "→ a score 1..5; scores are never rewritten",
    "app_settings.key": _KEYS,
    "app_settings.value": "settings an admin chooses (points rules, switches): numbers and "
                          "choices, no typed text",
    "reminder_deliveries.last_error": "an error text from the WeCom or mail server",
    "users.login": "the employee's own number (工号); some clinics use a mobile number",
    "users.email": "the employee's own address (staff data)",
    "users.phone": "the employee's own mobile number (staff data)",
    "departments.wecom_webhook_url": "a robot's address: its random key may hold 11 digits",
    "sign_in_events.login": "what was typed as 工号 at sign-in: the employee's own number, "
                            "kept for the security log",
    "sign_in_events.address": "the network address of a sign-in",
    "sign_in_events.user_agent": "the browser of a sign-in",
    "sign_in_throttles.login": "what was typed as 工号 at sign-in (failure counter)",
    "user_sessions.token_hash": "the sha256 of a signed-in device's secret (a program value)",
    "user_sessions.address": "the network address a device last signed in from",
    "user_sessions.user_agent": "the browser of a signed-in device",
}


def stored_text(table: str | None = None) -> tuple[StoredText, ...]:
    """The registry, or the entry of one table (empty when the table is not scanned)."""
    return tuple(entry for entry in STORED_TEXT if table in (None, entry.table))


def unlisted_columns(metadata) -> list[str]:
    """"table.column" of every String/Text/JSON column in neither `STORED_TEXT` nor
    `NOT_FREE_TEXT`: what a new model must add to one of them."""
    from sqlalchemy import JSON, String

    listed = {f"{entry.table}.{column}" for entry in STORED_TEXT for column in entry.columns}
    return sorted(name for table in metadata.tables.values() for column in table.columns
                  if isinstance(column.type, String | JSON)
                  and (name := f"{table.name}.{column.name}") not in listed
                  and name not in NOT_FREE_TEXT)
