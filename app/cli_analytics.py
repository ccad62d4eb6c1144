"""`flask analytics rebuild [--check]`: the maintained figures of the quiz analytics
(app.services.analytics.taker_rows, table quiz_takers) recomputed from the attempts. The app
keeps them exact as attempts are graded; run this after loading attempts by other means (a
bulk import, a restore of part of the data) or, with --check, to compare without writing."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.services.analytics import taker_rows

analytics_cli = AppGroup("analytics", help="Maintained figures of the trainer analytics.")


@analytics_cli.command("rebuild")
@click.option("--check", is_flag=True,
              help="Compare the maintained rows with the recomputed ones; exit 1 if they differ.")
def analytics_rebuild_command(check: bool) -> None:
    """Recompute the quiz takers table from the attempts."""
    if check:
        extra, missing = taker_rows.differences()
        click.echo(_("Quiz takers: %(extra)d rows not in the attempts, %(missing)d missing.",
                     extra=len(extra), missing=len(missing)))
        if extra or missing:
            raise SystemExit(1)
        return
    rows = taker_rows.rebuild()
    db.session.commit()
    click.echo(_("Quiz takers rebuilt from the attempts: %(rows)d rows.", rows=rows))
