"""Fill an empty database with a realistic clinic group for the benchmark.

    python -m tests.bench.seed --database-url URL --staff 10000 --attempts-per-person 100

Creates the schema with the app's migrations, then writes hospitals, departments, staff,
the shipped curriculum (through the app's own `content sync`), assignments, lesson progress,
acknowledgements, quiz attempts with every answer, practice runs and private-domain figures
— rows in bulk (COPY on PostgreSQL), never one ORM object per row. The same --seed gives the
same rows, dated relative to the day it runs. Prints each phase's rows and time, and the
sign-ins (also written to OUT/credentials.json). docs/performance.md explains it all.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.services.analytics import answer_tallies, person_tallies, taker_rows
from tests.bench.bulk import BulkWriter, LaterKeys
from tests.bench.seed_activity import seed_learning, seed_practice, seed_results
from tests.bench.seed_assign import seed_assignments
from tests.bench.seed_attempts import seed_attempts
from tests.bench.seed_content import seed_content
from tests.bench.seed_org import PASSWORD, seed_org


@dataclass
class Result:
    """What was written and the sign-ins of the generated organisation."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    credentials: dict = field(default_factory=dict)
    pass_rate: float | None = None


def seed(staff: int, attempts_per_person: int, seed_value: int = 1, echo=print) -> Result:
    """Fill the app's (empty, migrated) database; call inside an app context."""
    if db.session.scalar(select(func.count(User.id))):
        raise SystemExit("the database already has users: the benchmark seed needs an empty "
                         "database (drop and create it, then run this again)")
    rng, now, result = random.Random(seed_value), utcnow(), Result()
    writer = BulkWriter(db.session.connection)
    started = time.perf_counter()

    def phase(name: str, work):
        began = time.perf_counter()
        value = work()
        writer.close()
        db.session.commit()
        result.seconds[name] = round(time.perf_counter() - began, 2)
        echo(f"  {name:<12} {result.seconds[name]:7.2f} s   "
             f"(total {time.perf_counter() - started:6.1f} s)")
        return value

    org = phase("organisation", lambda: seed_org(writer, rng, staff, now))
    catalog = phase("curriculum", lambda: seed_content(rng, now - timedelta(days=120),
                                                       org.admin_id))
    plan = phase("assignments", lambda: seed_assignments(writer, rng, org, catalog, now))
    keys = LaterKeys(db.session.connection)  # PostgreSQL: made again after the bulk rows
    phase("keys off", keys.drop)
    phase("learning", lambda: seed_learning(writer, rng, org, plan, now))
    stats = phase("attempts", lambda: seed_attempts(
        writer, rng, org, catalog, plan, attempts_per_person, now,
        progress=lambda n, s: echo(f"    {n} people, {s.attempts} attempts, "
                                   f"{s.answers} answers, {time.perf_counter() - started:.1f} s")))
    phase("practice", lambda: seed_practice(writer, rng, org, plan, now))
    phase("results", lambda: seed_results(writer, org, now))
    phase("keys", keys.make)
    # the figures the app maintains on each event
    phase("maintained", lambda: (taker_rows.rebuild(), answer_tallies.rebuild(),
                                 person_tallies.rebuild()))
    result.rows = dict(sorted(writer.written.items()))
    result.pass_rate = round(stats.passed / stats.finished, 3) if stats.finished else None
    result.credentials = _credentials(org, catalog)
    result.seconds["total"] = round(time.perf_counter() - started, 2)
    return result


def _credentials(org, catalog) -> dict:
    member = next(p for p in org.team if p.active and p.id not in org.head_of.values())
    course = next((c for c in catalog.courses if not c.positions), catalog.courses[0])
    return {
        "password": PASSWORD,
        "supervisor": {"login": org.logins["supervisor"], "id": org.supervisor.id,
                       "team": len(org.team) + 1},
        "trainer": {"login": org.logins["trainer"], "id": org.trainer_id},
        "admin": {"login": org.logins["admin"], "id": org.admin_id},
        "employee": {"login": member.login, "id": member.id},
        "exam": {"slug": catalog.exam.slug, "id": catalog.exam.id},
        "pools": [{"slug": q.slug, "id": q.id} for q in catalog.pools],
        "course": {"slug": course.slug, "lesson": course.parts[0]},
    }


def migrate_schema() -> None:
    """`flask db upgrade`, in code."""
    from flask_migrate import upgrade

    upgrade()


def analyse() -> None:
    """Fresh planner statistics, as autovacuum would leave a live database."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def bench_app(database_url: str):
    from app import create_app
    from app.config import normalise_database_url

    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
                       "SECRET_KEY": "bench-seed"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.seed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--staff", type=int, required=True)
    parser.add_argument("--attempts-per-person", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench-results"),
                        help="folder of credentials.json (and the runner's results)")
    args = parser.parse_args(argv)
    if args.staff < 10 or args.attempts_per_person < 0:
        parser.error("--staff must be at least 10 and --attempts-per-person at least 0")
    app = bench_app(args.database_url)
    with app.app_context():
        began = time.perf_counter()
        print(f"schema: migrating {db.engine.url.render_as_string(hide_password=True)}")
        migrate_schema()
        print(f"seeding {args.staff} staff, {args.attempts_per_person} attempts each "
              f"(seed {args.seed})")
        result = seed(args.staff, args.attempts_per_person, args.seed)
        analyse_began = time.perf_counter()
        analyse()
        result.seconds["analyse"] = round(time.perf_counter() - analyse_began, 2)
        result.seconds["all"] = round(time.perf_counter() - began, 2)
    _report(result, args)
    return 0


def _report(result: Result, args) -> None:
    rows = sum(result.rows.values())
    seconds = result.seconds["total"]
    print(f"\n{rows:,} rows in {seconds:.1f} s ({rows / max(seconds, 0.001):,.0f} rows/s); "
          f"with schema and ANALYZE {result.seconds['all']:.1f} s")
    for name, count in sorted(result.rows.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {name:<22} {count:>12,}")
    print(f"attempts passed: {result.pass_rate:.0%}" if result.pass_rate is not None else "")
    creds = result.credentials
    print(f"\nsign in with password {creds['password']!r}:")
    print(f"  supervisor {creds['supervisor']['login']} ({creds['supervisor']['team']} people)")
    print(f"  trainer    {creds['trainer']['login']}")
    print(f"  admin      {creds['admin']['login']}")
    print(f"  employee   {creds['employee']['login']}")
    args.out.mkdir(parents=True, exist_ok=True)
    payload = dict(creds, staff=args.staff, attempts_per_person=args.attempts_per_person,
                   seed=args.seed, rows=result.rows, seconds=result.seconds,
                   pass_rate=result.pass_rate)
    path = args.out / "credentials.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    sys.exit(main())
