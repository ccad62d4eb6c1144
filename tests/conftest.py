"""Fixtures: an app on a database emptied after every test (SQLite by default,
TEST_DATABASE_URL for PostgreSQL), a client, a CLI runner, a login helper per role and a
statement counter.

Building the app costs far more than most tests (compiling every URL rule), so each worker
builds it once per set of config overrides and every test gets it back as new: its config
restored, its rate limits forgotten, every table emptied. A test that changes the app itself
(adds a route, a hook) is marked `fresh_app` and gets an app of its own, as all tests once did.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import os
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, text

from app import create_app
from app.extensions import db, limiter
from app.services.quiz import quick_save
from tests.helpers import TEST_HASH

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEMO_PASSWORD = "demo1234"
ROLE_LOGINS = {"employee": "employee", "supervisor": "supervisor", "trainer": "trainer",
               "admin": "admin"}

_tmp = tempfile.mkdtemp(prefix="sop-academy-tests-")


def _worker_database(url: str | None) -> str:
    """SQLite: a file in this process's temporary folder. PostgreSQL under pytest-xdist: one
    database per worker (`test_gw0`, `test_gw1` …), created beside TEST_DATABASE_URL's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url:
        return f"sqlite:///{_tmp}/test.db"
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


DATABASE_URL = _worker_database(os.environ.get("TEST_DATABASE_URL"))


def pytest_collection_modifyitems(config, items):
    """Browser tests run on both databases only when the database is what they test (marked
    `both_databases`: racing autosaves, a hand-in at the deadline, drafts kept through a
    lost session). The others check what Chromium does with pages whose server side the web
    tests already run on both databases; they run on SQLite (the README's command) and are
    deselected on PostgreSQL, where they would take a quarter of the run to repeat the same
    clicks. `E2E_EVERY_DATABASE=1` runs them all."""
    if DATABASE_URL.startswith("sqlite") or os.environ.get("E2E_EVERY_DATABASE") == "1":
        return
    once = [item for item in items if item.path.parent.name == "e2e"
            and not item.get_closest_marker("both_databases")]
    if once:
        config.hook.pytest_deselected(items=once)
        deselected = set(once)
        items[:] = [item for item in items if item not in deselected]


def make_config(**overrides) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_DIR": os.path.join(_tmp, "uploads"),
        "TASK_QUEUE": "memory",  # the Huey queue in this process (tests/web/test_webhooks.py)
    }
    config.update(overrides)
    return config


class FreshContextClient(FlaskClient):
    """Serve each request in its own app context, as a real server does.

    Without this, requests would share the test's app context: its `g` (so the signed-in
    user would leak from one request to the next) and its database session. What the test
    set up is committed first, and the test's objects are re-read afterwards.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # read and close file responses at once
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _schema():
    """Create the tables once per test session (migrations are tested on their own)."""
    app = _shared_app({}).app
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        install_signed_in_notices(db.engine)
    yield


def install_signed_in_notices(engine) -> None:
    """On PostgreSQL, the triggers of the migration that tell workers a signed-in user's rows
    changed (create_all makes no triggers): the suite runs with the users kept per worker
    (app.services.kept_users), as production does."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for statement in signed_in_notices().statements():
            conn.exec_driver_sql(statement)


def signed_in_notices():
    """The migration module of those triggers."""
    path = next((ROOT / "migrations" / "versions").glob("*_signed_in_change_notices.py"))
    spec = importlib.util.spec_from_file_location("signed_in_change_notices", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VACUUM_AFTER = 1000  # rows deleted from a table since its last vacuum (PostgreSQL)
_deleted_since_vacuum: dict[str, int] = {}


def _empty_all_tables() -> None:
    """DELETE every row, children first (on PostgreSQL far quicker than TRUNCATE for small
    tables; ids keep counting up, and no test relies on particular ids).

    On PostgreSQL a DELETE leaves dead rows behind, and autovacuum does not keep up with a
    test suite: the demo's few hundred rows put back and deleted for every test, or a scale
    test's thousands, piled up to 200,000 dead rows that every later test of the worker
    scanned (one test took 30 s instead of 2 s; the whole run twice as long). A table is
    vacuumed once that many rows were deleted from it since its last vacuum."""
    tables = list(reversed(db.metadata.sorted_tables))
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as conn:
        # One round trip to find the tables the test wrote to (most tests touch a few of the
        # ~60), then one DELETE each; on PostgreSQL all of them in one round trip too.
        counts = conn.execute(_row_counts(tables, db.engine.dialect.name)).one()
        written = [(table, count) for table, count in zip(tables, counts, strict=True) if count]
        if postgres and written:
            conn.exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"'
                                           for table, _ in written))
        else:
            for table, _ in written:
                conn.execute(table.delete())
    for table, count in written:
        _deleted_since_vacuum[table.name] = _deleted_since_vacuum.get(table.name, 0) + count
    # SQLite gives the ids of deleted rows again: layouts kept by attempt id (checked by the
    # claim, so never wrong, but a statement count would depend on the previous test)
    quick_save._LAYOUTS.clear()
    if not postgres:
        return
    due = [name for name, count in _deleted_since_vacuum.items() if count > VACUUM_AFTER]
    if due:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE " + ", ".join(f'"{name}"' for name in due)))
        for name in due:
            _deleted_since_vacuum[name] = 0


_ROW_COUNTS: dict[str, object] = {}


def _row_counts(tables, dialect: str):
    """SELECT (count of table 1), (count of table 2) … — built once per database kind."""
    if dialect not in _ROW_COUNTS:
        _ROW_COUNTS[dialect] = select(*[select(func.count()).select_from(table)
                                        .scalar_subquery().label(f"n{index}")
                                        for index, table in enumerate(tables)])
    return _ROW_COUNTS[dialect]


def snapshot_rows() -> dict[str, list[dict]]:
    """Every row of every table, committed: put back with `restore_rows` after the tables
    were emptied (a few bulk INSERTs instead of building the same objects again)."""
    db.session.commit()
    with db.engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(t.select())]
                for t in db.metadata.sorted_tables}


def restore_rows(rows: dict[str, list[dict]]) -> None:
    """Insert the rows of `snapshot_rows` (same ids) into the emptied tables."""
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
                _advance_id_sequence(conn, table)


class _SharedApp:
    """A worker's app for one set of config overrides, with what a test must find unchanged."""

    def __init__(self, overrides: dict):
        self.app = create_app(make_config(**overrides))
        self.app.test_client_class = FreshContextClient
        self.config = copy.deepcopy(dict(self.app.config))
        self.shape = _shape(self.app)

    def reset(self) -> None:
        """Undo what a test may have changed on the app: its config (tests set upload folders,
        size limits, mail servers …), the test client class and the in-memory rate limits."""
        self.app.config.clear()
        self.app.config.update(copy.deepcopy(self.config))
        self.app.test_client_class = FreshContextClient
        limiter.reset()


def _shape(app) -> tuple:
    """What a test must not change on a shared app: its routes, hooks, handlers, helpers."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
             app.url_value_preprocessors, app.url_default_functions,
             app.template_context_processors)
    return (len(app.url_map._rules), tuple(sorted(app.view_functions)),
            sorted((repr(k), len(v)) for hook in hooks for k, v in hook.items() if v),
            len(app.teardown_appcontext_funcs),
            sorted(repr((name, code, exc, handler))  # (lookups add empty entries: skipped)
                   for name, codes in app.error_handler_spec.items()
                   for code, handlers in codes.items() for exc, handler in handlers.items()),
            tuple(sorted(app.extensions)), tuple(sorted(app.jinja_env.globals)),
            tuple(sorted(app.jinja_env.filters)), tuple(sorted(app.blueprints)))


_shared_apps: dict[tuple, _SharedApp] = {}


def _shared_app(overrides: dict) -> _SharedApp:
    key = tuple(sorted((name, repr(value)) for name, value in overrides.items()))
    if key not in _shared_apps:
        _shared_apps[key] = _SharedApp(overrides)
    return _shared_apps[key]


@contextlib.contextmanager
def _app_with_cleanup(**overrides):
    """A new app with its context pushed; afterwards every table is emptied again."""
    app = create_app(make_config(**overrides))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            _empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def app(_schema, request):
    """The worker's app for the test's config overrides (`indirect` parametrization), as new;
    with the `fresh_app` mark an app built for this test alone."""
    overrides = getattr(request, "param", None) or {}
    if request.node.get_closest_marker("fresh_app"):
        with _app_with_cleanup(**overrides) as app:
            app.test_client_class = FreshContextClient
            yield app
        return
    shared = _shared_app(overrides)
    shared.reset()
    with shared.app.app_context():
        try:
            yield shared.app
        finally:
            db.session.remove()
            _empty_all_tables()
            shared.reset()
    if _shape(shared.app) != shared.shape:
        del _shared_apps[next(k for k, v in _shared_apps.items() if v is shared)]
        pytest.fail("the test changed the shared app (a route, a hook …): mark it fresh_app",
                    pytrace=False)


@pytest.fixture(scope="session")
def make_app(_schema):
    """`with make_app(**overrides) as app:` — a new app, set up and cleaned up like the `app`
    fixture's, for fixtures of a wider scope (tests/e2e: one live server per module)."""
    return _app_with_cleanup


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo organisation (see app/services/demo.py), committed.

    seed_demo() runs for the first test; later tests get the very rows it wrote, copied back
    in a few bulk INSERTs (seed_demo itself is tested in test_org_and_accounts.py).
    """
    global _demo_snapshot
    if _demo_snapshot is None:
        from app.services.demo import seed_demo

        users = seed_demo(TEST_HASH)
        _demo_snapshot = (users, snapshot_rows())
        return users
    users, rows = _demo_snapshot
    restore_rows(rows)
    return users


_demo_snapshot: tuple[list, dict] | None = None


def _advance_id_sequence(conn, table) -> None:
    """PostgreSQL: explicit ids do not move the sequence; move it past them."""
    if conn.dialect.name == "postgresql" and "id" in table.c:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                          f"(SELECT max(id) FROM \"{table.name}\"))"))


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, login: str, password: str = DEMO_PASSWORD, **kwargs):
        return self.client.post("/auth/login", data={"login": login, "password": password},
                                **kwargs)

    def as_role(self, role: str):
        response = self.login(ROLE_LOGINS[role])
        assert response.status_code == 302, f"demo {role} could not sign in"
        return response

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def users_not_kept(app):
    """Every request reads its signed-in user, as a worker's first request of a device does
    (for tests that count a page's statements their own way; `count_statements` does this)."""
    app.config["KEEP_SIGNED_IN_USERS"] = False


@pytest.fixture
def count_statements(app):
    """Context manager counting SQL statements: `with count_statements() as n: ...; n()`.

    Every request counted reads its signed-in user, as a worker's first request of a device
    does: on PostgreSQL later ones are served from what the worker kept (one statement fewer,
    tests/web/test_kept_users.py), and a page's count must not depend on which came first."""

    @contextlib.contextmanager
    def counter():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        keep = app.config["KEEP_SIGNED_IN_USERS"]
        app.config["KEEP_SIGNED_IN_USERS"] = False
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
            app.config["KEEP_SIGNED_IN_USERS"] = keep

    return counter


@pytest.fixture
def shared_dir():
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (a fresh clone): third-party test data not available")
    return SHARED
