"""How an SOP-module assignment is done (the kind's `assignment_terms` hook of the item
registry): its acknowledgement part and its practice part, as SQL for `status_query`."""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_

from app.models.assignments import Assignment
from app.services.assign.progress import practice_progress, signed_off_since


def default_terms(kind, query, sub, pairs, user_filter):
    """(query, started, done, done_at) of an assignment of `kind`: its progress as it is."""
    return query, sub.c.started, sub.c.done, sub.c.done_at


def sop_terms(kind, query, sub, pairs, user_filter):
    """Practice runs count as started; done needs both asked parts; done when the later of
    the acknowledgement and the last sign-off happened."""
    practice = practice_progress(user_filter)
    column = kind.reference(Assignment)
    query = query.outerjoin(practice, and_(Assignment.kind == kind.key,
                                           practice.c.module_id == column,
                                           practice.c.user_id == pairs.c.user_id))
    started = func.coalesce(sub.c.started, case((practice.c.runs > 0, 1), else_=None))
    done = case((_sop_done(sub, pairs, column), 1), else_=0)
    return query, started, done, _later(sub.c.done_at, practice.c.last_signed_off_at)


def _sop_done(sop, pairs, column):
    """An SOP assignment is done when its acknowledgement part (if asked: a version at least
    the re-acknowledgement one and the assignment's) and its practice part (if asked: that
    many runs signed off since the assignment was given) are both met."""
    acked = and_(sop.c.done == 1,
                 func.coalesce(Assignment.sop_version_number, 0) <= sop.c.acked_number)
    signed = signed_off_since(pairs.c.user_id, column, Assignment.created_at)
    practised = case((Assignment.practice_runs == 0, True),
                     else_=signed >= Assignment.practice_runs)
    return and_(or_(Assignment.acknowledge.is_(False), acked), practised)


def _later(a, b):
    """SQL: the later of two nullable timestamps."""
    return case((a.is_(None), b), (b.is_(None), a), (b > a, b), else_=a)
