"""What people did besides quizzes: lesson progress, acknowledgements of SOP versions,
practice runs (drafts, handed in, returned, signed off by their head) and private-domain
figures (weekly and monthly, confirmed by their head except the last period)."""

from __future__ import annotations

import random
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.services.practice.rubric import DEFAULT_RUBRIC
from app.services.practice.timing import step_timings
from app.services.results.demo import METRICS, TYPICAL, _metric
from app.services.results.periods import recent_starts
from tests.bench.bulk import BulkWriter, dumps
from tests.bench.seed_assign import Plan
from tests.bench.seed_org import Org, Person

WEEKS, MONTHS = 8, 3
EVIDENCE = {"text": ("evidence_text", "已按步骤完成，记录在案例备注中（基准测试数据）"),
            "number": ("evidence_number", 3.0),
            "link": ("evidence_link", "http://crm.intranet/cases/bench")}


def seed_learning(w: BulkWriter, rng: random.Random, org: Org, plan: Plan, now: datetime
                  ) -> Counter:
    counts: Counter = Counter()
    seen: set[tuple[int, int]] = set()  # two assignments of one item: one progress
    for person in org.staff:
        for given in plan.given:
            if given.item is None or not given.owed_by(person) or rng.random() > 0.85:
                continue
            if given.kind == "course":
                counts["lesson_progress"] += _lessons(w, rng, person, given, now, seen)
            elif given.kind == "sop":
                counts["acknowledgements"] += _acknowledge(w, rng, person, given, now, seen)
    return counts


def _when(rng: random.Random, given, now: datetime) -> datetime:
    return given.starts_at + (now - given.starts_at) * rng.uniform(0.05, 0.95)


def _lessons(w: BulkWriter, rng, person: Person, given, now: datetime, seen: set) -> int:
    course, keys = given.item, given.item.parts
    done = len(keys) if rng.random() < 0.65 else rng.randint(0, len(keys) - 1)
    opened = _when(rng, given, now)
    if (person.id, course.id) in seen:
        return 0
    seen.add((person.id, course.id))
    rows = 0
    for index, key in enumerate(keys[:done + 1]):
        at = opened + timedelta(hours=index * 5)
        w.add("lesson_progress", {
            "id": w.next_id("lesson_progress"), "user_id": person.id, "course_id": course.id,
            "lesson_key": key, "version_id": course.version_id, "media_position": 0.0,
            "completed_at": at + timedelta(minutes=12) if index < done else None,
            "opened_at": at})
        rows += 1
    return rows


def _acknowledge(w: BulkWriter, rng, person: Person, given, now: datetime, seen: set) -> int:
    sop = given.item
    if (person.id, -sop.id) in seen or rng.random() > 0.85:
        return 0
    seen.add((person.id, -sop.id))
    w.add("acknowledgements", {"id": w.next_id("acknowledgements"), "user_id": person.id,
                               "module_id": sop.id, "version_id": sop.version_id,
                               "acknowledged_at": _when(rng, given, now)})
    return 1


def seed_practice(w: BulkWriter, rng: random.Random, org: Org, plan: Plan, now: datetime
                  ) -> Counter:
    counts: Counter = Counter()
    for given in plan.given:
        if not given.practice_runs:
            continue
        for person in org.staff:
            if not given.owed_by(person) or not person.active:
                continue
            reviewer = _head(org, person)
            for number in range(rng.choice((0, 1, 1, 1, 2))):
                status = rng.choices(("signed_off", "submitted", "returned", "draft"),
                                     (60, 15, 10, 15))[0]
                _run(w, rng, person, given, number, status, reviewer, now)
                counts[status] += 1
    return counts


def _head(org: Org, person: Person) -> int:
    """Who reviews and confirms for the person: their department's head; for a head, the
    regional supervisor (hospital 1) or the admin."""
    head = org.head_of.get(person.top_id, org.admin_id)
    if head == person.id:
        head = org.supervisor.id if person.top_id in org.hospital_tops[org.hospitals[0]] \
            else org.admin_id
    return org.supervisor.id if head == person.id else head


def _run(w: BulkWriter, rng, person: Person, given, number: int, status: str, reviewer: int,
         now: datetime) -> None:
    sop, case_at = given.item, _when(rng, given, now)
    run_id, code = w.next_id("practice_runs"), f"CRM-{person.id:06d}-{given.id}-{number}"
    handed = status != "draft"
    submitted = case_at + timedelta(hours=6)
    w.add("practice_runs", {
        "id": run_id, "user_id": person.id, "module_id": sop.id, "version_id": sop.version_id,
        "case_code": code, "context": "线上咨询，客户关注恢复期（基准测试数据）",
        "case_at": case_at, "status": status, "round": 2 if status == "returned" else 1,
        "submitted_at": submitted if status in ("submitted", "signed_off") else None,
        "signed_off_at": submitted + timedelta(hours=3) if status == "signed_off" else None,
        "created_at": case_at, "updated_at": submitted})
    steps = []
    for key, rank, _title, _timing, evidence in sop.parts:
        done = handed or rng.random() < 0.5
        row = {"id": w.next_id("run_steps"), "run_id": run_id, "step_key": key, "rank": rank,
               "done_at": case_at + timedelta(minutes=20 * (rank + 1)) if done else None,
               "evidence_text": "", "evidence_number": None, "evidence_link": "",
               "photo_id": None, "note": "", "script_draft": "", "updated_at": case_at}
        if done and evidence in EVIDENCE:
            name, value = EVIDENCE[evidence]
            row[name] = value
        steps.append(row)
        w.add("run_steps", row)
    if handed:
        _submission(w, rng, run_id, code, sop, steps, case_at, submitted, status, reviewer)


def _submission(w: BulkWriter, rng, run_id: int, code: str, sop, steps: list[dict],
                case_at: datetime, submitted: datetime, status: str, reviewer: int) -> None:
    timings = step_timings([(part[3], None, step["done_at"]) for part, step in zip(
        sop.parts, steps, strict=True)], case_at)
    snapshot = {"steps": [{
        "key": s["step_key"], "position": s["rank"], "title": part[2], "timing": part[3],
        "evidence_type": part[4], "done_at": s["done_at"].astimezone(UTC).isoformat(),
        "on_time": t.on_time, "evidence_text": s["evidence_text"],
        "evidence_number": s["evidence_number"], "evidence_link": s["evidence_link"],
        "photo_id": None, "note": "", "script_draft": ""}
        for part, s, t in zip(sop.parts, steps, timings, strict=True)],
        "case_code": code, "context": "线上咨询，客户关注恢复期（基准测试数据）"}
    submission_id = w.next_id("run_submissions")
    w.add("run_submissions", {"id": submission_id, "run_id": run_id, "round": 1,
                              "submitted_at": submitted, "snapshot": dumps(snapshot)})
    if status in ("signed_off", "returned"):
        decision = "signed_off" if status == "signed_off" else "returned"
        w.add("run_reviews", {
            "id": w.next_id("run_reviews"), "submission_id": submission_id, "run_id": run_id,
            "round": 1, "reviewer_id": reviewer, "decision": decision,
            "reason": "" if decision == "signed_off" else "话术需要更具体，请补充后再交。",
            "scores": {c.key: rng.randint(3, 5) for c in DEFAULT_RUBRIC},
            "created_at": submitted + timedelta(hours=3)})


def seed_results(w: BulkWriter, org: Org, now: datetime) -> int:
    """Seven metrics (those of the demo) and each active person's recent figures."""
    metrics = [_metric(order, *row) for order, row in enumerate(METRICS)]
    db.session.flush()
    today = now.date()
    rows = 0
    for metric in metrics:
        count = WEEKS if metric.period == "weekly" else MONTHS
        starts = recent_starts(metric.period, today, count + 1)[:-1]
        index = [m[0] for m in METRICS].index(metric.name)
        for person in org.staff:
            if not person.active:
                continue
            confirmer = _head(org, person)
            for age, start in enumerate(reversed(starts)):
                w.add("metric_results", _figure(w, metric, index, person, start, age,
                                                confirmer, now))
                rows += 1
    return rows


def _figure(w: BulkWriter, metric, index: int, person: Person, start, age: int,
            confirmer: int, now: datetime) -> dict:
    wobble = zlib.crc32(f"{metric.name}{person.login}{start}".encode()) % 100  # stable
    if metric.period == "monthly":
        value = round(4.3 + wobble / 150, 1)
    else:
        base = TYPICAL.get(person.position, (10,) * 6)[index]
        value = float(max(0, round(base * (0.7 + wobble / 165))))
    entered = datetime.combine(start, datetime.min.time(), UTC) + timedelta(days=7)
    row = {"id": w.next_id("metric_results"), "metric_id": metric.id, "user_id": person.id,
           "period_start": start, "value": value, "entered_value": None, "status": "entered",
           "source": "self", "note": "", "entered_by_id": person.id, "confirmed_by_id": None,
           "confirmed_at": None, "created_at": min(entered, now), "updated_at": min(entered, now)}
    if age > 0:
        row.update(status="confirmed", confirmed_by_id=confirmer,
                   confirmed_at=min(entered + timedelta(days=2), now))
        if wobble < 4:  # a few corrected by the supervisor
            row.update(status="corrected", entered_value=value, value=value + 1,
                       note="已按系统订单核对。")
    return row
