"""Views of the learn blueprint."""

from flask import render_template
from flask_login import current_user

from app.permissions import Permission, require
from app.web.learn import bp


@bp.get("/")
@require(Permission.LEARN)
def index():
    return render_template("learn/index.html", user=current_user)
