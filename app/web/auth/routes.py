"""Views of the auth blueprint."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME

from app.extensions import db, limiter, login_manager
from app.models import User
from app.services import accounts
from app.services.errors import DomainError
from app.web.auth import bp
from app.web.auth.forms import LanguageForm, LoginForm, LogoutForm, PasswordForm
from app.web.auth.sign_in_view import failure_message, try_sign_in
from app.web.forms import MAX_ID, attach_error, safe_next

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in first.")
login_manager.login_message_category = "info"

# Pages a user who must change their password may still open.
OPEN_DURING_PASSWORD_CHANGE = {
    "auth.change_password", "auth.logout", "auth.set_language", "static",
    "home.healthz", "home.readyz",
}


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """The user of a session or remember cookie's "<id>:<session version>" (User.get_id).
    Anything else is signed out: a version raised since (sign-out, password change or reset,
    deactivation), a deactivated account, a plain "<id>" issued before session versions."""
    user_id, _sep, version = login_id.partition(":")
    if not all(part.isascii() and part.isdigit() for part in (user_id, version)):
        return None
    if int(user_id) > MAX_ID:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _remember_cookie() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)


@bp.after_app_request
def forget_ended_sign_in(response):
    """A session or remember cookie whose sign-in has ended is forgotten (the remember cookie
    deleted), instead of being looked up again on every request. Only where this request
    already looked for the user: static files never touch the database."""
    user = g.get("_login_user")
    if user is None or user.is_authenticated or g.get("sign_in_unknown"):
        return response  # (unknown: the database did not answer, see web/errors.py)
    session.pop("_user_id", None)
    if _remember_cookie() in request.cookies:
        session["_remember"] = "clear"  # Flask-Login deletes the cookie after this hook
    return response


@bp.before_app_request
def require_password_change():
    if request.endpoint in OPEN_DURING_PASSWORD_CHANGE:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


def _failure_key() -> str:
    login = (request.form.get("login") or "").strip().lower()[:64]
    return f"{request.remote_addr}|{login}"


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMIT"], methods=["POST"],
               key_func=_failure_key, deduct_when=_failed)
@limiter.limit("100 per 5 minutes", methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        attempt = try_sign_in(form.login.data, form.password.data)
        user = attempt.user
        if user is None:
            db.session.commit()  # the failed attempt is logged and counted
            form.form_errors.append(failure_message(attempt))
        else:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("home.index")))
    return render_template("auth/login.html", form=form)


def _sign_out() -> None:
    """End every session of the account, everywhere (copied cookies included: the session
    version is raised), then this one: the session emptied but for the language, and the
    remember cookie deleted (logout_user comes after the clearing, so that its mark telling
    Flask-Login to delete the cookie is kept)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    logout_user()


@bp.post("/logout")
def logout():
    if LogoutForm().validate_on_submit():
        _sign_out()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/sessions/end")
@login_required
def sign_out_everywhere():
    """退出所有设备: every browser and phone signed in to the account, this one included."""
    if LogoutForm().validate_on_submit():
        _sign_out()
        flash(_("You have signed out on all devices."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.profile"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data,
                                     form.new_password.data, form.confirm_password.data,
                                     hash_method=current_app.config["PASSWORD_HASH_METHOD"])
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            _sign_in_again(current_user._get_current_object())
            flash(_("Your password has been changed. Every other device has been signed "
                    "out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


def _sign_in_again(user: User) -> None:
    """After the account's sessions were ended by the user's own password change, this device
    stays signed in under the new session version, and stays remembered if it was."""
    remembered = (_remember_cookie() in request.cookies
                  and session.get("_remember") != "clear")
    login_user(user, remember=remembered)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(safe_next(form.next.data, url_for("home.index")))


@bp.get("/profile")
@login_required
def profile():
    return render_template("auth/profile.html", user=current_user)
