"""Views of the learn blueprint: reading and acknowledging SOP modules."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services.content import acknowledgement as ack
from app.services.content import recheck
from app.services.content.audience import find_sop_module
from app.services.content.reread import reread_plan
from app.services.errors import DomainError
from app.services.items.kinds import SOP
from app.services.quiz.quizzes import visible_quizzes
from app.web.forms import db_int
from app.web.learn import bp
from app.web.learn.task_routes import find_or_assigned


def _module_or_404(sop_slug: str):
    found = find_or_assigned(find_sop_module, SOP.key, sop_slug)
    if found is None:
        abort(404)
    return found


@bp.get("/sop/<sop_slug>")
@require(Permission.LEARN)
def sop(sop_slug: str):
    module, version = _module_or_404(sop_slug)
    state = ack.ack_state(current_user, module.id)
    changes = ack.changes_since(module.id, state.number) \
        if state.status == ack.AckStatus.REACK else []
    plan = reread_plan(module, version, state)
    return render_template("learn/sop.html", module=module, version=version, state=state,
                           steps=ack.version_steps(version), changes=changes, plan=plan,
                           recheck=recheck.recheck_for(current_user, module, version, plan),
                           Status=ack.AckStatus,
                           quizzes=visible_quizzes(current_user, sop_module_id=module.id))


@bp.post("/sop/<sop_slug>/acknowledge")
@require(Permission.LEARN)
def acknowledge(sop_slug: str):
    """阅读并确认 the version the learner read; a newer one published meanwhile is refused."""
    module, version = _module_or_404(sop_slug)
    here = url_for(".sop", sop_slug=module.slug)
    if request.form.get("version", type=db_int) != version.number:
        flash(_("A newer version of this SOP has been published. Read it, then confirm."),
              "error")
        return redirect(here)
    try:
        recheck.acknowledge(current_user, module, version)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(here)
    db.session.commit()
    flash(_("You confirmed version %(number)d.", number=version.number), "success")
    return redirect(here)


@bp.post("/sop/<sop_slug>/recheck")
@require(Permission.LEARN)
def start_recheck(sop_slug: str):
    """Start (or resume) the re-check of the steps changed since the learner's confirmation."""
    module, version = _module_or_404(sop_slug)
    try:
        attempt = recheck.start_recheck(current_user, module, version, utcnow())
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for(".sop", sop_slug=module.slug))
    db.session.commit()
    return redirect(url_for(".attempt", attempt_id=attempt.id))
