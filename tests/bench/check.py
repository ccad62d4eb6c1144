"""Are the generated rows valid in the app's eyes? Sign in as the generated supervisor,
trainer, admin and an employee (Flask test client) and fetch the pages the benchmark
measures; every one must answer 200.

    python -m tests.bench.check --database-url URL [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import QuizAttempt
from app.models.attempts import FINISHED


def pages(credentials: dict) -> list[tuple[str, str]]:
    """(role, path) of each page the benchmark measures or a user opens first."""
    member, exam = credentials["employee"]["id"], credentials["exam"]["id"]
    course = credentials["course"]
    return [
        ("supervisor", "/team/dashboard"),
        ("supervisor", f"/team/members/{member}/record"),
        ("supervisor", "/team/dashboard/export?format=xlsx"),
        ("supervisor", "/team/"),
        ("trainer", f"/manage/analytics/quizzes/{exam}"),
        ("trainer", "/manage/analytics"),
        ("admin", "/team/dashboard"),
        ("employee", "/learn/tasks"),
        ("employee", "/learn/record"),
        ("employee", f"/learn/courses/{course['slug']}/{course['lesson']}"),
        ("employee", f"/learn/quizzes/{credentials['exam']['slug']}"),
    ]


def check_pages(app, credentials: dict, echo=None) -> dict[str, int]:
    """Fetch every page of `pages` as its role; {"role path": status}."""
    statuses = {}
    for role in ("supervisor", "trainer", "admin", "employee"):
        client = app.test_client()
        login = client.post("/auth/login", data={"login": credentials[role]["login"],
                                                 "password": credentials["password"]})
        statuses[f"{role} sign-in"] = login.status_code
        for who, path in pages(credentials):
            if who != role:
                continue
            began = time.perf_counter()
            response = client.get(path)
            statuses[f"{role} {path}"] = response.status_code
            if echo:
                echo(f"  {response.status_code} {time.perf_counter() - began:6.2f} s  "
                     f"{role:<10} {path}")
    attempt = _finished_attempt(app, credentials["employee"]["id"])
    if attempt is not None:
        client = app.test_client()
        client.post("/auth/login", data={"login": credentials["employee"]["login"],
                                         "password": credentials["password"]})
        statuses["employee attempt result"] = client.get(f"/learn/attempts/{attempt}").status_code
    return statuses


def _finished_attempt(app, user_id: int) -> int | None:
    with app.app_context():
        return db.session.scalar(select(QuizAttempt.id).where(
            QuizAttempt.user_id == user_id, QuizAttempt.state == FINISHED).limit(1))


def main(argv: list[str] | None = None) -> int:
    from tests.bench.seed import bench_app

    parser = argparse.ArgumentParser(prog="python -m tests.bench.check", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    credentials = json.loads((args.out / "credentials.json").read_text())
    app = bench_app(args.database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    statuses = check_pages(app, credentials, echo=print)
    bad = {page: status for page, status in statuses.items()
           if status != (302 if page.endswith("sign-in") else 200)}
    print("every page answered" if not bad else f"FAILED: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
