"""系统管理 → 通讯录同步: each provider's status, the sync (预览 / 立即同步, the same report as
`flask wecom sync`), the mapping of top-level departments to 院区, of unknown 职务 to 岗位,
and the upload of people's userids (docs/wecom.md, "Directory sync")."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.permissions import Permission, require
from app.services import locks
from app.services.directory_sync import sync_directory
from app.services.directory_sync.departments import top_level
from app.services.directory_sync.mappings import aliases, import_userids, map_hospital, map_position
from app.services.errors import DomainError
from app.services.identity import registry
from app.services.identity.base import DirectoryDepartment, Provider
from app.services.identity.errors import ProviderError
from app.services.org import list_hospitals, list_positions
from app.web.admin import bp
from app.web.forms import db_int


@dataclass
class ProviderStatus:
    provider: Provider
    configured: bool
    top_level: list[DirectoryDepartment]
    error: str | None
    mapped: dict[str, int]  # top-level department id → hospital id


def _status(provider: Provider, read: bool) -> ProviderStatus:
    config = current_app.config
    configured, tops, error = provider.configured(config), [], None
    if configured and read:
        try:
            tops = top_level(provider, provider.directory(config).departments())
        except ProviderError as problem:
            error = problem.for_admins()
    column = provider.department_column
    mapped = {getattr(h, column): h.id for h in list_hospitals() if getattr(h, column)}
    return ProviderStatus(provider, configured, tops, error, mapped)


def _page(report=None, userid_report=None, read: bool = True):
    return render_template(
        "admin/directory.html", report=report, userid_report=userid_report,
        statuses=[_status(p, read) for p in registry.PROVIDERS.values()],
        hospitals=list_hospitals(), positions=list_positions(), aliases=aliases())


def _provider(name: str) -> Provider:
    provider = registry.get(name)
    if provider is None:
        abort(404)
    return provider


def _int(name: str) -> int | None:
    try:
        return db_int(request.form.get(name) or "")
    except ValueError:
        return None


@bp.get("/directory")
@require(Permission.MANAGE_USERS)
def directory():
    return _page()


@bp.post("/directory/<provider_name>/sync")
@require(Permission.MANAGE_USERS)
def directory_sync(provider_name: str):
    provider = _provider(provider_name)
    if not provider.configured(current_app.config):
        flash(_("%(provider)s is not configured (docs/wecom.md).", provider=provider.label),
              "error")
        return redirect(url_for("admin.directory"))
    dry_run = request.form.get("dry_run") == "1"
    try:
        with locks.held(f"directory-sync:{provider.name}", enabled=not dry_run,
                        minutes=current_app.config["JOB_LOCK_MINUTES"]):
            report = sync_directory(provider, current_app.config, dry_run=dry_run)
            if report.errors or dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    except DomainError as busy:
        db.session.rollback()
        flash(str(busy), "error")
        return redirect(url_for("admin.directory"))
    except IntegrityError:  # someone changed the same rows at that moment
        db.session.rollback()
        flash(_("Someone changed the same records at the same moment; nothing was written. "
                "Run the command again."), "error")
        return redirect(url_for("admin.directory"))
    return _page(report=report, read=not report.errors)


@bp.post("/directory/<provider_name>/hospitals")
@require(Permission.MANAGE_USERS)
def directory_hospital(provider_name: str):
    provider = _provider(provider_name)
    return _saved(lambda: map_hospital(provider, request.form.get("department_id", ""),
                                       _int("hospital_id")),
                  _("Saved. The departments below it move there at the next sync."))


@bp.post("/directory/positions")
@require(Permission.MANAGE_USERS)
def directory_position():
    return _saved(lambda: map_position(request.form.get("name", ""), _int("position_id")),
                  _("Saved. The next sync gives this position to those who hold it."))


def _saved(change, message: str):
    """Apply one mapping change and commit, or roll back and show why; back to the page."""
    try:
        change()
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("admin.directory"))


@bp.post("/directory/<provider_name>/userids")
@require(Permission.MANAGE_USERS)
def directory_userids(provider_name: str):
    provider = _provider(provider_name)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file with the columns 工号 and userid."), "error")
        return redirect(url_for("admin.directory"))
    try:
        report = import_userids(provider, upload.filename, upload.read())
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("admin.directory"))
    if report.errors:
        db.session.rollback()
    else:
        db.session.commit()
    return _page(userid_report=report, read=False)
