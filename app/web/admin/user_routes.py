"""Admin views for user accounts: list, create, edit, deactivate, reset password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.permissions import Permission, Role, require
from app.services import accounts, org, sign_in
from app.services.errors import DomainError
from app.services.importers.roster_export import UserFilters, user_query, users_table
from app.web.admin import bp
from app.web.admin.forms import ConfirmForm, UserForm
from app.web.exporting import table_download
from app.web.forms import attach_error, choices, db_int


@bp.get("/")
@require(Permission.MANAGE_USERS)
def index():
    count = lambda q: db.session.scalar(select(func.count()).select_from(q.subquery()))  # noqa: E731
    stats = {
        "hospitals": count(select(org.Hospital.id)),
        "departments": count(select(org.Department.id)),
        "positions": count(select(org.Position.id)),
        "active_users": count(select(User.id).where(User.active.is_(True))),
        "inactive_users": count(select(User.id).where(User.active.is_(False))),
        "must_change": count(select(User.id).where(User.active.is_(True),
                                                   User.must_change_password.is_(True))),
    }
    return render_template("admin/index.html", stats=stats)


def _filters() -> UserFilters:
    args = request.args
    return UserFilters(q=args.get("q") or "", department_id=args.get("department", type=db_int),
                       position_id=args.get("position", type=db_int), role=args.get("role"),
                       status=args.get("status", "active"))


def _user_query():
    return user_query(_filters()).options(joinedload(User.department),
                                          joinedload(User.position))


@bp.get("/users")
@require(Permission.MANAGE_USERS)
def users():
    page = db.paginate(_user_query(), page=request.args.get("page", 1, type=db_int),
                       per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, paths=org.department_paths(),
                           departments=org.department_options(),
                           positions=org.list_positions(), roles=list(Role),
                           args=request.args, filter_args=_filter_args())


def _filter_args() -> dict[str, str]:
    return {name: request.args[name] for name in ("q", "department", "position", "role", "status")
            if request.args.get(name)}


@bp.get("/users/export")
@require(Permission.MANAGE_USERS)
def users_export():
    """The filtered list in the roster's columns: edit it and import it again."""
    return table_download({"roster": (_("Roster"), users_table)}, "roster", _filters())


def _fill_choices(form: UserForm) -> None:
    ordered = org.department_options()
    form.department_id.choices = choices([(0, "—"), *ordered])
    form.position_id.choices = choices([(0, "—")] + [(p.id, p.name) for p in org.list_positions()])
    form.led_department_ids.choices = choices(ordered)


def _user_data(form: UserForm) -> accounts.UserData:
    return accounts.UserData(
        login=form.login.data, name=form.name.data, email=form.email.data,
        phone=form.phone.data, department_id=form.department_id.data or None,
        position_id=form.position_id.data or None, roles=set(form.roles.data or []),
        led_department_ids=set(form.led_department_ids.data or []),
        hire_date=form.hire_date.data or None,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user_new():
    form = UserForm()
    _fill_choices(form)
    if request.method == "GET":
        form.roles.data = [Role.EMPLOYEE.value]
    if form.validate_on_submit():
        try:
            user, password = accounts.create_user(
                _user_data(form), form.password.data or None,
                hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            return render_template("admin/password_issued.html", user=user, password=password,
                                   created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def user_edit(user_id: int):
    user = db.first_or_404(select(User).where(User.id == user_id)
                           .options(selectinload(User.led_departments)))
    form = UserForm(obj=user)
    _fill_choices(form)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.led_department_ids.data = [d.id for d in user.led_departments]
        form.department_id.data = user.department_id or 0
        form.position_id.data = user.position_id or 0
    if form.validate_on_submit():
        try:
            accounts.update_user(user, _user_data(form))
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user,
                           confirm=ConfirmForm(), lock=sign_in.lock_of(user, utcnow()))


@bp.post("/users/<int:user_id>/active")
@require(Permission.MANAGE_USERS)
def user_set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.set_active(user, request.form.get("active") == "1", current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Account activated.") if user.active else _("Account deactivated."),
                  "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/reset-password")
@require(Permission.MANAGE_USERS)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.user_edit", user_id=user.id))
    password = accounts.reset_password(
        user, hash_method=current_app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
    return render_template("admin/password_issued.html", user=user, password=password,
                           created=False)
