"""Jobs that must not run twice at once (app/services/locks.py): roster import, content sync,
question import into one bank. Two at once → one applies, the other changes nothing and says
why (the commands: exit status 75 and {"error": …} with --json); a crashed run's lock is
taken over once it expired; dry runs take no lock."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Course, Lock, QuestionBank
from app.models.base import utcnow
from app.services import locks
from app.services.content.sync import sync_content
from tests.helpers import GOOD_ROWS, count_users, xlsx_bytes
from tests.races import TIMEOUT, race
from tests.unit.test_content_sync import content  # noqa: F401 (a fixture)


def _try(name: str) -> str:
    try:
        locks.acquire(name)
    except locks.Busy as busy:
        return str(busy)
    return "got it"


def test_of_two_runs_at_once_exactly_one_gets_the_lock(app):
    results = race(app, lambda: _try("content-sync"), lambda: _try("content-sync"))
    assert sorted(results)[0] == "got it" and results.count("got it") == 1
    assert "文件同步（content sync）正在进行" in next(r for r in results if r != "got it")


def test_a_crashed_runs_lock_is_taken_over_once_it_expired(app):
    locks.acquire("roster-import", minutes=30, now=utcnow() - timedelta(minutes=31))
    token = locks.acquire("roster-import")  # the old one expired: taken over
    with pytest.raises(locks.Busy, match="花名册导入"):
        locks.acquire("roster-import")
    locks.release("roster-import", "someone-else")  # not theirs to give back
    assert db.session.scalar(select(Lock.holder)) == token
    locks.release("roster-import", token)
    assert db.session.scalar(select(func.count()).select_from(Lock)) == 0


def _sync_holding_the_lock(root):
    def run():
        try:
            with locks.held("content-sync"):
                report = sync_content(root, root / "courses", root / "sop", dry_run=False)
                db.session.commit()
                return report.courses.created
        except locks.Busy as busy:
            db.session.rollback()
            return str(busy)
    return run


def test_two_content_syncs_at_once_one_applies_the_other_says_why(app, demo, content):  # noqa: F811
    """The first run has the lock and is about to write; the second starts right then."""
    has_lock, second_done = threading.Event(), threading.Event()

    def hold_first(conn, cursor, statement, *args):
        me = threading.current_thread().name
        if (me == "race-0" and not has_lock.is_set() and "locks" not in statement
                and statement.startswith(("INSERT", "UPDATE", "DELETE"))):
            has_lock.set()
            assert second_done.wait(TIMEOUT)

    def second():
        try:
            assert has_lock.wait(TIMEOUT)
            return _sync_holding_the_lock(content)()
        finally:
            second_done.set()

    event.listen(db.engine, "before_cursor_execute", hold_first)
    try:
        first_result, second_result = race(app, _sync_holding_the_lock(content), second)
    finally:
        event.remove(db.engine, "before_cursor_execute", hold_first)
    assert first_result == 2
    assert "文件同步（content sync）正在进行" in second_result and "没有做任何更改" in second_result
    assert db.session.scalar(select(func.count()).select_from(Course)) == 2


# ---- the commands ----------------------------------------------------------------------------

def test_content_sync_while_another_runs_exits_75_with_a_json_error(runner, demo, content):  # noqa: F811
    token = locks.acquire("content-sync")
    busy = runner.invoke(args=["content", "sync", "--json", "--root", str(content)])
    assert busy.exit_code == 75
    payload = json.loads(busy.stdout)
    assert "文件同步（content sync）正在进行" in payload["error"]
    assert payload["lock"] == "content-sync"
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0
    checked = runner.invoke(args=["content", "sync", "--dry-run", "--root", str(content)])
    assert checked.exit_code == 0  # a dry run writes nothing: no lock needed
    locks.release("content-sync", token)
    done = runner.invoke(args=["content", "sync", "--json", "--root", str(content)])
    assert done.exit_code == 0 and json.loads(done.stdout)["courses"]["created"] == 2
    assert db.session.scalar(select(func.count()).select_from(Lock)) == 0  # given back


def test_users_import_while_another_runs_writes_nothing(runner, demo, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(xlsx_bytes(GOOD_ROWS))
    locks.acquire("roster-import")
    before = count_users()
    text = runner.invoke(args=["users", "import", str(path)])
    assert text.exit_code == 75 and "花名册导入正在进行" in text.stderr
    as_json = runner.invoke(args=["users", "import", str(path), "--json"])
    assert as_json.exit_code == 75 and "error" in json.loads(as_json.stdout)
    assert count_users() == before


def test_question_imports_lock_one_bank_not_the_others(runner, app, tmp_path):
    path = tmp_path / "题库.gift"
    path.write_text("::q1:: 术后第几天复诊? {=第七天 ~第三天}\n", encoding="utf-8")
    locks.acquire("questions-import:post-care")
    busy = runner.invoke(args=["questions", "import", str(path), "--bank", "post-care",
                               "--json"])
    assert busy.exit_code == 75 and "该题库导入题目" in json.loads(busy.stdout)["error"]
    other = runner.invoke(args=["questions", "import", str(path), "--bank", "skin-care"])
    assert other.exit_code == 0, other.output
    assert set(db.session.scalars(select(QuestionBank.slug))) == {"skin-care"}
