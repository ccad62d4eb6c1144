"""The time of one page in process, for comparing two trees on a loaded machine:

    python -m tests.bench.pagetime --database-url URL --out DIR --as trainer \
           '/manage/analytics/quizzes/{exam}' [-n 5]

Signs in as the generated person (OUT/credentials.json; `{employee}` and `{exam}` in the path
are their ids), opens the page once to warm up, then `-n` times; prints the median wall time,
the fastest, and the median CPU time of this process (with SQLite, the database's work too).
Run it from each tree (PYTHONPATH set to the tree) one after the other, twice."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from tests.bench.seed import bench_app

    parser = argparse.ArgumentParser(prog="python -m tests.bench.pagetime", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--as", dest="role", default="supervisor")
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("path")
    args = parser.parse_args(argv)
    credentials = json.loads((args.out / "credentials.json").read_text())
    path = args.path.format(employee=credentials["employee"]["id"],
                            exam=credentials["exam"]["id"])
    app = bench_app(args.database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials[args.role]["login"],
                                     "password": credentials["password"]})
    assert client.get(path).status_code == 200, path
    walls, cpus = [], []
    for _ in range(args.n):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(path).get_data()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(f"{path}: p50 {statistics.median(walls) * 1000:.0f} ms wall (fastest "
          f"{min(walls) * 1000:.0f}), CPU {statistics.median(cpus) * 1000:.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
