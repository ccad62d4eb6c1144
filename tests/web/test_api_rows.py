"""/api/v1 rows: what each list says about the seeded data, and a constant number of
statements per page whatever its size."""

from __future__ import annotations

import pytest

from app.services.bi.registry import RESOURCES
from tests.learning_factories import person
from tests.web.api_helpers import add_users, get, make_token, seed_learning, walk


def _by_id(rows: list[dict], key: str = "id") -> dict:
    return {row[key]: row for row in rows}


def test_users_and_departments(client, demo):
    secret = make_token()
    users = _by_id(walk(client, "users", secret, limit=100))
    admin = users[person("admin").id]
    assert admin["login"] == "admin" and "admin" in admin["roles"]
    assert admin["roles"] == sorted(admin["roles"]) and admin["active"] is True
    assert admin["updated_at"].endswith("Z")
    assert not {"password_hash", "email", "phone"} & set(admin)
    departments = walk(client, "departments", secret, limit=100)
    assert {"整形外科", "病房护理组"} <= {d["name"] for d in departments}
    children = [d for d in departments if d["name"] == "病房护理组"]
    assert children[0]["parent_id"] in {d["id"] for d in departments}


def test_assignments_and_who_owes_them(client, demo):
    ids = seed_learning()
    secret = make_token(["assignments"])
    assignment = _by_id(walk(client, "assignments", secret, limit=10))[ids["assignment_id"]]
    assert assignment["kind"] == "quiz" and assignment["item_title"] == "接口测验"
    status = [row for row in walk(client, "assignments/status", secret, limit=1)
              if row["assignment_id"] == ids["assignment_id"]]
    assert [row["user_id"] for row in status] == sorted([person("employee").id,
                                                         person("10005").id])
    assert {row["status"] for row in status} <= {"not_started", "in_progress"}
    assert all(row["due_at"].endswith("Z") and row["done_at"] is None for row in status)
    practice = [row for row in walk(client, "assignments/status", secret, limit=500)
                if row["assignment_id"] == ids["practice_assignment_id"]]
    assert [(row["status"], row["started"]) for row in practice] == [("completed", True)]
    assert practice[0]["done_at"].endswith("Z")


def test_attempts(client, demo):
    ids = seed_learning()
    row = _by_id(walk(client, "attempts", make_token(["attempts"]), limit=10))[
        ids["attempt_id"]]
    assert row["quiz_title"] == "接口测验" and row["user_id"] == person("employee").id
    assert row["mode"] == "exam" and row["number"] == 1 and row["submitted_at"].endswith("Z")


def test_runs_carry_their_latest_review(client, demo):
    ids = seed_learning()
    row = _by_id(walk(client, "runs", make_token(["runs"]), limit=10))[ids["run_id"]]
    assert row["module_slug"] == "api-sop" and row["version_number"] == 1
    assert row["status"] == "signed_off" and row["round"] == 2
    assert row["review_decision"] == "signed_off"
    assert row["review_scores"] == {"话术完整": 4, "时效": 5}
    assert row["reviewer_id"] == person("supervisor").id


def test_results_and_kpis(client, demo):
    secret = make_token(["results", "kpis"])
    kpis = _by_id(walk(client, "kpis", secret, limit=3))
    results = walk(client, "results", secret, limit=50)
    assert kpis and results
    for row in results:
        assert row["metric_name"] == kpis[row["metric_id"]]["name"]
        assert len(row["period_start"]) == 10 and isinstance(row["value"], float)


@pytest.mark.parametrize("resource", [r.name for r in RESOURCES])
def test_statements_per_page_do_not_grow_with_its_size(client, demo, count_statements,
                                                       resource):
    seed_learning()
    add_users(200)  # /users: a full page of 200 rows
    secret = make_token()
    get(client, resource, secret)  # marks the token used: later requests only read
    counts, sizes = {}, {}
    for limit in (5, 200):
        with count_statements() as statements:
            response = get(client, resource, secret, limit=limit)
        assert response.status_code == 200
        counts[limit], sizes[limit] = statements(), len(response.json["data"])
    assert counts[5] == counts[200] <= 2, counts  # the token, the page
    assert sizes[200] == 200 if resource == "users" else sizes[200] >= sizes[5]
