"""The header's counters, in one statement on every page: unread notifications (the bell,
everyone), short answers waiting for grading (阅卷: team leads, trainers, administrators) and
practice runs waiting for review (实操审核: team leads, administrators).

Each count is its service's own query (`notify.unread_count_query`, `grading_queue.` and
`review_queue.waiting_count_query`), its scope a subquery rather than ids looked up first,
so a team lead's header costs one statement instead of seven. The two queues' counts stop at
`CAP` (the tabs then show "99+", as the bell does): a trainer's or an administrator's count is
the organisation's, and counting 11,000 waiting answers at 10,000 staff cost every page they
opened 4–20 ms; the queue pages themselves show the full count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, select

from app.extensions import db
from app.models import User
from app.permissions import Permission, permissions_of
from app.services.assign.notify import unread_count_of, unread_count_query
from app.services.practice import review_queue
from app.services.quiz import grading_queue

CAP = 100  # a tab's badge shows 99+ from here (the queues' own pages give the full count)


def capped(rows: Select) -> Select:
    """SELECT COUNT of `rows`, stopping at CAP: the database reads at most CAP of them."""
    return select(func.count()).select_from(rows.limit(CAP).subquery("badge_rows"))


@dataclass(frozen=True)
class Badges:
    unread: int = 0
    grading: int = 0
    review: int = 0


def badges(user: User, unread: int | None = None) -> Badges:
    """The user's counters; a tab they do not have counts 0 and costs nothing. `unread`: the
    bell's count when the caller already has it (read with the user), saving the statement
    of someone with the bell only."""
    permissions = permissions_of(user.roles)
    if not permissions & {Permission.VIEW_TEAM, Permission.AUTHOR_CONTENT}:
        if unread is not None:
            return Badges(unread=unread)
        unread = _run(_unread_only(), {"badges_user": user.id}).scalar()
        return Badges(unread=int(unread or 0))
    counts = {"unread": unread_count_query(user)}
    if Permission.VIEW_TEAM in permissions or Permission.AUTHOR_CONTENT in permissions:
        counts["grading"] = grading_queue.waiting_count_query(user)
    if Permission.VIEW_TEAM in permissions:
        counts["review"] = review_queue.waiting_count_query(user)
    row = _run(select(*(query.scalar_subquery().label(name)
                        for name, query in counts.items()))).one()
    return Badges(**{name: int(value or 0) for name, value in row._mapping.items()})


def _run(statement, params=None):
    """A count on the request's connection and transaction, without the ORM's handling of a
    statement naming mapped columns (a third of the time of this one-row count); pending
    changes are flushed first, as the session's autoflush would."""
    session = db.session
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


@lru_cache(maxsize=1)
def _unread_only() -> Select:
    """The header of someone with the bell only (employees: most requests), built once."""
    return unread_count_of(bindparam("badges_user"))
