"""SOP Academy: create_app(config) wires config → extensions → blueprints → cli → errors."""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import configure_mappers

from app import db_liveness, db_psycopg  # noqa: F401  (PostgreSQL connections: checked, prepared)
from app.config import engine_options, load_settings
from app.extensions import babel, csrf, db, limiter, login_manager, migrate


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, write-ahead log, wait instead of failing on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _secret_key(app: Flask) -> str:
    """SECRET_KEY is required in production; debug and tests get a local one."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    if app.testing:
        return "testing-secret-key"
    if app.debug:
        key_file = Path(app.instance_path) / "dev-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
        return key_file.read_text().strip()
    raise RuntimeError(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
        "string (python -c 'import secrets; print(secrets.token_hex(32))'), "
        "or run with --debug for local development."
    )


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_settings(app.instance_path))
    if config:
        app.config.update(config)
    app.config["SECRET_KEY"] = _secret_key(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    _init_extensions(app)
    from app.web.forms import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    _register_blueprints(app)

    from app.cli import register_cli
    from app.tasks import init_queue
    from app.web.errors import register_error_handlers
    from app.web.security_headers import register_security_headers
    from app.web.templating import register_template_helpers

    init_queue(app)
    register_cli(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (register every table with the metadata)

    # Every mapper set up now, not by a worker's first query: a fresh worker's first request
    # may make the signed-in user's objects from a row (services/loaded.py) before any query.
    configure_mappers()
    from app.web import request_costs
    from app.web.i18n import RequestDomain, babel_locale, install_template_gettext, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=babel_locale, timezone_selector=select_timezone)
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    request_costs.install(app)


def _register_blueprints(app: Flask) -> None:
    from app.web.admin import bp as admin_bp
    from app.web.api import bp as api_bp
    from app.web.auth import bp as auth_bp
    from app.web.certificates import bp as certificates_bp
    from app.web.coach import bp as coach_bp
    from app.web.export_jobs import bp as exports_bp
    from app.web.grading import bp as grading_bp
    from app.web.home import bp as home_bp
    from app.web.learn import bp as learn_bp
    from app.web.manage import bp as manage_bp
    from app.web.media import bp as media_bp
    from app.web.notifications import bp as notifications_bp
    from app.web.points import bp as points_bp
    from app.web.practice import bp as practice_bp
    from app.web.results import bp as results_bp
    from app.web.review import bp as review_bp
    from app.web.team import bp as team_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(learn_bp, url_prefix="/learn")
    app.register_blueprint(manage_bp, url_prefix="/manage")
    app.register_blueprint(team_bp, url_prefix="/team")
    app.register_blueprint(grading_bp, url_prefix="/grading")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(media_bp)
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(practice_bp, url_prefix="/practice")
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(coach_bp, url_prefix="/coach")
    app.register_blueprint(results_bp, url_prefix="/results")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(certificates_bp, url_prefix="/certificates")
    app.register_blueprint(points_bp, url_prefix="/points")
    app.register_blueprint(exports_bp, url_prefix="/exports")
