"""The practice pages run a constant number of SQL statements, however many steps, runs,
rounds and comments there are."""

from __future__ import annotations

from tests.practice_factories import make_practice_sop, make_run, return_run

KINDS = ("text", "number", "link", "photo", "none")


def _steps(count: int) -> list[dict]:
    return [{"key": f"s{n}", "title": f"步骤{n}", "timing": "离院后24小时内" if n % 2 else "当天",
             "evidence_type": KINDS[n % len(KINDS)], "instructions": "**做**",
             "script": "{称呼}您好"}
            for n in range(count)]


def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted()


def _returned_twice(steps: int):
    """A run of `steps` steps, filled, handed in and returned twice (comments on every step),
    then handed in again."""
    from app.extensions import db
    from app.services.practice import runs
    from tests.learning_factories import person

    run = make_run(module=make_practice_sop(f"count-{steps}", _steps(steps)), status="returned")
    comments = {f"s{n}": "请补充" for n in range(steps)}
    runs.submit_run(person("employee"), run)
    return_run(run, comments=comments)
    db.session.commit()
    return run


def test_run_page_is_constant_in_steps_and_rounds(client, auth, demo, count_statements):
    small, large = _returned_twice(3), _returned_twice(20)
    auth.as_role("employee")
    few = _statements(client, count_statements, f"/practice/runs/{small.id}")
    many = _statements(client, count_statements, f"/practice/runs/{large.id}")
    assert many == few
    assert client.get(f"/practice/runs/{large.id}").text.count('data-testid="step-comment"') == 20


def test_my_runs_is_constant_in_the_number_of_runs(client, auth, demo, count_statements):
    module = make_practice_sop("count-list", _steps(4))
    make_run(module=module)
    auth.as_role("employee")
    few = _statements(client, count_statements, "/practice/")
    for status in ("draft", "submitted", "returned", "signed_off") * 3:
        make_run(module=module, status=status)
    many = _statements(client, count_statements, "/practice/")
    assert many == few
