"""The two bursts that break quiz servers, on bench-pool-5:

- start burst: N employees press 开始 on the same exam within 10 s; every one must land on
  their attempt (302 to it), no error, and the database must hold exactly one open attempt
  per person;
- deadline burst: those N attempts, one answer each saved, get deadlines in the same
  minute; after it (and the grace) each person's page is opened within 20 s, as quiz.js
  does when the clock runs out; every attempt must be handed in automatically with the
  answer saved, no error.
"""

from __future__ import annotations

import http.client
import threading
import time
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import update

from app.extensions import db
from app.models import QuizAttempt
from app.models.base import utcnow
from tests.bench import prepare
from tests.bench.httpload import Measurement
from tests.bench.workloads import Context, Employee

POOL = "bench-pool-5"
GRACE = 10  # seconds the app allows after a deadline (app.services.quiz.attempts.GRACE)


def _spread(ctx: Context, people: list[Employee], window: float, send) -> Measurement:
    """Each person's request at their moment of the window; latencies and errors."""
    out, lock = Measurement(), threading.Lock()
    began = time.monotonic()

    def one(index: int, employee: Employee) -> None:
        time.sleep(max(0.0, began + window * index / len(people) - time.monotonic()))
        conn = http.client.HTTPConnection(ctx.host, ctx.port, timeout=120)
        started = time.perf_counter()
        try:
            ok, note = send(conn, employee)
        except (OSError, http.client.HTTPException) as error:
            ok, note = False, repr(error)
        finally:
            conn.close()
        with lock:
            out.latencies.append(time.perf_counter() - started)
            out.count += 1
            if not ok:
                out.errors += 1
                out.error_samples.append(f"{employee.login}: {note}")

    threads = [threading.Thread(target=one, args=(i, e)) for i, e in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.elapsed = time.monotonic() - began
    return out


def _post(conn, employee: Employee, path: str, form: dict, accept: str = "text/html"):
    body = urlencode(dict(form, csrf_token=employee.browser.csrf)).encode()
    conn.request("POST", path, body=body, headers={
        "Cookie": employee.browser.cookie, "Accept": accept,
        "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    return response


def start_burst(ctx: Context, size: int) -> dict:
    people = ctx.employees[:size]
    with ctx.app.app_context():  # nobody has an open attempt of the pool exam yet
        db.session.execute(update(QuizAttempt).where(
            QuizAttempt.quiz_id == prepare.quiz_id(POOL), QuizAttempt.state == "in_progress")
            .values(state="finished", submitted_at=utcnow(), finished_at=utcnow()))
        db.session.commit()

    def start(conn, employee: Employee):
        response = _post(conn, employee, f"/learn/quizzes/{POOL}/start", {})
        location = response.getheader("Location") or ""
        if response.status == 302 and "/learn/attempts/" in location:
            employee.attempt_id = int(location.rstrip("/").split("/")[-1].split("?")[0])
            return True, ""
        return False, f"{response.status} {location}"

    measured = _spread(ctx, people, 10.0, start)
    with ctx.app.app_context():
        attempts, holders = prepare.open_count(POOL, [e.id for e in people])
    ok = measured.errors == 0 and attempts == holders == len(people)
    return dict(measured.summary(), people=len(people), open_attempts=attempts,
                people_with_one=holders, passed=ok, goal="all get their attempt, 0 errors, "
                "p99 ≤ 2 s")


def deadline_burst(ctx: Context, size: int) -> dict:
    people = [e for e in ctx.employees[:size] if e.attempt_id]
    if not people:
        return {"people": 0, "passed": False, "error": "the start burst opened no attempt"}
    with ctx.app.app_context():
        position = prepare.single_choice_positions(people[0].attempt_id)[0]

    def save(conn, employee: Employee):
        response = _post(conn, employee, f"/learn/attempts/{employee.attempt_id}/answer",
                         {"position": str(position), "response": "0"},
                         accept="application/json")
        return response.status == 200, str(response.status)

    saved = _spread(ctx, people, 5.0, save)
    deadline = utcnow() + timedelta(seconds=15)
    ids = [e.attempt_id for e in people]
    with ctx.app.app_context():
        db.session.execute(update(QuizAttempt).where(QuizAttempt.id.in_(ids))
                           .values(deadline=deadline))
        db.session.commit()
    time.sleep(max(0.0, (deadline - utcnow()).total_seconds()) + GRACE + 1)

    def open_page(conn, employee: Employee):
        conn.request("GET", f"/learn/attempts/{employee.attempt_id}",
                     headers={"Cookie": employee.browser.cookie})
        response = conn.getresponse()
        response.read()
        return response.status == 200, str(response.status)

    measured = _spread(ctx, people, 20.0, open_page)
    with ctx.app.app_context():
        outcome = prepare.handed_in(ids)
    ok = (measured.errors == 0 and saved.errors == 0
          and outcome.get("in_progress", 0) == 0 and outcome["auto_submitted"] == len(ids)
          and outcome["answers_kept"] == len(ids))
    return dict(measured.summary(), people=len(people), saved_errors=saved.errors,
                outcome=outcome, passed=ok,
                goal="all handed in with what was saved, no error")
