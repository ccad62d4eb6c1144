"""The workloads of issue 15's table: who signs in, what each thread requests, and the goal.

Hot pages run on `connections` threads, each a different employee with their own open
attempt (of bench-pool-1); reports run on `report_connections` threads as the supervisor of
~200 (or the trainer). Submitting needs a fresh open attempt per request: each round gets
new ones (every answer saved) for `submit_users` people on each of three pool exams; when
they run out before the duration, the rate is over the time they lasted ("exhausted")."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.bench import prepare
from tests.bench.httpload import Browser, Job, Req

HOT_POOL = "bench-pool-1"
SUBMIT_POOLS = ("bench-pool-2", "bench-pool-3", "bench-pool-4")
JSON = "application/json"


@dataclass
class Employee:
    id: int
    login: str
    browser: Browser
    attempt_id: int = 0


@dataclass
class Context:
    host: str
    port: int
    credentials: dict
    app: object
    connections: int
    report_connections: int
    submit_users: int
    supervisor: Browser | None = None
    trainer: Browser | None = None
    employees: list[Employee] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)

    def forget_connections(self) -> None:
        """Close the runner's own database connections before the load tool forks (see
        `httpload.run_load`); the next `prepare` opens new ones."""
        with self.app.app_context():
            from app.extensions import db

            db.engine.dispose()

    def browser(self) -> Browser:
        return Browser(self.host, self.port)

    def sign_in(self, people: int) -> None:
        password = self.credentials["password"]
        self.supervisor, self.trainer = self.browser(), self.browser()
        self.supervisor.sign_in(self.credentials["supervisor"]["login"], password)
        self.trainer.sign_in(self.credentials["trainer"]["login"], password)
        with self.app.app_context():
            found = prepare.employees(people)
        self.employees = [Employee(uid, login, self.browser()) for uid, login in found]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda e: e.browser.sign_in(e.login, password), self.employees))

    def open_hot_attempts(self) -> None:
        hot = self.employees[:self.connections]
        with self.app.app_context():
            made = prepare.open_attempts(HOT_POOL, [e.id for e in hot], answered=False)
            for employee in hot:
                employee.attempt_id = made[employee.id]
            self.positions = prepare.single_choice_positions(hot[0].attempt_id)


def _hot(ctx: Context) -> list[Employee]:
    return ctx.employees[:ctx.connections]


def healthz(ctx: Context, _round: int) -> list[Job]:
    return [Job((Req("GET", "/healthz"),))] * ctx.connections


def lesson(ctx: Context, _round: int) -> list[Job]:
    course = ctx.credentials["course"]
    path = f"/learn/courses/{course['slug']}/{course['lesson']}"
    return [Job((Req("GET", path, e.browser.cookie),)) for e in _hot(ctx)]


def question(ctx: Context, _round: int) -> list[Job]:
    return [Job(tuple(Req("GET", f"/learn/attempts/{e.attempt_id}?q={q}", e.browser.cookie)
                      for q in range(20))) for e in _hot(ctx)]


def autosave(ctx: Context, _round: int) -> list[Job]:
    return [Job(tuple(Req("POST", f"/learn/attempts/{e.attempt_id}/answer", e.browser.cookie,
                          (("csrf_token", e.browser.csrf), ("position", str(p)),
                           ("response", str(n % 2))), accept=JSON)
                      for n, p in enumerate(ctx.positions))) for e in _hot(ctx)]


def submit(ctx: Context, _round: int) -> list[Job]:
    """One 交卷 per prepared attempt: `submit_users` people × the submit pool exams, posted
    as the page's 交卷 form posts it (with confirm=1: the answers are read once, after
    the claim; without it, the view read them first to ask about unanswered questions)."""
    people, reqs = ctx.employees[:ctx.submit_users], []
    for slug in SUBMIT_POOLS:
        with ctx.app.app_context():
            made = prepare.open_attempts(slug, [e.id for e in people])
        # what the 交卷 form posts (#submit-form, sent by quiz.js; the confirmation page too)
        reqs.extend(Req("POST", f"/learn/attempts/{made[e.id]}/submit", e.browser.cookie,
                        (("csrf_token", e.browser.csrf), ("confirm", "1")), expect=302)
                    for e in people)
    return [Job(tuple(reqs[i::ctx.connections]), repeat=False)
            for i in range(min(ctx.connections, len(reqs)))]


def _report(path: Callable[[Context], str], who: str = "supervisor"):
    def jobs(ctx: Context, _round: int) -> list[Job]:
        browser = getattr(ctx, who)
        return [Job((Req("GET", path(ctx), browser.cookie),))] * ctx.report_connections
    return jobs


@dataclass(frozen=True)
class Workload:
    key: str
    label: str
    goal: str
    jobs: Callable[[Context, int], list[Job]]
    report: bool = False


WORKLOADS = [
    Workload("lesson", "logged-in lesson page", "≥ 0.25×", lesson),
    Workload("question", "quiz question page of an open attempt", "≥ 0.25×", question),
    Workload("autosave", "autosave one answer", "≥ 0.30×", autosave),
    Workload("submit", "submit a 20-question exam", "≥ 0.15×, p99 ≤ 150 ms", submit),
    Workload("dashboard", "team dashboard, supervisor of ~200", "p50 ≤ 300 ms (10k staff)",
             _report(lambda c: "/team/dashboard"), report=True),
    Workload("record", "employee record (the supervisor's view)", "p50 ≤ 150 ms",
             _report(lambda c: f"/team/members/{c.credentials['employee']['id']}/record"),
             report=True),
    Workload("analytics", "quiz analytics of the 全员考试", "p50 ≤ 500 ms",
             _report(lambda c: f"/manage/analytics/quizzes/{c.credentials['exam']['id']}",
                     "trainer"), report=True),
    Workload("export", "dashboard .xlsx export", "≤ 5 s",
             _report(lambda c: "/team/dashboard/export?format=xlsx"), report=True),
]
