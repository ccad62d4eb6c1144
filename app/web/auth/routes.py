"""Views of the auth blueprint."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_login.config import COOKIE_NAME

from app.extensions import db, limiter, login_manager
from app.models import User
from app.models.base import utcnow
from app.services import accounts, devices
from app.services.device_names import device_name
from app.services.errors import DomainError
from app.services.identity import registry as identity
from app.web.auth import bp
from app.web.auth.devices_view import current_device, lifetimes, sign_in_device
from app.web.auth.forms import LanguageForm, LoginForm, LogoutForm, PasswordForm
from app.web.auth.sign_in_view import failure_message, try_sign_in
from app.web.forms import attach_error, safe_next

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in first.")
login_manager.login_message_category = "info"

# Pages a user who must change their password may still open.
OPEN_DURING_PASSWORD_CHANGE = {
    "auth.change_password", "auth.logout", "auth.set_language", "static",
    "home.healthz", "home.readyz",
}


def _remember_cookie() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)


@bp.after_app_request
def forget_ended_sign_in(response):
    """A session or remember cookie whose sign-in has ended is forgotten (the remember cookie
    deleted), instead of being looked up again on every request. Only where this request
    already looked for the user: static files never touch the database. (`is_anonymous`, not
    `is_authenticated`: a user found at the start of the request was signed in, and asking
    `is_active` after the view's commit would read the user again.)"""
    user = g.get("_login_user")
    # is_anonymous, not is_authenticated: that reads `active`, which after the view's commit
    # would load the user (and roles) again
    if user is None or not user.is_anonymous or g.get("sign_in_unknown"):
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
        device = current_device()
        if device is not None and device.method != "password":
            return None  # signed in through WeCom / DingTalk: no password to change here
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
    in_app = _provider_app()
    if in_app is not None:  # inside WeCom (DingTalk): sign in through it by itself
        return redirect(url_for(f"auth.{in_app.name}_login", next=request.args.get("next")))
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
            sign_in_device(user, remember=bool(form.remember.data))
            db.session.commit()
            return redirect(safe_next(form.next.data, url_for("home.index")))
    return render_template("auth/login.html", form=form,
                           providers=identity.configured(current_app.config))


def _provider_app() -> identity.Provider | None:
    """The configured provider whose app this browser is (its user agent says so), on a
    plain GET of the sign-in page; never with ?password=1 (password sign-in stays reachable)."""
    if request.method != "GET" or request.args.get("password"):
        return None
    agent = request.user_agent.string or ""
    return next((p for p in identity.configured(current_app.config) if p.in_app(agent)), None)


def _sign_out(everywhere: bool = False) -> None:
    """End this device's sign-in (its copied cookies too), or every device of the account;
    then this browser's: the session emptied but for the language, and the remember cookie
    deleted (logout_user comes after the clearing, so that its mark telling Flask-Login to
    delete the cookie is kept)."""
    device = current_device()
    if everywhere and current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
    elif device is not None:
        devices.end(device, utcnow())
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    logout_user()


@bp.post("/logout")
def logout():
    """退出登录: this device only; the person's other devices stay signed in."""
    if LogoutForm().validate_on_submit():
        _sign_out()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/sessions/end")
@login_required
def sign_out_everywhere():
    """退出所有设备: every browser and phone signed in to the account, this one included."""
    if LogoutForm().validate_on_submit():
        _sign_out(everywhere=True)
        flash(_("You have signed out on all devices."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.profile"))


@bp.post("/devices/<int:device_id>/end")
@login_required
def end_device(device_id: int):
    """退出 on one of the person's other devices in the profile's list."""
    device = devices.device_of(current_user, device_id)
    if device is None:
        abort(404)
    if LogoutForm().validate_on_submit():
        this = current_device()
        if this is not None and this.id == device.id:
            _sign_out()
            flash(_("You have signed out."), "info")
            return redirect(url_for("auth.login"))
        devices.end(device, utcnow())
        db.session.commit()
        flash(_("That device has been signed out."), "success")
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
            _sign_in_again(current_user._get_current_object())
            db.session.commit()
            flash(_("Your password has been changed. Every other device has been signed "
                    "out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


def _sign_in_again(user: User) -> None:
    """After the user's own password change ended every device of the account, this one stays
    signed in as a new device (a new token: copies of its old cookies stay out), remembered if
    it was."""
    device = current_device()
    sign_in_device(user, remember=bool(device is not None and device.remember),
                   method=device.method if device is not None else "password")


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
    this = current_device()
    signed_in = devices.devices_of(current_user, utcnow(), lifetimes())
    return render_template("auth/profile.html", user=current_user, devices=signed_in,
                           this_device_id=this.id if this is not None else None,
                           device_name=device_name)
