"""A command run while the database cannot be reached (cron at 3 a.m., the database restarting)
prints one sentence and exits 75 (try again later) instead of a traceback."""

import json

import pytest

from app import create_app
from tests.conftest import make_config


@pytest.fixture
def unreachable_runner(tmp_path):
    missing = tmp_path / "no-such-folder" / "academy.db"  # SQLite cannot open it
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}"))
    return app.test_cli_runner()


@pytest.mark.parametrize("args", [
    ["content", "sync"],
    ["reminders", "send"],
    ["signins", "prune"],
    ["certificates", "issue"],
])
def test_a_command_without_its_database_says_so_and_exits_75(unreachable_runner, args):
    result = unreachable_runner.invoke(args=args)
    assert result.exit_code == 75, result.output
    assert "Traceback" not in result.output
    assert "数据库" in result.output and "稍后" in result.output


def test_with_json_the_reason_is_a_json_error(unreachable_runner):
    result = unreachable_runner.invoke(args=["content", "sync", "--json"])
    assert result.exit_code == 75
    assert "unable to open database file" in json.loads(result.output)["error"]
