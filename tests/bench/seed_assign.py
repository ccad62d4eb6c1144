"""Assignments of the benchmark, as a clinic group gives them: the 全员考试 and make-up exams
to every department, courses and SOP modules to the positions they are meant for (some due
in the past, some later, some without a date), SOP practice to a few positions, and each
hospital's customer-service head giving a course to their own department."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tests.bench.bulk import BulkWriter
from tests.bench.seed_content import Catalog, Item
from tests.bench.seed_org import Org, Person


@dataclass
class Given:
    """An assignment and who it targets: top departments (None: any), positions (None: any)."""

    id: int
    kind: str
    item: Item | None
    quiz_id: int | None
    starts_at: datetime
    due_at: datetime | None
    tops: set[int] | None = None
    positions: set[str] | None = None
    practice_runs: int = 0

    def owed_by(self, person: Person) -> bool:
        return ((self.tops is None or person.top_id in self.tops)
                and (self.positions is None or person.position in self.positions))


@dataclass
class Plan:
    given: list[Given] = field(default_factory=list)


def seed_assignments(w: BulkWriter, rng: random.Random, org: Org, catalog: Catalog,
                     now: datetime) -> Plan:
    plan = Plan()
    every = set(org.tops)
    day = timedelta(days=1)
    _give(w, plan, org, "quiz", None, catalog.exam.id, now - 40 * day, now - 10 * day,
          tops=every, message="全员考试，请在截止日前完成。")
    for pool in catalog.pools:  # make-up exams: what the runner starts, submits and bursts
        _give(w, plan, org, "quiz", None, pool.id, now - day, None, tops=every, required=False)
    dues = [now - 20 * day, now + 14 * day, None, now - 5 * day, now + 30 * day]
    for index, course in enumerate(catalog.courses):
        starts = now - rng.randint(30, 90) * day
        _give(w, plan, org, "course", course, None, starts, dues[index % len(dues)],
              tops=None if course.positions else every, positions=course.positions or None)
    for index, sop in enumerate(catalog.sops):
        practise = 1 if index % 3 == 0 and all(s[4] != "photo" for s in sop.parts) else 0
        starts = now - rng.randint(20, 80) * day
        _give(w, plan, org, "sop", sop, None, starts, dues[(index + 2) % len(dues)],
              tops=None if sop.positions else every, positions=sop.positions or None,
              practice_runs=practise)
    service = [top for top in org.tops if org.top_name[top] == "客服中心"]
    course = catalog.courses[0]
    for top in service:  # a department head's own assignment, by department
        _give(w, plan, org, "course", course, None, now - 7 * day, now + 7 * day, tops={top},
              created_by=org.head_of.get(top), message="本部门复训，一周内完成。")
    return plan


def _give(w: BulkWriter, plan: Plan, org: Org, kind: str, item: Item | None,
          quiz_id: int | None, starts: datetime, due: datetime | None, *,
          tops: set[int] | None = None, positions: set[str] | None = None,
          practice_runs: int = 0, required: bool = True, created_by: int | None = None,
          message: str = "") -> None:
    given = Given(w.next_id("assignments"), kind, item, quiz_id, starts, due, tops, positions,
                  practice_runs)
    plan.given.append(given)
    w.add("assignments", {
        "id": given.id, "kind": kind,
        "course_id": item.id if kind == "course" else None,
        "sop_module_id": item.id if kind == "sop" else None,
        "quiz_id": quiz_id, "path_id": None, "acknowledge": True,
        "practice_runs": practice_runs, "starts_at": starts, "due_at": due, "grace_days": 7,
        "required": required, "message": message, "origin": "manual",
        "created_by_id": created_by or org.admin_id, "created_at": starts, "updated_at": starts})
    tops_list = sorted(tops) if tops is not None else [None]
    positions_list = sorted(positions) if positions is not None else [None]
    if tops is not None and positions is not None and len(tops) > 1:
        tops_list = [None]  # group-wide by position: no department needed
    for top in tops_list:
        for name in positions_list:
            w.add("assignment_targets", {
                "id": w.next_id("assignment_targets"), "assignment_id": given.id,
                "user_id": None, "department_id": top,
                "position_id": org.positions[name] if name else None})
