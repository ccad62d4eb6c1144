"""The database half of a backup (app.services.backup): a consistent snapshot with its row
counts, its Alembic revision and the upload files it refers to; a check that a dump is
readable; putting a dump back.

- SQLite: the online backup API (`sqlite3.Connection.backup`), never a copy of the file (a
  WAL database's last commits may still be in its -wal file). The copy is switched to
  journal_mode=DELETE so it is one self-contained file. Restoring uses the same API into the
  configured file: one transaction, the file's old content replaced whole.
- PostgreSQL: `pg_dump --format=custom` inside a REPEATABLE READ transaction whose snapshot is
  exported (`pg_export_snapshot()`) and handed to pg_dump with `--snapshot`, so the row
  counts and file references in the manifest are those of the very data dumped. Restoring
  pipes `pg_restore --file=-` into `psql --single-transaction`, after dropping every table,
  view, sequence, enum type and function (the triggers' own, not an extension's) of the
  schema in the same transaction: all or nothing. The workers are then told that every
  signed-in user they keep may have changed (kept_users).
  The client programs come from the `postgresql-client` package; their major version must
  be at least the server's.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.exc import SQLAlchemyError

from app.services.errors import DomainError

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DUMP_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
PG_PACKAGE = "postgresql-client"
VERSION_TABLE = "alembic_version"
LIBPQ_QUERY = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE",
               "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
               "connect_timeout": "PGCONNECT_TIMEOUT"}
# (table, sub-folder of UPLOAD_DIR) of the rows whose `stored_name` is a file on disk
FILE_TABLES = (("media", ""), ("evidence_photos", "evidence/"))

DROP_EVERYTHING = """DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT viewname FROM pg_views WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP VIEW IF EXISTS %I CASCADE', r.viewname); END LOOP;
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.tablename); END LOOP;
  FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', r.sequencename); END LOOP;
  FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = current_schema() AND t.typtype = 'e' LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', r.typname); END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
           JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = current_schema() AND p.prokind = 'f' AND NOT EXISTS (
             SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.signature); END LOOP;
END $$;"""


# the running workers forget every signed-in user they keep (app.services.kept_users): a dump
# is loaded before its triggers are made, so nothing else tells them
EVERYONE_CHANGED = "SELECT pg_notify('sop_signed_in', '*')"


@dataclass
class Snapshot:
    kind: str
    path: Path
    revision: str | None
    row_counts: dict[str, int]
    referenced: list[str]  # upload files the rows refer to, relative to UPLOAD_DIR


def kind_of(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in DUMP_NAMES:
        raise DomainError(_l("Backups support SQLite and PostgreSQL, not %(name)s.", name=name))
    if name == SQLITE and not _sqlite_file(engine):
        raise DomainError(_l("An in-memory SQLite database cannot be backed up."))
    return name


def _sqlite_file(engine: Engine) -> str | None:
    database = engine.url.database
    return None if not database or database == ":memory:" else database


@contextmanager
def database_errors() -> Iterator[None]:
    """A database that cannot be reached, is locked or refuses → a DomainError saying so."""
    try:
        yield
    except (sqlite3.Error, SQLAlchemyError) as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DomainError(_l("The database could not be read or written: %(error)s",
                             error=detail)) from None


def snapshot(engine: Engine, folder: Path) -> Snapshot:
    """Write the database's dump into `folder`; its facts read from the same snapshot."""
    with database_errors():
        return _snapshot(engine, folder)


def _snapshot(engine: Engine, folder: Path) -> Snapshot:
    kind = kind_of(engine)
    target = folder / DUMP_NAMES[kind]
    if kind == SQLITE:
        _sqlite_copy(_sqlite_file(engine), target, journal_delete=True)
        copy = create_engine(f"sqlite:///{target}")
        try:
            with copy.connect() as conn:
                facts = _facts(conn)
        finally:
            copy.dispose()
        return Snapshot(kind, target, *facts)
    pg_dump = require_tool("pg_dump")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            exported = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _facts(conn)
            _run([pg_dump, "--no-password", "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={exported}", f"--file={target}"], _libpq_env(engine))
    return Snapshot(kind, target, *facts)


def _sqlite_copy(source: str, target: Path, journal_delete: bool = False) -> None:
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        src.backup(dst)
        if journal_delete:
            dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def _facts(conn) -> tuple[str | None, dict[str, int], list[str]]:
    names = sorted(inspect(conn).get_table_names())
    counts = {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
              for name in names}
    revision = None
    if VERSION_TABLE in names:
        found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        revision = ",".join(sorted(found)) or None
    referenced = [folder + name for table_name, folder in FILE_TABLES if table_name in names
                  for name in conn.execute(text(f"SELECT stored_name FROM {table_name}"))
                  .scalars()]
    return revision, counts, sorted(referenced)


def tables_with_rows(engine: Engine) -> list[str]:
    """The tables of the live database holding at least one row (Alembic's own aside)."""
    with database_errors(), engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != VERSION_TABLE]
        return sorted(n for n in names
                      if conn.execute(select(text("1")).select_from(table(n)).limit(1)).first())


def check_dump(kind: str, path: Path, manifest: dict) -> list[str]:
    """Problems of a dump: SQLite opened, integrity-checked and compared with the manifest's
    revision and row counts; PostgreSQL listed by pg_restore."""
    if kind == POSTGRESQL:
        try:
            _run([require_tool("pg_restore"), "--list", str(path)], dict(os.environ))
        except DomainError as error:
            return [str(error)]
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return [str(_l("The database in the backup cannot be read: %(error)s", error=error))]
    if result != "ok":
        return [str(_l("The database in the backup is damaged: %(error)s", error=result))]
    copy = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with copy.connect() as conn:
            revision, counts, _ = _facts(conn)
    finally:
        copy.dispose()
    if revision != manifest.get("alembic_revision") or counts != manifest.get("row_counts"):
        return [str(_l("The database in the backup does not match its manifest (revision or "
                       "row counts)."))]
    return []


def restore(engine: Engine, kind: str, path: Path) -> None:
    """Replace the live database's content with the dump's, in one transaction."""
    engine.dispose()
    if kind == SQLITE:
        with database_errors():
            _sqlite_copy(str(path), Path(_sqlite_file(engine)))
        return
    pg_restore, psql = require_tool("pg_restore"), require_tool("psql")
    with subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--no-comments",
                           "--file=-", str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as producer:
        consumer = subprocess.run([psql, "--no-password", "--no-psqlrc", "--quiet",
                                   "--single-transaction",
                                   "--set=ON_ERROR_STOP=1", "--command", DROP_EVERYTHING,
                                   "--file=-", "--command", EVERYONE_CHANGED],
                                  stdin=producer.stdout, capture_output=True,
                                  env=_libpq_env(engine))
        producer.stdout.close()
        producer_error = producer.stderr.read()
    producer.wait()
    for tool, code, error in (("pg_restore", producer.returncode, producer_error),
                              ("psql", consumer.returncode, consumer.stderr)):
        if code != 0:
            raise _failed(tool, error)


def require_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DomainError(_l("%(tool)s was not found on PATH: install the %(package)s package "
                             "(Debian/Ubuntu: apt-get install %(package)s), of the same major "
                             "version as the PostgreSQL server or newer.",
                             tool=name, package=PG_PACKAGE))
    return found


def _libpq_env(engine: Engine) -> dict[str, str]:
    """The connection settings for the PostgreSQL client programs, password included, as
    environment variables (never on a command line other users can read); with
    --no-password they fail at once instead of waiting for a password nobody will type."""
    url = engine.url
    env = dict(os.environ)
    for attribute, variable in (("host", "PGHOST"), ("port", "PGPORT"), ("username", "PGUSER"),
                                ("password", "PGPASSWORD"), ("database", "PGDATABASE")):
        if getattr(url, attribute) is not None:
            env[variable] = str(getattr(url, attribute))
    for key, value in url.query.items():  # ?host=/run/postgresql, ?sslmode=require …
        if key in LIBPQ_QUERY:
            env[LIBPQ_QUERY[key]] = str(value)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, env=env)
    if result.returncode != 0:
        raise _failed(Path(command[0]).name, result.stderr)


def _failed(tool: str, stderr: bytes) -> DomainError:
    tail = stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
    return DomainError(_l("%(tool)s failed: %(error)s", tool=tool, error=" ".join(tail)))
