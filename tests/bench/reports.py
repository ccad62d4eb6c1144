"""Time the team report pages in process: p50 of a few requests each, wall and CPU time.

    python -m tests.bench.reports --database-url URL [--out DIR] [--as supervisor] [--repeat 5]

Signs in as the generated supervisor (`bench-sup`, ~200 people) with the Flask test client
and opens, after one warm-up request each: the team dashboard, its .xlsx export, the list of
assignments, the follow-up page of the 全员考试's assignment and a team member's record
(the generated employee's, as the load test opens it). No server, no load tool: the
steadiest figure on a shared machine (the CPU time is the process's own).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event, select

from app.extensions import db


def _exam_assignment(app, exam_id: int) -> int | None:
    from app.models.assignments import Assignment

    with app.app_context():
        return db.session.scalar(select(Assignment.id).where(
            Assignment.quiz_id == exam_id, Assignment.cancelled_at.is_(None))
            .order_by(Assignment.id).limit(1))


def pages(app, credentials: dict) -> dict[str, str]:
    found = {"dashboard": "/team/dashboard",
             "export": "/team/dashboard/export?format=xlsx",
             "assignments": "/team/assignments"}
    assignment = _exam_assignment(app, credentials["exam"]["id"])
    if assignment is not None:
        found["follow-up"] = f"/team/assignments/{assignment}"
    found["record"] = f"/team/members/{credentials['employee']['id']}/record"
    return found


def _get(client, path: str) -> None:
    """One request, read to the end (an export is streamed)."""
    response = client.get(path)
    try:
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()
    finally:
        response.close()


def time_page(client, engine, path: str, repeat: int) -> dict:
    """Median wall and CPU time of `repeat` requests after a warm-up, and the statements."""
    _get(client, path)
    counted = []

    def count(*_args):
        counted.append(1)

    event.listen(engine, "before_cursor_execute", count)
    walls, cpus = [], []
    try:
        for _ in range(repeat):
            counted.clear()
            began, cpu = time.perf_counter(), time.process_time()
            _get(client, path)
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - cpu)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return {"p50_ms": round(1000 * statistics.median(walls)),
            "cpu_p50_ms": round(1000 * statistics.median(cpus)),
            "min_ms": round(1000 * min(walls)), "statements": len(counted)}


def main(argv: list[str] | None = None) -> int:
    from tests.bench.seed import bench_app

    parser = argparse.ArgumentParser(prog="python -m tests.bench.reports", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as", dest="role", default="supervisor")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args(argv)
    credentials = json.loads((args.out / "credentials.json").read_text())
    app = bench_app(args.database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials[args.role]["login"],
                                     "password": credentials["password"]})
    with app.app_context():
        engine = db.engine
    print(f"load average {os.getloadavg()}")
    for name, path in pages(app, credentials).items():
        if args.only and name not in args.only:
            continue
        found = time_page(client, engine, path, args.repeat)
        print(f"  {name:12} p50 {found['p50_ms']:6} ms  cpu {found['cpu_p50_ms']:6} ms  "
              f"min {found['min_ms']:6} ms  {found['statements']} statements  {path}")
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
