"""The downloadable tables of a quiz's analysis, as (headers, rows) for
`app.web.exporting.export_response`: score distribution, item analysis, option distribution
(computed as on the page) and the takers (streamed from the database)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Department, QuizAttempt, User
from app.services.analytics.filters import Filters
from app.services.analytics.quiz_stats import FLAG_LABELS, item_stats, score_summary
from app.services.analytics.quizzes import quiz_analysis
from app.services.analytics.takers import LOWER, UPPER, grouped_takers
from app.services.exports import stream_rows
from app.services.quiz.data import QuestionError
from app.services.quiz.types import get_type

GROUP_LABELS = {UPPER: _l("Upper 27 %"), LOWER: _l("Lower 27 %"), "middle": _l("Middle")}


def ratio(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def type_label(name: str) -> str:
    try:
        return str(get_type(name).label)
    except QuestionError:  # a type no longer registered: its name
        return name


def scores_table(filters: Filters, quiz_id: int):
    summary = score_summary(filters, quiz_id)
    headers = [_l("Percent range"), _l("People")]
    return headers, ((bucket.label, bucket.count) for bucket in summary.buckets)


def _item_row(number: int, item) -> tuple:
    flags = "、".join(str(FLAG_LABELS[f]) for f in item.flags)
    return (number, item.label, type_label(item.type), item.versions, item.answered,
            ratio(item.facility), item.full, ratio(item.p_upper), ratio(item.p_lower),
            ratio(item.discrimination),
            flags if item.enough else str(_l("Too few takers")))


def items_table(filters: Filters, quiz_id: int):
    headers = [_l("No."), _l("Question"), _l("Type"), _l("Versions"), _l("Answered"),
               _l("Facility"), _l("Fully correct"), _l("Upper group"), _l("Lower group"),
               _l("Discrimination"), _l("Flags")]
    items = item_stats(filters, quiz_id)
    return headers, (_item_row(number, item) for number, item in enumerate(items, start=1))


def _option_rows(items):
    for number, item in enumerate(items, start=1):
        for option in item.options:
            yield (number, item.label, str(option.text), option.correct, option.count,
                   percent(option.count / item.answered if item.answered else None))
        if item.options and item.no_answer:
            yield (number, item.label, str(_l("No answer")), False, item.no_answer,
                   percent(item.no_answer / item.answered if item.answered else None))


def options_table(filters: Filters, quiz_id: int):
    headers = [_l("No."), _l("Question"), _l("Option"), _l("Correct"), _l("People"),
               _l("Share (%)")]
    return headers, _option_rows(quiz_analysis(filters, quiz_id).items)


def takers_table(filters: Filters, quiz_id: int):
    takers = grouped_takers(filters, quiz_id)
    query = (select(takers.c.rank, User.name, User.login, Department.name,
                    QuizAttempt.submitted_at, takers.c.percent, takers.c.passed, takers.c.grp)
             .join(User, User.id == takers.c.user_id)
             .join(QuizAttempt, QuizAttempt.id == takers.c.id)
             .outerjoin(Department, Department.id == User.department_id)
             .order_by(takers.c.rank))
    headers = [_l("Rank"), _l("Name"), _l("Login"), _l("Department"), _l("Handed in"),
               _l("Percent"), _l("Passed"), _l("Group")]
    rows = ((*row[:5], ratio(row[5], 1), row[6], str(GROUP_LABELS.get(row[7], row[7])))
            for row in stream_rows(query))
    return headers, rows


QUIZ_TABLES = {
    "items": (_l("Item analysis"), items_table),
    "options": (_l("Option distribution"), options_table),
    "scores": (_l("Score distribution"), scores_table),
    "takers": (_l("Takers"), takers_table),
}
