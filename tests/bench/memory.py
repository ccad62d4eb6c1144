"""Where a worker's memory goes, in process: one process plays a gunicorn sync worker (the app
created on import, then every workload of the runner in turn, with the Flask test client).

    python -m tests.bench.memory --database-url URL [--out DIR] [--requests 40]
                                 [--reports 3] [--rounds 2] [--trace]

Prints, after import, after the first request and after each workload of each round: the
resident memory (VmRSS), its high-water mark (VmHWM), and what glibc's malloc holds — bytes
in use by live objects vs. free bytes it keeps (fragmentation, returned to the system only
by `malloc_trim`) — and at the end the RSS after `malloc_trim(0)`. With `--trace`,
tracemalloc's total and the ten allocation sites that grew most over each workload (slow:
for finding, not for figures). Opens attempts of the employee it signs in (the last
generated one, like `tests.bench.cpu`): run it on a copy of the bench database.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
import time
import tracemalloc
from pathlib import Path

_libc = ctypes.CDLL("libc.so.6")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def status() -> dict:
    """VmRSS, VmHWM (MB) and malloc's in-use / free / mmapped MB (glibc ≥ 2.33)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    try:
        _libc.mallinfo2.restype = _MallInfo2
        info = _libc.mallinfo2()
        found.update(malloc_used=round(info.uordblks / 2**20, 1),
                     malloc_free=round(info.fordblks / 2**20, 1),
                     mmapped=round(info.hblkhd / 2**20, 1))
    except AttributeError:
        pass
    if tracemalloc.is_tracing():
        found["traced"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
    return found


def _line(label: str, now: dict, extra: str = "") -> str:
    parts = [f"{label:<22}", f"RSS {now['VmRSS']:6.1f}", f"HWM {now['VmHWM']:6.1f}"]
    if "malloc_used" in now:
        parts.append(f"malloc used {now['malloc_used']:6.1f} free {now['malloc_free']:6.1f} "
                     f"mmap {now['mmapped']:5.1f}")
    if "traced" in now:
        parts.append(f"traced {now['traced']:6.1f}")
    return "  ".join(parts) + (f"  {extra}" if extra else "")


def workloads(app, credentials: dict, requests: int, reports: int):
    """(key, call, times) in the runner's order, signed in as the runner's people."""
    from tests.bench import prepare
    from tests.bench.cpu import _sign_in
    from tests.bench.workloads import HOT_POOL, SUBMIT_POOLS

    with app.app_context():
        user_id, login = prepare.employees(100_000)[-1]
        attempt = prepare.open_attempts(HOT_POOL, [user_id], answered=False)[user_id]
        positions = prepare.single_choice_positions(attempt)
    course, password = credentials["course"], credentials["password"]
    lesson = f"/learn/courses/{course['slug']}/{course['lesson']}"
    employee, token = _sign_in(app, login, password, lesson)
    supervisor, _ = _sign_in(app, credentials["supervisor"]["login"], password, "/notifications/")
    trainer, _ = _sign_in(app, credentials["trainer"]["login"], password, "/notifications/")
    submits = iter(range(10**6))

    def expect(reply, status=200):
        assert reply.status_code == status, (reply.status_code, reply.request.path)
        reply.close()

    def submit():
        with app.app_context():
            slug = SUBMIT_POOLS[next(submits) % len(SUBMIT_POOLS)]
            made = prepare.open_attempts(slug, [user_id])[user_id]
        expect(employee.post(f"/learn/attempts/{made}/submit",
                             data={"csrf_token": token, "confirm": "1"}), 302)

    member, exam = credentials["employee"]["id"], credentials["exam"]["id"]
    return [
        ("lesson", lambda: expect(employee.get(lesson)), requests),
        ("question", lambda: [expect(employee.get(f"/learn/attempts/{attempt}?q={q}"))
                              for q in range(20)], max(1, requests // 20)),
        ("autosave", lambda: [expect(employee.post(
            f"/learn/attempts/{attempt}/answer", data={
                "csrf_token": token, "position": str(p), "response": "0"},
            headers={"Accept": "application/json"})) for p in positions],
         max(1, requests // max(1, len(positions)))),
        ("submit", submit, max(1, requests // 4)),
        ("dashboard", lambda: expect(supervisor.get("/team/dashboard")), reports),
        ("record", lambda: expect(supervisor.get(f"/team/members/{member}/record")), reports),
        ("analytics", lambda: expect(trainer.get(f"/manage/analytics/quizzes/{exam}")),
         reports),
        ("export", lambda: expect(supervisor.get("/team/dashboard/export?format=xlsx")),
         reports),
    ]


def measure(database_url: str, credentials: dict, args, echo=print) -> dict:
    if args.trace:
        tracemalloc.start(12)
    found = {"start": status()}
    echo(_line("interpreter", found["start"]))
    from tests.bench.seed import bench_app

    app = bench_app(database_url)
    found["import"] = status()
    echo(_line("app imported, created", found["import"]))
    import tests.bench.cpu
    import tests.bench.workloads  # noqa: F401 (the bench's own modules: not a worker's)

    found["bench_modules"] = status()
    echo(_line("+ bench's own modules", found["bench_modules"]))
    client = app.test_client()
    client.get("/healthz").close()
    found["first_request"] = status()
    echo(_line("first request", found["first_request"]))
    chosen = [w for w in workloads(app, credentials, args.requests, args.reports)
              if not args.only or w[0] in args.only]
    found["signed_in"] = status()
    echo(_line("signed in", found["signed_in"]))
    found["rounds"] = []
    for number in range(args.rounds):
        row = {}
        for key, call, times in chosen:
            before = tracemalloc.take_snapshot() if args.trace else None
            began = time.perf_counter()
            for _ in range(times):
                call()
            row[key] = dict(status(), seconds=round(time.perf_counter() - began, 2))
            echo(_line(f"r{number + 1} {key} ×{times}", row[key]))
            if before is not None:
                grown = tracemalloc.take_snapshot().compare_to(before, "traceback")[:10]
                for stat in grown:
                    frame = next((f for f in reversed(stat.traceback)
                                  if "/app/" in f.filename), stat.traceback[-1])
                    echo(f"      {stat.size_diff / 2**20:+7.2f} MB {stat.count_diff:+7d} "
                         f"blocks  {frame.filename.split('/work/')[-1]}:{frame.lineno}")
        found["rounds"].append(row)
    _libc.malloc_trim(0)
    found["after_trim"] = status()
    echo(_line("after malloc_trim(0)", found["after_trim"]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--requests", type=int, default=40,
                        help="hot-page requests per workload and round")
    parser.add_argument("--reports", type=int, default=3, help="report requests per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args(argv)
    credentials = json.loads((args.out / "credentials.json").read_text())
    found = measure(args.database_url, credentials, args)
    name = "postgresql" if "postgres" in args.database_url else "sqlite"
    (args.out / f"memory-{name}.json").write_text(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
