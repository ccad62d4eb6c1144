"""系统管理 → 隐私检查: how many clients' phone and ID-card numbers are left in stored text,
per table (counts only, never the texts); cleaning is `flask privacy scan --mask`
(docs/privacy.md "Text stored before the guard"). Read-only: the check runs only when asked
(a large database takes a while), and writes nothing."""

from __future__ import annotations

from flask import render_template, request

from app.permissions import Permission, require
from app.services.privacy_fields import STORED_TEXT
from app.services.privacy_scan import counts, scan
from app.web.admin import bp


@bp.get("/privacy")
@require(Permission.MANAGE_USERS)
def privacy_check():
    lines = counts(scan()) if request.args.get("run") == "1" else None
    return render_template("admin/privacy.html", lines=lines,
                           entries=STORED_TEXT if lines is None else ())
