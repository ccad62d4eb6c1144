"""10× data in one run: the reports of two seeded databases (1,000 and 10,000 staff, say)
measured in turn on two gunicorns, so the machine's pace — which on a shared machine moves by
a third between minutes — weighs on both sides of the ratio alike.

    python -m tests.bench.scale --small-url URL --small-out DIR --large-url URL --large-out DIR
                                [--rounds 5] [--duration 5] [--only dashboard record …]

Each database gets its own gunicorn (the same settings as `tests.bench.run`) and its own
signed-in supervisor and trainer (from DIR/credentials.json, written by the seed). In every
round each report is measured on one database, then at once on the other — the small one
first in odd rounds, the large one first in even rounds — and the round's ratio is the large
p50 over the small p50 (each report first runs for up to 2 s on both, unmeasured: a new
worker's caches and templates). A report's figure is the median of its rounds' ratios, beside
each database's median p50. Writes LARGE_OUT/scale-<db>.json and LARGE_OUT/scale-<db>.md.
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.httpload import run_load
from tests.bench.run import write
from tests.bench.seed import bench_app
from tests.bench.server import Gunicorn
from tests.bench.workloads import WORKLOADS, Context

SIDES = ("small", "large")
GOAL = "≤ 1.5×"


def compare(contexts: dict[str, Context], workloads, rounds: int, duration: float,
            processes: int, echo=print) -> dict:
    """Each report's rounds, measured on both databases one right after the other."""
    found: dict[str, list[dict]] = {w.key: [] for w in workloads}
    for workload in workloads:  # warm up: each worker's caches and compiled templates
        for side in SIDES:
            ctx = contexts[side]
            ctx.forget_connections()
            run_load(ctx.host, ctx.port, workload.jobs(ctx, 0), min(duration, 2), processes)
    for number in range(rounds):
        order = SIDES if number % 2 == 0 else SIDES[::-1]
        for workload in workloads:
            got = {}
            for side in order:
                ctx = contexts[side]
                ctx.forget_connections()
                got[side] = run_load(ctx.host, ctx.port, workload.jobs(ctx, number), duration,
                                     processes).summary()
            small, large = got["small"]["p50_ms"], got["large"]["p50_ms"]
            got["ratio"] = round(large / small, 3) if small and large else None
            found[workload.key].append(got)
            echo(f"  round {number + 1} {workload.key:<10} p50 {small} → {large} ms "
                 f"ratio {got['ratio']} errors {got['small']['errors']} + "
                 f"{got['large']['errors']}")
    return {w.key: summary(w, found[w.key]) for w in workloads}


def summary(workload, runs: list[dict]) -> dict:
    def mid(values):
        values = [v for v in values if v is not None]
        return round(statistics.median(values), 3) if values else None

    return {"label": workload.label, "goal": GOAL,
            "small_p50_ms": mid(r["small"]["p50_ms"] for r in runs),
            "large_p50_ms": mid(r["large"]["p50_ms"] for r in runs),
            "ratio": mid(r["ratio"] for r in runs),
            "ratios": [r["ratio"] for r in runs],
            "errors": sum(r[side]["errors"] for r in runs for side in SIDES),
            "error_samples": [s for r in runs for side in SIDES
                              for s in r[side]["error_samples"]][:5],
            "rounds": runs}


def markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [f"Database: {meta['database']} — {meta['small_staff']} → {meta['large_staff']} "
             f"staff; gunicorn {meta['workers']} sync workers each; {meta['duration']} s × "
             f"{meta['rounds']} rounds, the two databases in turn; {meta['when']}.", "",
             "| report | goal | p50 small | p50 large | ratio (median of rounds) | "
             "each round | errors |", "|---|---|---|---|---|---|---|"]
    for found in results["reports"].values():
        met = found["ratio"] is not None and found["ratio"] <= 1.5 and not found["errors"]
        lines.append(
            f"| {found['label']} | {GOAL} | {found['small_p50_ms']} ms | "
            f"{found['large_p50_ms']} ms | {found['ratio']}× {'✓' if met else '✗'} | "
            f"{', '.join(str(r) for r in found['ratios'])} | {found['errors']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for side in SIDES:
        parser.add_argument(f"--{side}-url", required=True)
        parser.add_argument(f"--{side}-out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--report-connections", type=int, default=2)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout")
    parser.add_argument("--only", nargs="*", help="measure only these reports")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop both gunicorns on the way out
    reports = [w for w in WORKLOADS if w.report and (not args.only or w.key in args.only)]
    name = "postgresql" if "postgres" in args.large_url else "sqlite"
    credentials, contexts = {}, {}
    with ExitStack() as stack:
        for side in SIDES:
            url, out = getattr(args, f"{side}_url"), getattr(args, f"{side}_out")
            credentials[side] = json.loads((out / "credentials.json").read_text())
            server = stack.enter_context(Gunicorn(url, args.workers, args.timeout,
                                                  out / f"gunicorn-scale-{name}.log"))
            contexts[side] = Context("127.0.0.1", server.port, credentials[side],
                                     bench_app(url), 0, args.report_connections, 0)
            contexts[side].sign_in(0)
            print(f"{side}: gunicorn on port {server.port}, signed in")
        found = compare(contexts, reports, args.rounds, args.duration, args.client_processes)
    results = {"meta": {"database": name, "small_staff": credentials["small"].get("staff"),
                        "large_staff": credentials["large"].get("staff"),
                        "workers": args.workers, "duration": args.duration,
                        "rounds": args.rounds,
                        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")},
               "reports": found}
    write(args.large_out / f"scale-{name}", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
