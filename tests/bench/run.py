"""Measure the hot pages and the reports of issue 15 on a seeded database.

    python -m tests.bench.run --database-url URL [--workers 4] [--duration 10] [--rounds 3]
                              [--out DIR] [--bursts N]

Starts gunicorn on the database, signs in the people it needs (from OUT/credentials.json,
written by the seed), and in each round measures every workload right after /healthz
(healthz, lesson, healthz, question page, healthz, …): a workload's figure is its requests/s
as a ratio to the mean of the /healthz runs just before and just after it, so a shared
machine's load — and its drift during the workload's run — cancels out; each figure is the
median of the rounds. Also measures the load tool's own ceiling (a server
that answers at once), and the workers' resident memory when ready, after signing in, after
each workload of each round and after each burst (the table's last column: the largest
worker, the most over the rounds). Writes OUT/results-<db>.json and OUT/results-<db>.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench import bursts
from tests.bench.httpload import ceiling, run_load
from tests.bench.seed import bench_app
from tests.bench.server import Gunicorn
from tests.bench.workloads import WORKLOADS, Context, healthz


def measure(ctx: Context, args, echo=print, rss=None) -> dict:
    """Each workload's median over the rounds; `rss`, when given, is read after each
    workload's run (the workers' resident memory, MB)."""
    rounds: dict[str, list[dict]] = {w.key: [] for w in WORKLOADS}
    chosen = [w for w in WORKLOADS if not args.only or w.key in args.only]
    def hello(number: int) -> float:
        ctx.forget_connections()
        return run_load(ctx.host, ctx.port, healthz(ctx, number), args.duration,
                        args.client_processes).summary()["rps"]

    for number in range(args.rounds):
        after = None
        for workload in chosen:
            before = after if after is not None else hello(number)
            jobs = workload.jobs(ctx, number)
            ctx.forget_connections()
            got = run_load(ctx.host, ctx.port, jobs, args.duration,
                           args.client_processes).summary()
            after = hello(number)
            base = (before + after) / 2  # the machine's pace on both sides of the workload
            got["healthz_before_rps"], got["healthz_after_rps"] = before, after
            got["healthz_rps"] = base
            got["ratio"] = round(got["rps"] / base, 4) if base else None
            if rss is not None:
                got["worker_rss_mb"] = rss()
            rounds[workload.key].append(got)
            echo(f"  round {number + 1} {workload.key:<10} {got['rps']:8.1f}/s "
                 f"(healthz {before:7.1f} → {after:7.1f}/s) ratio {got['ratio']}  "
                 f"p50 {got['p50_ms']} ms p99 {got['p99_ms']} ms errors {got['errors']}"
                 + (f" RSS max {max(got['worker_rss_mb'])} MB" if got.get("worker_rss_mb")
                    else ""))
    return {w.key: _median(w, rounds[w.key]) for w in chosen}


def _median(workload, runs: list[dict]) -> dict:
    def mid(key):
        values = [r[key] for r in runs if r.get(key) is not None]
        return round(statistics.median(values), 4) if values else None

    return {"label": workload.label, "goal": workload.goal, "report": workload.report,
            "ratio": mid("ratio"), "rps": mid("rps"), "healthz_rps": mid("healthz_rps"),
            "p50_ms": mid("p50_ms"), "p99_ms": mid("p99_ms"),
            "errors": sum(r["errors"] for r in runs),
            "requests": sum(r["requests"] for r in runs),
            "exhausted": any(r["exhausted"] for r in runs),
            "error_samples": [s for r in runs for s in r["error_samples"]][:5],
            "worker_rss_mb_max": _max_rss(r.get("worker_rss_mb") for r in runs),
            "rounds": runs}


def _max_rss(readings) -> float | None:
    """The largest worker's RSS over several readings (lists of MB), None without any."""
    values = [mb for reading in readings if reading for mb in reading]
    return max(values) if values else None


def markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [f"Database: {meta['database']} — {meta['staff']} staff, "
             f"{meta['attempts_per_person']} attempts each "
             f"({meta['rows']:,} rows); gunicorn {meta['workers']} sync workers; "
             f"{meta['connections']} connections (reports: {meta['report_connections']}); "
             f"{meta['duration']} s × {meta['rounds']} rounds; load average at start "
             f"{meta['load_average']}; {meta['when']}.", "",
             f"/healthz: {results['healthz_rps']:.0f} requests/s (median); the load tool's "
             f"own ceiling here: {results['ceiling']['rps']:.0f} requests/s.", "",
             "| workload | goal | ratio to /healthz | requests/s | p50 | p99 | errors "
             "| worker RSS after |",
             "|---|---|---|---|---|---|---|---|"]
    for item in results["workloads"].values():
        ratio = f"{item['ratio']:.3f}×" if item["ratio"] is not None else "—"
        lines.append(f"| {item['label']} | {item['goal']} | {ratio} | {item['rps']:.1f} | "
                     f"{_ms(item['p50_ms'])} | {_ms(item['p99_ms'])} | {item['errors']} | "
                     f"{_mb(item.get('worker_rss_mb_max'))} |")
    rss = results.get("worker_rss_mb")
    if rss:
        lines.append(f"| worker RSS after the run | ≤ 150 MB | | | | | {max(rss):.0f} MB max "
                     f"| {_mb(max(rss))} |")
    for key, burst in results.get("bursts", {}).items():
        lines.append(f"| {key} burst, {burst['people']} people | {burst.get('goal', '')} | "
                     f"{'passed' if burst['passed'] else 'FAILED'} | | "
                     f"{_ms(burst.get('p50_ms'))} | {_ms(burst.get('p99_ms'))} | "
                     f"{burst.get('errors', '—')} | "
                     f"{_mb(_max_rss([burst.get('worker_rss_mb')]))} |")
    at = results.get("worker_rss_mb_at")
    if at:
        lines += ["", "Worker RSS (the largest worker, MB; the workload column: after that "
                  "workload, the most over the rounds): "
                  + "; ".join(f"{key.replace('_', ' ')} {_mb(_max_rss([mbs]))}"
                              for key, mbs in at.items()) + "."]
    return "\n".join(lines) + "\n"


def _mb(value) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def _ms(value) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--report-connections", type=int, default=2)
    parser.add_argument("--submit-users", type=int, default=250)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout")
    parser.add_argument("--bursts", type=int, default=0,
                        help="also run the start and deadline bursts with this many people")
    parser.add_argument("--only", nargs="*", help="measure only these workloads")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop gunicorn on the way out
    credentials = json.loads((args.out / "credentials.json").read_text())
    app = bench_app(args.database_url)
    name = "postgresql" if "postgres" in args.database_url else "sqlite"
    with Gunicorn(args.database_url, args.workers, args.timeout,
                  args.out / f"gunicorn-{name}.log") as server:
        ctx = Context("127.0.0.1", server.port, credentials, app, args.connections,
                      args.report_connections, args.submit_users)
        results = _run(ctx, server, args, credentials, name)
    write(args.out / f"results-{name}", results, markdown(results))
    return 0


def write(stem: Path, results: dict, table: str) -> None:
    """STEM.json (everything measured) and STEM.md (the table), and the table printed."""
    stem.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    stem.with_suffix(".md").write_text(table)
    print("\n" + table + f"\nwritten to {stem}.json and {stem}.md")


def _run(ctx: Context, server: Gunicorn, args, credentials: dict, name: str) -> dict:
    began = time.monotonic()
    load = os.getloadavg()
    print(f"gunicorn on port {server.port}; signing in …")
    at = {"ready": server.worker_rss_mb()}
    ctx.sign_in(max(args.connections, args.submit_users, args.bursts))
    ctx.open_hot_attempts()
    at["signed_in"] = server.worker_rss_mb()
    print("the load tool's ceiling …")
    ctx.forget_connections()
    tool = ceiling(args.connections, min(args.duration, 5), args.client_processes).summary()
    print(f"  {tool['rps']:.0f} requests/s")
    at["ceiling"] = server.worker_rss_mb()
    workloads = measure(ctx, args, rss=server.worker_rss_mb)
    found = {}
    if args.bursts:
        print(f"start burst of {args.bursts} …")
        found["start"] = bursts.start_burst(ctx, args.bursts)
        found["start"]["worker_rss_mb"] = server.worker_rss_mb()
        print(f"  {found['start']}")
        print(f"deadline burst of {args.bursts} …")
        found["deadline"] = bursts.deadline_burst(ctx, args.bursts)
        found["deadline"]["worker_rss_mb"] = server.worker_rss_mb()
        print(f"  {found['deadline']}")
    healthz_rates = [w["healthz_rps"] for w in workloads.values() if w["healthz_rps"]]
    return {
        "meta": {"database": name, "staff": credentials.get("staff"),
                 "attempts_per_person": credentials.get("attempts_per_person"),
                 "rows": sum(credentials.get("rows", {}).values()),
                 "workers": args.workers, "connections": args.connections,
                 "report_connections": args.report_connections, "duration": args.duration,
                 "rounds": args.rounds, "load_average": [round(x, 1) for x in load],
                 "cpus": os.cpu_count(), "python": platform.python_version(),
                 "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                 "seconds": round(time.monotonic() - began, 1)},
        "ceiling": tool,
        "healthz_rps": statistics.median(healthz_rates) if healthz_rates else 0.0,
        "workloads": workloads, "bursts": found, "worker_rss_mb": server.worker_rss_mb(),
        "worker_rss_mb_at": at,
    }


if __name__ == "__main__":
    sys.exit(main())
