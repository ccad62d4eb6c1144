"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.assignments import (
    Assignment,
    AssignmentExtension,
    AssignmentTarget,
    LearningPath,
    Notification,
    PathStage,
    PathStageItem,
    ReminderDelivery,
)
from app.models.attempts import (
    AttemptQuestion,
    PersonQuestionTally,
    QuizAnswerTally,
    QuizAttempt,
    QuizTaker,
    WrongQuestion,
)
from app.models.classes import AttendanceMark, ClassEnrolment, ClassSession, TrainingClass
from app.models.content import (
    Acknowledgement,
    Course,
    CourseChapter,
    CourseLesson,
    CourseVersion,
    CourseVersionLesson,
    LessonProgress,
    Media,
    SopModule,
    SopStep,
    SopVersion,
    SopVersionStep,
)
from app.models.export_jobs import ExportJob
from app.models.locks import Lock
from app.models.org import (
    Department,
    Hospital,
    Position,
    PositionAlias,
    User,
    UserRole,
    department_leads,
)
from app.models.practice import (
    EvidencePhoto,
    PracticeRun,
    RunReview,
    RunStep,
    RunStepComment,
    RunSubmission,
)
from app.models.quiz import (
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizDrawRule,
    QuizItem,
)
from app.models.records import ApiToken, AppSetting, Certificate
from app.models.results import Metric, MetricResult
from app.models.sign_ins import IdentityToken, SignInEvent, SignInThrottle, UserSession
from app.models.surveys import (
    Survey,
    SurveyAnswer,
    SurveyAttachment,
    SurveyCompletion,
    SurveyQuestion,
    SurveyRespondent,
    SurveyResponse,
)
from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "Acknowledgement", "Assignment", "AssignmentExtension", "AssignmentTarget",
    "AttendanceMark", "ClassEnrolment", "ClassSession", "TrainingClass",
    "AttemptQuestion", "Course", "CourseChapter", "CourseLesson",
    "CourseVersion",
    "CourseVersionLesson", "Department", "Hospital", "LearningPath", "LessonProgress", "Media",
    "Notification", "PathStage", "PathStageItem", "Position", "PositionAlias", "ReminderDelivery",
    "Question", "QuestionBank", "QuestionCategory", "QuestionVersion", "Quiz", "QuizAttempt",
    "PersonQuestionTally", "QuizAnswerTally", "QuizTaker", "QuizDrawRule", "QuizItem",
    "WrongQuestion",
    "SopModule", "SopStep", "SopVersion", "SopVersionStep", "User", "UserRole",
    "department_leads", "EvidencePhoto", "PracticeRun", "RunReview", "RunStep",
    "RunStepComment", "RunSubmission", "Metric", "MetricResult",
    "ApiToken", "AppSetting", "ExportJob", "Certificate", "Lock", "IdentityToken", "SignInEvent",
    "SignInThrottle",
    "UserSession", "WebhookAttempt", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent",
    "UserSession", "Survey", "SurveyAnswer", "SurveyAttachment", "SurveyCompletion",
    "SurveyQuestion", "SurveyRespondent", "SurveyResponse",
]
