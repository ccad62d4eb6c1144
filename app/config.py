"""Settings read from environment variables: development defaults, strict production."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(uri: str, options: dict) -> dict:
    """PostgreSQL: no JIT compilation. The reports' statements are short (tens of ms) but
    large, and their cost estimates grow with the organisation: past `jit_above_cost`
    PostgreSQL spent 12 s compiling 862 functions for one 0.2 s dashboard statement
    (docs/performance.md, "Team dashboard"). Server options already given — in the URL
    (`?options=-csearch_path%3Dx`) or as the `options` connect argument — are kept after it
    (a later `-c jit=on` there wins). Server-side cursors planned for all their rows
    (`cursor_tuple_fraction=1`): the app's only ones are the exports' streams, read to the end;
    planned for the first tenth (the default), the team matrix export at 1,000 staff took a
    nested-loop plan and 0.8 s instead of 0.27 s. And the app's cursor, which runs a read
    before a transaction's first write outside it (app/db_psycopg.py), unless one is given."""
    if not uri.startswith("postgresql"):
        return options
    from sqlalchemy.engine import make_url

    connect = dict(options.get("connect_args", {}))
    given = connect.get("options") or make_url(uri).query.get("options") or ""
    if isinstance(given, tuple):  # a repeated query parameter
        given = " ".join(given)
    connect["options"] = f"-c jit=off -c cursor_tuple_fraction=1 {given}".strip()
    if "cursor_factory" not in connect:  # reads outside a transaction (app/db_psycopg.py)
        from app.db_psycopg import ReadAwareCursor

        connect["cursor_factory"] = ReadAwareCursor
    return {**options, "connect_args": connect}


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number from `minimum` to `maximum`; a clear error naming the variable otherwise."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit() and minimum <= int(value) <= maximum):
        raise ValueError(f"{name} must be a whole number from {minimum} to {maximum}, "
                         f"not {value!r}")
    return int(value)


def _env(*names: str) -> dict:
    """The variables as they are set (stripped), None when empty."""
    return {name: (os.environ.get(name) or "").strip() or None for name in names}


def _redis_options() -> dict:
    """Give up on Redis within a second, without redis-py's retries (1.7 s per request while
    Redis is down): the limiter then counts in memory and checks back now and then."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)}


def load_settings(instance_path: str) -> dict:
    """Settings from the environment, with defaults for a laptop."""
    default_db = "sqlite:///" + str(Path(instance_path) / "sop_academy.db")
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or default_db
        ),
        # No `pool_pre_ping`: app/db_liveness.py checks each pooled connection without a
        # round trip (and pings one that sat idle).
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: count attempts in this process's memory instead (flask-limiter logs
        # "Rate limit storage unreachable - falling back to in-memory storage") and go back to
        # Redis once it answers again; never a 500 because of the limiter.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": _redis_options() if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": False,
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(Path(instance_path) / "uploads"),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR") or str(Path(instance_path) / "backups"),
        "READYZ_MIN_FREE_MB": int(os.environ.get("READYZ_MIN_FREE_MB", "200")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "MAX_VIDEO_MB": int(os.environ.get("MAX_VIDEO_MB", "500")),
        "MAX_AUDIO_MB": int(os.environ.get("MAX_AUDIO_MB", "50")),
        "MAX_PDF_MB": int(os.environ.get("MAX_PDF_MB", "50")),
        "MAX_IMAGE_MB": int(os.environ.get("MAX_IMAGE_MB", "10")),
        "MAX_EVIDENCE_PHOTO_MB": int(os.environ.get("MAX_EVIDENCE_PHOTO_MB", "10")),
        "WECOM_WEBHOOK_URL": os.environ.get("WECOM_WEBHOOK_URL") or None,
        # The address people open the app at (https://academy.example.cn): links in WeCom and
        # DingTalk messages, and the sign-in callbacks behind proxies (docs/wecom.md).
        "BASE_URL": os.environ.get("BASE_URL") or None,
        # WeCom (企业微信) self-built app: sign-in, directory, messages. Off unless the corp
        # id, agent id and secret are set (docs/wecom.md).
        **_env("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "WECOM_CONTACT_SECRET"),
        "WECOM_API_BASE": os.environ.get("WECOM_API_BASE") or "https://qyapi.weixin.qq.com",
        "WECOM_OAUTH_BASE": os.environ.get("WECOM_OAUTH_BASE") or "https://open.weixin.qq.com",
        "WECOM_SSO_BASE": os.environ.get("WECOM_SSO_BASE") or "https://login.work.weixin.qq.com",
        # DingTalk (钉钉) internal app: the same three, off unless key, secret and agent id are set
        **_env("DINGTALK_APP_KEY", "DINGTALK_APP_SECRET", "DINGTALK_AGENT_ID"),
        "DINGTALK_API_BASE": os.environ.get("DINGTALK_API_BASE") or "https://oapi.dingtalk.com",
        "DINGTALK_OAUTH_BASE": (os.environ.get("DINGTALK_OAUTH_BASE")
                                or "https://login.dingtalk.com"),
        "DINGTALK_NEW_API_BASE": (os.environ.get("DINGTALK_NEW_API_BASE")
                                  or "https://api.dingtalk.com"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER") or None,
        # The task queue (app/tasks.py, docs/webhooks.md): Redis when REDIS_URL is set, else a
        # SQLite file under instance/; HUEY_IMMEDIATE=1 runs tasks inline (no worker).
        "TASK_QUEUE": os.environ.get("TASK_QUEUE") or None,
        "TASK_QUEUE_FILE": os.environ.get("TASK_QUEUE_FILE") or None,
        "HUEY_IMMEDIATE": _bool("HUEY_IMMEDIATE", False),
        # PostgreSQL: the signed-in user kept per worker (services/kept_users.py); off behind
        # a pooler that cannot LISTEN (PgBouncer in transaction mode)
        "KEEP_SIGNED_IN_USERS": _bool("KEEP_SIGNED_IN_USERS", True),
        # HH:MM (TIMEZONE): the worker runs the daily reminders then (unset: cron does).
        "REMINDERS_AT": os.environ.get("REMINDERS_AT") or None,
        # Table downloads of more rows than this are built in the worker (docs/exports.md);
        # 0 turns that off. Their files are kept EXPORT_KEEP_HOURS.
        "EXPORT_ASYNC_ROWS": int(os.environ.get("EXPORT_ASYNC_ROWS", "5000")),
        "EXPORT_PROGRESS_EVERY": int(os.environ.get("EXPORT_PROGRESS_EVERY", "500")),
        "EXPORT_KEEP_HOURS": int(os.environ.get("EXPORT_KEEP_HOURS", "24")),
        # Seconds a webhook receiver has to answer (in the worker, never in a request).
        "WEBHOOK_TIMEOUT": float(os.environ.get("WEBHOOK_TIMEOUT", "5")),
        "REMINDER_DUE_SOON_DAYS": int(os.environ.get("REMINDER_DUE_SOON_DAYS", "2")),
        # A reminder claimed by a run that then crashed is sent by a run this much later.
        "REMINDER_CLAIM_MINUTES": int(os.environ.get("REMINDER_CLAIM_MINUTES", "15")),
        # A roster import, content sync or question import that crashed holds its lock so long.
        "JOB_LOCK_MINUTES": int(os.environ.get("JOB_LOCK_MINUTES", "30")),
        # The script coach (docs/coach.md): another term list, an optional AI reviewer.
        "COACH_TERMS_FILE": os.environ.get("COACH_TERMS_FILE") or None,
        "COACH_LLM_URL": os.environ.get("COACH_LLM_URL") or None,
        "COACH_LLM_MODEL": os.environ.get("COACH_LLM_MODEL") or None,
        "COACH_LLM_API_KEY": os.environ.get("COACH_LLM_API_KEY") or None,
        "COACH_LLM_TIMEOUT": float(os.environ.get("COACH_LLM_TIMEOUT", "10")),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": {"zh_CN": "简体中文", "en": "English"},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        # 在此设备上保持登录: how long the remember cookie keeps a device signed in
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int("REMEMBER_DAYS", 30, 1, 3650)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_HOURS", "12")) * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 5 minutes"),
        # Per account, whatever the address (docs/security-signin.md): this many failures
        # within the window lock the 工号 for LOGIN_LOCK_MINUTES, doubled at each further
        # lock up to LOGIN_LOCK_MAX_MINUTES.
        "LOGIN_LOCK_THRESHOLD": int(os.environ.get("LOGIN_LOCK_THRESHOLD", "5")),
        "LOGIN_LOCK_WINDOW_MINUTES": int(os.environ.get("LOGIN_LOCK_WINDOW_MINUTES", "15")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "5")),
        "LOGIN_LOCK_MAX_MINUTES": int(os.environ.get("LOGIN_LOCK_MAX_MINUTES", "60")),
        # `flask signins prune` deletes sign-in log rows older than this many days by default
        "SIGN_IN_LOG_DAYS": int(os.environ.get("SIGN_IN_LOG_DAYS", "180")),
        "ROSTER_MAX_ROWS": 5000,
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0")),
    }
