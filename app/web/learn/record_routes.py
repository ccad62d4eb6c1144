"""我的成绩: the employee's own learning record, and its downloads."""

from flask_login import current_user

from app.permissions import Permission, require
from app.web.learn import bp
from app.web.records import record_export, render_record


@bp.get("/record")
@require(Permission.LEARN)
def record():
    return render_record(current_user, mine=True)


@bp.get("/record/export")
@require(Permission.LEARN)
def record_download():
    return record_export(current_user)
