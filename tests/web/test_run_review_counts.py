"""The review pages run a constant number of SQL statements: the queue whatever the number of
runs waiting, a run's page whatever its number of steps and rounds."""

from __future__ import annotations

from app.extensions import db
from app.models import PracticeRun
from tests.practice_factories import make_practice_sop, make_run
from tests.review_helpers import decide, rework, sop_of

OWNERS = ("employee", "10005", "10007", "10008", "10009")


def _statements(client, count_statements, url: str) -> int:
    client.get(url)  # warm up (first-request work is not the page's)
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def _submitted_runs(count: int, module) -> None:
    for n in range(count):
        make_run(OWNERS[n % len(OWNERS)], module, status="submitted", case_code=f"Q-{n}")


def test_review_queue_is_constant_in_the_number_of_runs(client, auth, demo, count_statements):
    module = make_practice_sop("count-queue")
    _submitted_runs(2, module)
    auth.as_role("supervisor")
    few = _statements(client, count_statements, "/review/")
    _submitted_runs(18, module)
    many = _statements(client, count_statements, "/review/")
    assert client.get("/review/").text.count('data-testid="waiting-run"') == 20
    assert many == few, (few, many)


def test_review_page_is_constant_in_steps(client, auth, demo, count_statements):
    small = make_run("employee", sop_of(3, "count-3"), status="submitted")
    large = make_run("employee", sop_of(20, "count-20"), status="submitted")
    auth.as_role("supervisor")
    few = _statements(client, count_statements, f"/review/runs/{small.id}")
    many = _statements(client, count_statements, f"/review/runs/{large.id}")
    assert client.get(f"/review/runs/{large.id}").text.count('data-testid="review-step"') == 20
    assert many == few, (few, many)


def _rounds(run: PracticeRun, count: int) -> PracticeRun:
    for n in range(count - 1):
        decide(run, "supervisor", "returned", reason=f"第{n + 1}轮退回",
               comments={run.steps[0].step_key: "请补充"})
        rework(db.session.get(PracticeRun, run.id))
    return run


def test_review_page_is_constant_in_rounds(client, auth, demo, count_statements):
    module = sop_of(3, "count-rounds")
    one = make_run("employee", module, status="submitted")
    five = _rounds(make_run("employee", module, status="submitted"), 5)
    auth.as_role("supervisor")
    few = _statements(client, count_statements, f"/review/runs/{one.id}")
    many = _statements(client, count_statements, f"/review/runs/{five.id}")
    assert client.get(f"/review/runs/{five.id}").text.count('data-testid="round"') == 4
    assert many == few, (few, many)
    decide(db.session.get(PracticeRun, five.id), "supervisor", "signed_off")
    signed = _statements(client, count_statements, f"/review/runs/{five.id}")
    assert signed <= few
