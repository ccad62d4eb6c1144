"""Admin views for API tokens (/api/v1 for BI tools): list, create (secret shown once),
revoke. Tokens read the whole organisation, so only MANAGE_ORG holders handle them."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import ApiToken
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services import api_tokens
from app.services.errors import DomainError
from app.web.admin import bp
from app.web.admin.forms import ConfirmForm
from app.web.admin.token_forms import SCOPE_LABELS, ApiTokenForm
from app.web.forms import attach_error, post_action


def _list_page(form: ApiTokenForm):
    return render_template("admin/api_tokens.html", form=form, tokens=api_tokens.list_tokens(),
                           scope_labels=SCOPE_LABELS, confirm=ConfirmForm())


@bp.get("/api-tokens")
@require(Permission.MANAGE_ORG)
def api_tokens_list():
    return _list_page(ApiTokenForm())


@bp.post("/api-tokens")
@require(Permission.MANAGE_ORG)
def api_token_create():
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            token, secret = api_tokens.create_token(current_user, form.name.data,
                                                    form.scopes.data or [], utcnow())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            response = render_template("admin/api_token_issued.html", token=token,
                                       secret=secret, scope_labels=SCOPE_LABELS)
            return response, 200, {"Cache-Control": "no-store"}
    return _list_page(form)


@bp.post("/api-tokens/<int:token_id>/revoke")
@require(Permission.MANAGE_ORG)
def api_token_revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    return post_action(ConfirmForm(), lambda: api_tokens.revoke(current_user, token, utcnow()),
                       url_for("admin.api_tokens_list"), _("Token revoked."))
