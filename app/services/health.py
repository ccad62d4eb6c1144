"""What `/readyz` reports: each part the app depends on, "ok" or what is wrong with it.

The database is the one part the app cannot work without (503 when it fails). Redis (only
checked when REDIS_URL is set) and the upload folder are reported as degraded: sign-in still
works without Redis (rate limits are counted in memory), pages still work when uploads fail.
Nothing here writes: the upload folder is checked with access(2) and statvfs, not a file.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Mapping

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger("app.health")
OK = "ok"
PROBE_TIMEOUT = 1.0  # seconds: a readiness probe must answer quickly


def readiness(settings: Mapping) -> tuple[bool, dict]:
    """(database works, {"status": "ok"|"degraded"|"unavailable", "checks": {...}})."""
    checks = {"database": database_check()}
    if settings.get("REDIS_URL"):
        checks["redis"] = redis_check(settings["REDIS_URL"])
    checks["uploads"] = uploads_check(settings["UPLOAD_DIR"],
                                      int(settings.get("READYZ_MIN_FREE_MB", 0)))
    database_ok = checks["database"] == OK
    if not database_ok:
        status = "unavailable"
    else:
        status = OK if all(value == OK for value in checks.values()) else "degraded"
    return database_ok, {"status": status, "checks": checks}


UNREACHABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
               sa_exc.TimeoutError)


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached or is busy (refused connection,
    lost connection, pool exhausted, SQLite locked) rather than a bug in a query (SQLite
    reports a missing table as an OperationalError too: that one is a bug)."""
    if not isinstance(error, UNREACHABLE):
        return False
    return "no such " not in str(getattr(error, "orig", error))


def database_check() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure: not ready
        rollback_quietly()
        log.warning("readiness: database unavailable: %s", type(exc).__name__)
        return "unavailable"
    return OK


def redis_check(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT,
                                  socket_timeout=PROBE_TIMEOUT)
    try:
        client.ping()
    except Exception as exc:  # refused, timed out, wrong password …
        log.warning("readiness: Redis unavailable (%s); rate limits are counted in memory",
                    type(exc).__name__)
        return "unavailable"
    finally:
        client.close()
    return OK


def uploads_check(folder: str, min_free_mb: int) -> str:
    """"ok", "missing" (a parent that cannot hold it), "not_writable" or "low_space"."""
    path = folder
    while not os.path.isdir(path):  # not created yet: created on the first upload
        parent = os.path.dirname(path)
        if parent == path:
            return "missing"
        path = parent
    if not os.access(path, os.W_OK | os.X_OK):
        return "not_writable"
    if min_free_mb and shutil.disk_usage(path).free < min_free_mb * 1024 * 1024:
        return "low_space"
    return OK


def rollback_quietly() -> None:
    """Roll the session back; when the connection is gone, that fails too: ignored."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        log.debug("rollback failed too (the database is gone)", exc_info=True)
