"""`flask analytics rebuild [--check]`: the maintained figures of the quiz analytics and the
team dashboard (app.services.analytics.taker_rows, answer_tallies and person_tallies, tables
quiz_takers, quiz_answer_tallies and quiz_question_person_tallies) recomputed from the
attempts. The app keeps them exact as attempts are graded; run this after loading attempts by
other means (a bulk import, a restore of part of the data) or, with --check, to compare
without writing."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.services.analytics import answer_tallies, person_tallies, taker_rows

analytics_cli = AppGroup("analytics", help="Maintained figures of the trainer analytics.")


@analytics_cli.command("rebuild")
@click.option("--check", is_flag=True,
              help="Compare the maintained rows with the recomputed ones; exit 1 if they differ.")
def analytics_rebuild_command(check: bool) -> None:
    """Recompute the quiz takers, their answer tallies and the people's question tallies from
    the attempts."""
    if check:
        extra, missing = taker_rows.differences()
        click.echo(_("Quiz takers: %(extra)d rows not in the attempts, %(missing)d missing.",
                     extra=len(extra), missing=len(missing)))
        tally_extra, tally_missing = answer_tallies.differences()
        click.echo(_("Answer tallies: %(extra)d rows not in the attempts, %(missing)d missing.",
                     extra=len(tally_extra), missing=len(tally_missing)))
        person_extra, person_missing = person_tallies.differences()
        click.echo(_("Question tallies per person: %(extra)d rows not in the attempts, "
                     "%(missing)d missing.", extra=len(person_extra),
                     missing=len(person_missing)))
        if any((extra, missing, tally_extra, tally_missing, person_extra, person_missing)):
            raise SystemExit(1)
        return
    rows = taker_rows.rebuild()
    tallies = answer_tallies.rebuild()
    person_rows = person_tallies.rebuild()
    db.session.commit()
    click.echo(_("Quiz takers rebuilt from the attempts: %(rows)d rows.", rows=rows))
    click.echo(_("Answer tallies rebuilt from the takers: %(rows)d rows.", rows=tallies))
    click.echo(_("Question tallies per person rebuilt from the attempts: %(rows)d rows.",
                 rows=person_rows))
