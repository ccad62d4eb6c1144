"""我的证书, one certificate as a page and as a PDF, and the public verification pages."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user

from app.extensions import db, limiter
from app.models.base import utcnow
from app.permissions import Permission, require
from app.services import certificates
from app.services.certificate_validity import validity_of
from app.services.errors import NotFound
from app.web.certificates import bp
from app.web.certificates.text import certificate_view, pdf_text

DEFAULT_VERIFY_LIMIT = "30 per minute"
verify_limit = limiter.shared_limit(
    lambda: current_app.config.get("CERTIFICATE_VERIFY_LIMIT", DEFAULT_VERIFY_LIMIT),
    scope="certificate-verify")


@bp.get("/")
@require(Permission.LEARN)
def index():
    certificates.issue_due_certificates(utcnow(), [current_user.id])
    db.session.commit()
    return render_template("certificates/index.html",
                           certificates=certificates.certificates_of(current_user.id))


def _certificate_or_404(certificate_id: int):
    try:
        return certificates.certificate_for(current_user, certificate_id)
    except NotFound:
        abort(404)


@bp.get("/<int:certificate_id>")
@require(Permission.LEARN)
def show(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    return render_template("certificates/show.html", certificate=certificate,
                           view=certificate_view(certificate))


@bp.get("/<int:certificate_id>.pdf")
@require(Permission.LEARN)
def pdf(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    # reportlab and fontTools (~4 MB) load with the first PDF a worker draws
    from app.services.certificate_pdf import render_pdf

    body = render_pdf(pdf_text(certificate_view(certificate), certificate.kind))
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="certificate-{certificate.code}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/verify")
@verify_limit
def verify():
    typed = request.args.get("code")
    code = certificates.normalise_code(typed)
    if code is not None:
        return redirect(url_for(".verify_code", code=code))
    return render_template("certificates/verify.html", typed=typed, invalid=bool(typed))


@bp.get("/verify/<code>")
@verify_limit
def verify_code(code: str):
    found = certificates.verify(code)
    shown = None
    if found is not None:  # the name, the title, the date and whether it is still valid
        state = validity_of(found.expires_at, utcnow())
        shown = {"name": found.user.name, "title": found.title,
                 "date": format_date(found.issued_at, "long"), "state": state.value,
                 "until": format_date(found.expires_at, "long") if found.expires_at else ""}
    return render_template("certificates/verify.html", checked=True, found=shown,
                           typed=code[:64]), (200 if shown else 404)
