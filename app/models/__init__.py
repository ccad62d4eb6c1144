"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

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
from app.models.org import Department, Hospital, Position, User, UserRole, department_leads
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion

__all__ = [
    "Acknowledgement", "Course", "CourseChapter", "CourseLesson", "CourseVersion",
    "CourseVersionLesson", "Department", "Hospital", "LessonProgress", "Media", "Position",
    "Question", "QuestionBank", "QuestionCategory", "QuestionVersion",
    "SopModule", "SopStep", "SopVersion", "SopVersionStep", "User", "UserRole",
    "department_leads",
]
