"""What each trainer analytics page shows, in a constant number of statements whatever the
number of people, attempts or runs (tests/web/test_analytics_pages.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Course, SopModule
from app.services.analytics.courses import (
    CourseSummary,
    LessonFunnel,
    course_summaries,
    lesson_funnel,
)
from app.services.analytics.filters import Filters
from app.services.analytics.quizzes import QuizHeadline, quiz_headlines
from app.services.analytics.sops import (
    CriterionScore,
    SopSummary,
    StepReturns,
    criterion_scores,
    returned_steps,
    sop_summaries,
)
from app.services.practice.rubric import rubric_of


@dataclass(frozen=True)
class IndexPage:
    courses: list[CourseSummary]
    quizzes: list[QuizHeadline]
    sops: list[SopSummary]


@dataclass(frozen=True)
class CoursePage:
    summary: CourseSummary
    lessons: list[LessonFunnel]

    @property
    def series(self) -> list[tuple[str, int]]:
        """(lesson, people who completed it), for a bar chart."""
        return [(f"{lesson.rank + 1}. {lesson.title}", lesson.completed)
                for lesson in self.lessons]


@dataclass(frozen=True)
class SopPage:
    summary: SopSummary
    criteria: list[CriterionScore]
    steps: list[StepReturns]


def index_page(filters: Filters) -> IndexPage:
    """Every active course, quiz and SOP module with its headline figures (3 statements)."""
    return IndexPage(course_summaries(filters), quiz_headlines(filters), sop_summaries(filters))


def course_page(filters: Filters, course: Course) -> CoursePage:
    """Started / completed and the lesson funnel (2 statements)."""
    (summary,) = course_summaries(filters, course.id)
    return CoursePage(summary, lesson_funnel(filters, course.id))


def sop_page(filters: Filters, module: SopModule) -> SopPage:
    """Run figures, rubric means and returned steps (5 statements)."""
    (summary,) = sop_summaries(filters, module.id)
    order = [criterion.key for criterion in rubric_of(module)]
    return SopPage(summary, criterion_scores(filters, module, order),
                   returned_steps(filters, module.id))
