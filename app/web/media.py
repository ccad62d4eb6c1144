"""Serving uploaded media to signed-in users, with HTTP Range for seeking in videos; the
answer to an upload posted by app.js."""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import login_required

from app.extensions import db
from app.models import Media
from app.services.media import UploadSettings, media_path

bp = Blueprint("media", __name__)


def upload_settings() -> UploadSettings:
    """The upload folder and size limits of this app, for the services that store files."""
    return UploadSettings.from_config(current_app.config)


@bp.after_app_request
def _upload_redirect(response):
    """An upload sent by app.js (X-Upload-Progress, to show its progress) is told where to go
    in X-Location instead of being redirected: XMLHttpRequest would follow the redirect
    itself and use up the message the next page is to show."""
    if request.headers.get("X-Upload-Progress") == "1" and response.status_code in (
            301, 302, 303) and response.location:
        response.headers["X-Location"] = response.location
        del response.headers["Location"]
        response.status_code = 200
        response.set_data(b"")
    return response


@bp.get("/media/<int:media_id>")
@login_required
def serve(media_id: int):
    media = db.get_or_404(Media, media_id)
    path = media_path(media, upload_settings())
    if not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype=media.mime, conditional=True, max_age=3600,
                     download_name=media.original_name)
