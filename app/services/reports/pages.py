"""What the dashboard page shows, gathered in one call for a thin view: the filters' choices
(inside the actor's scope), the matrix page, the rates, the quiz table, the weakest
questions, review averages and results beside training. A constant number of statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models.results import PERIODS
from app.services.items.kinds import QUIZ
from app.services.org import department_labels, list_positions
from app.services.reports import dashboard, team_extra
from app.services.reports.filters import View, live_assignments

ASSIGNMENT_CHOICES = 200  # the newest live assignments the filter offers
CHART_BARS = 12


@dataclass
class Choices:
    departments: list[tuple[int, str]]
    positions: list[tuple[int, str]]
    assignments: list[tuple[int, str]]


def choices(view: View, paths: dict[int, str]) -> Choices:
    """The filters' options: the actor's departments, every position, the live assignments
    they may follow (read once per request by `make_view`; their titles one statement)."""
    departments = [(i, p) for i, p in paths.items() if view.scope is None or i in view.scope]
    positions = [(p.id, p.name) for p in list_positions()]
    live = live_assignments(view)[:ASSIGNMENT_CHOICES]
    titles = dashboard.live_titles(view)
    return Choices(departments, positions, [(a.id, titles[a.id]) for a in live])


@dataclass
class DashboardPage:
    view: View
    choices: Choices
    paths: dict[int, str]
    columns: list[dashboard.Column]  # every assignment in view
    shown: list[dashboard.Column]  # the newest MAX_COLUMNS of them, in the matrix
    overall: dashboard.Rates
    matrix: dashboard.MatrixPage
    quizzes: list[dashboard.QuizRow]
    weakest: list[dashboard.WeakQuestion]
    reviews: list[team_extra.ModuleReviews]
    trends: list[team_extra.MetricTrend]

    @property
    def completion_series(self) -> list[tuple[str, float | None]]:
        """(assignment, completion %) of the newest CHART_BARS assignments, for a bar chart."""
        return [(c.title, c.rates.completion_rate) for c in self.shown[:CHART_BARS]]

    @property
    def trend_groups(self) -> list[tuple[str, list, list[team_extra.MetricTrend]]]:
        """(period kind, training completion series, the metrics of that kind with figures):
        the training bars once per kind, beside that kind's metric lines."""
        groups = []
        for kind in PERIODS:
            trends = [t for t in self.trends if t.metric.period == kind]
            if trends:
                groups.append((kind, trends[0].training_series,
                               [t for t in trends if t.has_values]))
        return groups

    @property
    def quiz_series(self) -> list[tuple[str, float | None]]:
        return [(q.title, q.average) for q in self.quizzes[:CHART_BARS]]


def dashboard_page(view: View, page: int, today: date) -> DashboardPage:
    paths = department_labels()
    found = dashboard.columns(view)
    shown = found[:dashboard.MAX_COLUMNS]
    quiz_ids = [c.assignment.quiz_id for c in found if c.assignment.kind == QUIZ.key]
    return DashboardPage(
        view=view, choices=choices(view, paths), paths=paths, columns=found, shown=shown,
        overall=dashboard.overall(found), matrix=dashboard.matrix_page(view, shown, page),
        quizzes=dashboard.quiz_table(view, found),
        weakest=dashboard.weakest_questions(view, quiz_ids),
        reviews=team_extra.review_averages(view),
        trends=team_extra.results_beside_training(view, today))

