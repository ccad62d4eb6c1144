"""`flask certificates issue [--json]`: issue every certificate earned and not yet issued
(app.services.certificates). Idempotent and safe beside the web app: run it from cron.

`flask certificates expire [--json]`: renew completed re-certifications, then give everyone
whose certificate expired a re-certification assignment (exactly once, even when two runs
race: app.services.certificate_expiry). Run daily, before `reminders send`."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.extensions import db
from app.models import Certificate
from app.models.base import utcnow
from app.services.certificate_expiry import run_expiry
from app.services.certificates import issue_due_certificates
from app.services.items import kinds_for

certificates_cli = AppGroup("certificates", help="Certificates of completion.")


@certificates_cli.command("issue")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def certificates_issue_command(as_json: bool) -> None:
    """Issue the certificates of every completed course and learning path."""
    issued = issue_due_certificates(utcnow())
    db.session.commit()
    by_kind = {kind.key: 0 for kind in kinds_for(Certificate)}
    for certificate in issued:
        by_kind[certificate.kind] += 1
    if as_json:
        click.echo(json.dumps({"issued": len(issued), "by_kind": by_kind}, ensure_ascii=False))
        return
    click.echo(_("Certificates issued: %(count)d (courses: %(courses)d, learning paths: "
                 "%(paths)d).", count=len(issued), courses=by_kind["course"],
                 paths=by_kind["path"]))


@certificates_cli.command("expire")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def certificates_expire_command(as_json: bool) -> None:
    """Renew completed re-certifications and start one for each expired certificate."""
    report = run_expiry(utcnow())
    db.session.commit()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(_("Certificates renewed: %(renewed)d; re-certifications started: %(started)d.",
                 renewed=report["renewed"], started=report["recertifications"]))
