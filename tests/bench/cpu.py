"""CPU time of one request of each hot page, in process (no HTTP, no other sessions' load
between the request and its clock): the steadiest figure on a shared machine.

    python -m tests.bench.cpu --database-url URL [--out DIR] [--requests 200] [--submits 40]
                              [--only healthz lesson question autosave submit]

Signs in the last generated employee (the runner uses the first ones) with the Flask test
client (CSRF on, as in production), opens a fresh attempt of bench-pool-1 for the question
page and autosave, and prepares a fresh attempt with every answer saved before each of the
`--submits` 交卷 (out of the clock). Each page is requested 20 times to warm up, then
`--requests` times; prints the median CPU and wall milliseconds per request and the
statements of the last request. (Two runs at once on
one database disturb each other: each opens that employee's attempts anew.)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import event

from app.extensions import db
from tests.bench import prepare
from tests.bench.workloads import HOT_POOL, SUBMIT_POOLS

PAGES = ("healthz", "lesson", "question", "autosave", "submit")


class Counter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args) -> None:
        self.count += 1


def _csrf(client) -> str:
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _sign_in(app, login: str, password: str, page: str):
    client = app.test_client()
    token = _csrf(client)
    reply = client.post("/auth/login", data={"login": login, "password": password,
                                             "csrf_token": token})
    assert reply.status_code == 302, reply.status_code
    text = client.get(page).get_data(as_text=True)
    return client, re.search(r'name="csrf-token" content="([^"]+)"', text).group(1)


def _time(call, times: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(times):
        c0, w0 = time.process_time(), time.perf_counter()
        call()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000


def measure(app, credentials: dict, pages, requests: int, submits: int) -> dict:
    with app.app_context():
        user_id, login = prepare.employees(100_000)[-1]
        attempt = prepare.open_attempts(HOT_POOL, [user_id], answered=False)[user_id]
        positions = prepare.single_choice_positions(attempt)
        engine = db.engine
    course = credentials["course"]
    lesson = f"/learn/courses/{course['slug']}/{course['lesson']}"
    client, token = _sign_in(app, login, credentials["password"], lesson)
    headers = {"Accept": "application/json", "X-CSRFToken": token}

    def expect(reply, status=200):
        assert reply.status_code == status, (reply.status_code, reply.request.path)

    calls = {
        "healthz": lambda: expect(client.get("/healthz")),
        "lesson": lambda: expect(client.get(lesson)),
        "question": lambda: expect(client.get(f"/learn/attempts/{attempt}?q=3")),
        "autosave": lambda: expect(client.post(
            f"/learn/attempts/{attempt}/answer", headers=headers,
            data={"csrf_token": token, "position": str(positions[0]), "response": "0"})),
    }
    counter, found = Counter(engine), {}
    for page in pages:
        if page == "submit":
            found[page] = _submit(app, client, token, user_id, submits, counter)
            continue
        for _ in range(20):
            calls[page]()
        cpu, wall = _time(calls[page], requests)
        before = counter.count
        calls[page]()
        found[page] = {"cpu_ms": round(cpu, 2), "wall_ms": round(wall, 2),
                       "statements": counter.count - before}
    return found


def _submit(app, client, token, user_id, submits, counter) -> dict:
    """Each 交卷 on a fresh attempt with every answer saved, prepared just before it (out of
    the clock): `prepare.open_attempts` hands in the person's open attempt of the pool, so
    attempts prepared all at once would all but the last of each pool be submitted already
    (and timed as a double submit)."""
    cpu, wall, counts = [], [], []
    for number in range(submits + 3):
        with app.app_context():
            slug = SUBMIT_POOLS[number % len(SUBMIT_POOLS)]
            attempt = prepare.open_attempts(slug, [user_id])[user_id]
        before = counter.count
        c0, w0 = time.process_time(), time.perf_counter()
        reply = client.post(f"/learn/attempts/{attempt}/submit",
                            data={"csrf_token": token, "confirm": "1"})
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        counts.append(counter.count - before)
        assert reply.status_code == 302, reply.status_code
        with app.app_context():
            state = prepare.handed_in([attempt])
        assert state.get("finished") == 1, state  # graded by this request, not before
    skip = 3  # warm-up
    return {"cpu_ms": round(statistics.median(cpu[skip:]) * 1000, 2),
            "wall_ms": round(statistics.median(wall[skip:]) * 1000, 2),
            "statements": counts[-1]}


def main(argv: list[str] | None = None) -> int:
    from tests.bench.seed import bench_app

    parser = argparse.ArgumentParser(prog="python -m tests.bench.cpu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--submits", type=int, default=40)
    parser.add_argument("--only", nargs="+", choices=PAGES, default=list(PAGES))
    args = parser.parse_args(argv)
    credentials = json.loads((args.out / "credentials.json").read_text())
    app = bench_app(args.database_url)
    found = measure(app, credentials, args.only, args.requests, args.submits)
    for page, figures in found.items():
        print(f"{page:10} {figures['cpu_ms']:7.2f} ms CPU  {figures['wall_ms']:7.2f} ms wall  "
              f"{figures['statements']} statements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
