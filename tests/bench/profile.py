"""Where one page spends its time: its slowest SQL statements and its hottest functions.

    python -m tests.bench.profile --database-url URL --as supervisor /team/dashboard [--out DIR]

Signs in as the generated person (`supervisor`, `trainer`, `admin` or `employee`, from
OUT/credentials.json) with the Flask test client, opens the page three times to warm up,
then once under cProfile while timing every statement.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

from sqlalchemy import event

from app.extensions import db


def profile_page(app, credentials: dict, role: str, path: str, top: int = 8) -> dict:
    client = app.test_client()
    client.post("/auth/login", data={"login": credentials[role]["login"],
                                     "password": credentials["password"]})
    for _ in range(3):  # warm: templates compiled, caches filled (a second open could still
        client.get(path)  # fill a per-worker cache: the admin's /learn/ took 171 ms, then 43)
    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, params, context, many):
        conn.info.setdefault("bench_began", []).append(time.perf_counter())

    def after(conn, cursor, statement, params, context, many):
        began = conn.info["bench_began"].pop()
        statements.append((time.perf_counter() - began, " ".join(statement.split())))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    try:
        profiler.enable()
        status = client.get(path).status_code
        profiler.disable()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    total = time.perf_counter() - began
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    slowest = sorted(statements, reverse=True)[:top]
    return {"path": path, "status": status, "seconds": round(total, 3),
            "statements": len(statements),
            "sql_seconds": round(sum(s for s, _ in statements), 3),
            "slowest": [{"seconds": round(s, 3), "sql": sql} for s, sql in slowest],
            "functions": out.getvalue()}


def main(argv: list[str] | None = None) -> int:
    from tests.bench.seed import bench_app

    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--as", dest="role", default="supervisor")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    parser.add_argument("--functions", action="store_true", help="print the cProfile table")
    parser.add_argument("path")
    args = parser.parse_args(argv)
    credentials = json.loads((args.out / "credentials.json").read_text())
    app = bench_app(args.database_url)
    app.config["WTF_CSRF_ENABLED"] = False
    found = profile_page(app, credentials, args.role, args.path)
    print(f"{found['path']}: {found['status']} in {found['seconds']} s, "
          f"{found['statements']} statements taking {found['sql_seconds']} s")
    for item in found["slowest"]:
        print(f"  {item['seconds']:8.3f} s  {item['sql'][:200]}")
    name = "".join(c if c.isalnum() else "-" for c in args.path).strip("-") or "page"
    path = args.out / f"profile-{name}.json"
    path.write_text(json.dumps(found, ensure_ascii=False, indent=2))
    print(f"every statement in full, and the functions: {path}")
    if args.functions:
        print(found["functions"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
