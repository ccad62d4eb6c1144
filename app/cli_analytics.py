"""`flask analytics rebuild [--check]`: the maintained figures of the quiz analytics
(app.services.analytics.taker_rows and answer_tallies, tables quiz_takers and
quiz_answer_tallies) recomputed from the attempts. The app
keeps them exact as attempts are graded; run this after loading attempts by other means (a
bulk import, a restore of part of the data) or, with --check, to compare without writing."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.services.analytics import answer_tallies, taker_rows

analytics_cli = AppGroup("analytics", help="Maintained figures of the trainer analytics.")


@analytics_cli.command("rebuild")
@click.option("--check", is_flag=True,
              help="Compare the maintained rows with the recomputed ones; exit 1 if they differ.")
def analytics_rebuild_command(check: bool) -> None:
    """Recompute the quiz takers and their answer tallies from the attempts."""
    if check:
        extra, missing = taker_rows.differences()
        click.echo(_("Quiz takers: %(extra)d rows not in the attempts, %(missing)d missing.",
                     extra=len(extra), missing=len(missing)))
        tally_extra, tally_missing = answer_tallies.differences()
        click.echo(_("Answer tallies: %(extra)d rows not in the attempts, %(missing)d missing.",
                     extra=len(tally_extra), missing=len(tally_missing)))
        if extra or missing or tally_extra or tally_missing:
            raise SystemExit(1)
        return
    rows = taker_rows.rebuild()
    tallies = answer_tallies.rebuild()
    db.session.commit()
    click.echo(_("Quiz takers rebuilt from the attempts: %(rows)d rows.", rows=rows))
    click.echo(_("Answer tallies rebuilt from the takers: %(rows)d rows.", rows=tallies))
