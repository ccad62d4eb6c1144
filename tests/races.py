"""Running requests at the same moment, as two app servers would: each in its own thread,
with its own app context, session and database connection (a file database on SQLite, so
connections really are separate), started together by a barrier.

`pause_before_write` goes one step further and holds each racing request at its first
write until the others got there too (or until an event is set), so the
interleaving a test is about happens every time instead of now and then. It watches the SQL
sent to the database, not the code under test.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from sqlalchemy import event

from app.extensions import db

TIMEOUT = 10


def race(app, *actions: Callable[[], object], barrier: threading.Barrier | None = None
         ) -> list[object]:
    """Run each action in its own thread and app context, all released together; their
    results in order. An exception in a thread fails the test in the test's thread."""
    barrier = barrier or threading.Barrier(len(actions), timeout=TIMEOUT)
    results: list[object] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            with app.app_context():
                barrier.wait()
                results[index] = action()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, action), name=f"race-{i}")
               for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing request hung"
    if errors:
        raise errors[0]
    db.session.expire_all()
    return results


@contextlib.contextmanager
def pause_before_write(wait: Callable[[str], None], table: str | None = None):
    """While active, each racing thread calls `wait(thread name)` once, just before its first
    INSERT, UPDATE or DELETE (of `table` when given) reaches the database: by then it has
    read whatever it decides on."""
    waited: set[int] = set()
    verbs = ((f"INSERT INTO {table} ", f"UPDATE {table} ") if table
             else ("INSERT ", "UPDATE ", "DELETE "))

    def before(conn, cursor, statement, *args):
        me = threading.current_thread()
        if me.name.startswith("race-") and me.ident not in waited and (
                statement.startswith(verbs) or _writes_first(statement, verbs)):
            waited.add(me.ident)
            wait(me.name)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _writes_first(statement: str, verbs: tuple[str, ...]) -> bool:
    """A statement whose WITH writes (PostgreSQL's autosave: `WITH claim AS (UPDATE …`)."""
    return statement.startswith("WITH ") and any(f"({verb}" in statement for verb in verbs)


def together(parties: int = 2) -> Callable[[str], None]:
    """A `wait` for `pause_before_write`: every party waits until all got there."""
    barrier = threading.Barrier(parties, timeout=TIMEOUT)
    return lambda _name: barrier.wait()


def held_until_done(app, held: Callable[[], object], first: Callable[[], object],
                    table: str | None = None) -> list[object]:
    """Run both at once; `held` has read what it decides on but waits at its first write (of
    `table`) until `first` finished and committed. [held's result, first's result]."""
    done = threading.Event()

    def wait(name: str) -> None:
        if name == "race-0":
            assert done.wait(TIMEOUT), "the other request never finished"

    def run_first():
        try:
            return first()
        finally:
            done.set()

    with pause_before_write(wait, table):
        return race(app, held, run_first)


def signed_in(app, login: str, password: str = "demo1234"):
    """A new test client (its own cookie jar: another device) signed in as `login`."""
    client = app.test_client()
    response = client.post("/auth/login", data={"login": login, "password": password})
    assert response.status_code == 302, f"{login} could not sign in"
    return client
