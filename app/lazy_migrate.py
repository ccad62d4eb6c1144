"""Flask-Migrate, imported when a migration runs rather than with the app.

Flask-Migrate imports Alembic, which imports Mako and Pygments: about 11 MB in every gunicorn
worker, where nothing migrates. `LazyMigrate.init_app` registers what Flask-Migrate's own
`init_app` would — the `flask db` command group and ``app.extensions["migrate"]`` — as
stand-ins that load Flask-Migrate on first use (a `flask db …` command, `flask_migrate.upgrade()`,
Alembic's env.py reading ``.db`` or ``.configure_args``), then hand over to the real ones.
``app.extensions["migrate"].directory`` is known without loading anything.
"""

from __future__ import annotations

import click


class LazyMigrate:
    def __init__(self, **alembic_options):
        self.options = alembic_options

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _Config(self, app, db, directory)
        app.cli.add_command(_Commands(self, app), name="db")

    def load(self, app):
        """The real Flask-Migrate on `app` (it replaces the stand-ins); its config."""
        stand_in = app.extensions["migrate"]
        if isinstance(stand_in, _Config):
            from flask_migrate import Migrate

            Migrate(**self.options).init_app(app, stand_in.db_, directory=stand_in.directory)
        return app.extensions["migrate"]


class _Config:
    """Stands in for Flask-Migrate's ``_MigrateConfig`` until an attribute besides
    `directory` is read."""

    def __init__(self, owner: LazyMigrate, app, db, directory: str):
        self.owner, self.app, self.db_, self.directory = owner, app, db, directory

    def __getattr__(self, name: str):
        return getattr(self.owner.load(self.app), name)


class _Commands(click.Group):
    """`flask db`: hands the command line to Flask-Migrate's own group, loaded then."""

    def __init__(self, owner: LazyMigrate, app):
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")
        self.owner, self.app = owner, app

    def make_context(self, info_name, args, parent=None, **extra):
        self.owner.load(self.app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)
