"""Figures: an employee enters their own; a supervisor confirms or corrects them.

An employee may enter or change a figure for the current or a past period while it waits
for confirmation (status "entered"). Once confirmed or corrected it is the supervisor's: the
employee can no longer change it. A supervisor acts only on the people of the departments
they lead (admins: everyone), and nobody confirms or corrects their own figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import User
from app.models.results import Metric, MetricResult
from app.services.errors import DomainError
from app.services.records import insert_if_absent
from app.services.results.metrics import list_metrics
from app.services.results.periods import period_start
from app.services.results.team import result_in_scope, team_member_ids
from app.services.results.values import ValueProblem, parse_value
from app.services.stale import StaleEdit, token
from app.services.validation import clean_multiline

NOTE_MAX = 500


@dataclass
class Entry:
    """One figure of the entry form: the metric, the value as typed and an optional note."""

    metric_id: int
    value: str | None
    note: str | None = None


class EntryErrors(DomainError):
    """Some figures of a form are wrong; `errors` maps each metric id to its message."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_l("Nothing was saved: correct the figures marked below."))
        self.errors = errors


def check_period(start: date, kind: str, today: date) -> date:
    """`start` as the first day of its period; DomainError for a future period."""
    start = period_start(start, kind)
    if start > period_start(today, kind):
        raise DomainError(_l("Figures can only be entered for the current or a past period."),
                          "period")
    return start


def save_own_entries(actor: User, kind: str, start: date, entries: list[Entry],
                     today: date) -> int:
    """Store the actor's figures of one period; all or nothing. Returns how many were saved.

    A blank value is skipped. Raises EntryErrors naming every wrong figure.
    """
    start = check_period(start, kind, today)
    metrics = {m.id: m for m in list_metrics(period=kind)}
    existing = {r.metric_id: r for r in db.session.scalars(select(MetricResult).where(
        MetricResult.user_id == actor.id, MetricResult.period_start == start,
        MetricResult.metric_id.in_(list(metrics))))}
    plan, errors = [], {}
    for entry in entries:
        try:
            checked = _check_entry(entry, metrics.get(entry.metric_id),
                                   existing.get(entry.metric_id))
        except DomainError as error:
            errors[entry.metric_id] = str(error)
            continue
        if checked is not None:
            plan.append((metrics[entry.metric_id], *checked))
    if errors:
        raise EntryErrors(errors)
    for metric, value, note in plan:
        _store_own(actor, metric, start, value, note, existing.get(metric.id))
    db.session.flush()
    return len(plan)


def _check_entry(entry: Entry, metric: Metric | None, current: MetricResult | None):
    """(value, note) to store, None to skip a blank; DomainError when it cannot be stored."""
    if metric is None:
        raise DomainError(_l("This metric is archived or does not exist."))
    try:
        value = parse_value(entry.value)
    except ValueProblem as problem:
        raise DomainError(_l("%(metric)s: %(problem)s", metric=metric.name,
                             problem=str(problem))) from None
    note = clean_multiline(entry.note, field="note", label=_l("Note"), max_length=NOTE_MAX)
    if value is None:
        return None
    if current is not None and current.status != "entered":
        if value == current.value:
            return None  # the confirmed figure sent back unchanged
        raise _confirmed(metric)
    return value, note or ""


def _store_own(actor: User, metric: Metric, start: date, value: float, note: str,
               current: MetricResult | None) -> None:
    """Insert the figure if missing, then write it only while it is still unconfirmed: a
    form sent twice at once makes one row, and a supervisor confirming meanwhile wins."""
    key = {"metric_id": metric.id, "user_id": actor.id, "period_start": start}
    if current is None:
        insert_if_absent(MetricResult, dict(key, status="entered", source="self", value=value,
                                            note=note, entered_by_id=actor.id), list(key))
    stored = db.session.execute(
        update(MetricResult).where(*(getattr(MetricResult, k) == v for k, v in key.items()),
                                   MetricResult.status == "entered")
        .values(value=value, note=note, entered_by_id=actor.id)
        .execution_options(synchronize_session=False)).rowcount
    if current is not None:
        db.session.expire(current)
    if stored != 1:
        raise EntryErrors({metric.id: str(_confirmed(metric))})


def _confirmed(metric: Metric) -> DomainError:
    return DomainError(_l("%(metric)s has already been confirmed by your supervisor and can "
                          "no longer be changed; ask them to correct it.", metric=metric.name))


def _not_own(actor: User, result: MetricResult) -> None:
    if result.user_id == actor.id:
        raise DomainError(_l("You cannot confirm or correct your own figures."))


def result_token(result: MetricResult) -> str:
    """What a supervisor saw of a figure, for `confirm(seen=…)`."""
    return token(result.value, result.note, result.status)


def _changed(result: MetricResult) -> StaleEdit:
    return StaleEdit(_l("%(name)s changed this figure after you opened the page; it is now "
                        "%(value)s. Nothing was confirmed: check it, then confirm again.",
                        name=db.session.get(User, result.user_id).name,
                        value=f"{result.value:g}"),
                     result_token(result))


def confirm(actor: User, result_id: int, now: datetime, seen: str | None = None
            ) -> MetricResult:
    """Confirm a team member's figure as entered (a corrected one stays corrected). `seen`
    is `result_token` of the figure the page showed: a figure the employee changed since is
    not confirmed unseen (checked again in the UPDATE, against a change at the same moment)."""
    result = result_in_scope(actor, result_id)
    _not_own(actor, result)
    if result.status != "entered":
        return result
    if seen and seen.strip() != result_token(result):
        raise _changed(result)
    done = db.session.execute(
        update(MetricResult).where(MetricResult.id == result.id,
                                   MetricResult.status == "entered",
                                   MetricResult.updated_at == result.updated_at)
        .values(status="confirmed", confirmed_by_id=actor.id, confirmed_at=now,
                updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(result)
    if done != 1 and result.status == "entered":
        raise _changed(result)
    return result


def correct(actor: User, result_id: int, value_text: str | None, reason: str | None,
            now: datetime) -> MetricResult:
    """Replace a team member's figure, keeping their original in `entered_value`."""
    result = result_in_scope(actor, result_id)
    _not_own(actor, result)
    try:
        value = parse_value(value_text)
    except ValueProblem as problem:
        raise DomainError(_l("Corrected figure: %(problem)s", problem=str(problem)),
                          "value") from None
    if value is None:
        raise DomainError(_l("Enter the corrected figure."), "value")
    reason = clean_multiline(reason, field="note", label=_l("Reason for the correction"),
                             max_length=NOTE_MAX, required=True)
    if result.entered_value is None:
        result.entered_value = result.value
    result.value, result.note, result.status = value, reason, "corrected"
    result.confirmed_by_id, result.confirmed_at = actor.id, now
    db.session.flush()
    return result


def confirm_all(actor: User, kind: str, start: date, department_id: int | None,
                now: datetime, shown_at: datetime | None = None) -> tuple[int, int]:
    """Confirm every waiting figure of the period shown on the team page. A figure changed
    after `shown_at` (when the page was drawn) is left waiting: nobody saw it. Returns
    (confirmed, left waiting because changed)."""
    waiting = select(MetricResult.id).join(Metric).where(
        Metric.period == kind, Metric.archived.is_(False), MetricResult.period_start == start,
        MetricResult.status == "entered", MetricResult.user_id != actor.id,
        MetricResult.user_id.in_(team_member_ids(actor, department_id, active_only=True)))
    seen = MetricResult.updated_at <= shown_at if shown_at is not None else True
    done = db.session.execute(
        update(MetricResult).where(MetricResult.id.in_(waiting), seen)
        .values(status="confirmed", confirmed_by_id=actor.id, confirmed_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    left = 0 if shown_at is None else db.session.scalar(
        select(func.count()).select_from(waiting.subquery()))
    return done.rowcount, left
