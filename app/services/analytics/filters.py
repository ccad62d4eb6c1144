"""The filters of the trainer's analytics: a date range (China dates, both ends included) and
a department (with its sub-departments) of the people concerned.

What the date range selects depends on the table (see docs/analytics.md): quiz attempts by
the day they were handed in, course learners by the day they first opened a lesson, practice
runs by the day they were started. The department is the person's current department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.models import User
from app.services.org import subtree_ids

CHINA = "Asia/Shanghai"


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    department_id: int | None = None
    zone: str = CHINA
    department_ids: frozenset[int] | None = None  # the department's subtree, resolved

    def as_args(self) -> dict[str, str]:
        """The filters as URL parameters (for export links)."""
        values = {"from": self.date_from, "to": self.date_to, "department": self.department_id}
        return {key: str(value) for key, value in values.items() if value is not None}

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start of the first day, start of the day after the last) as instants."""
        zone = ZoneInfo(self.zone)
        start = datetime.combine(self.date_from, time(), zone) if self.date_from else None
        end = (datetime.combine(self.date_to + timedelta(days=1), time(), zone)
               if self.date_to else None)
        return start, end

    def in_range(self, column) -> list:
        """Conditions putting a timestamp column inside the date range."""
        start, end = self.bounds()
        conditions = []
        if start is not None:
            conditions.append(column >= start)
        if end is not None:
            conditions.append(column < end)
        return conditions

    def people(self, user_id_column) -> list:
        """Conditions keeping the people of the chosen department (and sub-departments)."""
        if self.department_ids is None:
            return []
        members = select(User.id).where(User.department_id.in_(self.department_ids))
        return [user_id_column.in_(members)]


def make_filters(date_from: date | None = None, date_to: date | None = None,
                 department_id: int | None = None, zone: str = CHINA) -> Filters:
    """Filters with the department's subtree resolved (one statement when a department is
    chosen); a reversed range is put the right way round."""
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    subtree = frozenset(subtree_ids({department_id})) if department_id else None
    return Filters(date_from, date_to, department_id, zone, subtree)
