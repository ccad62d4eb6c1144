"""Serving uploaded media to those who may read an item that uses it (services.media_access),
with HTTP Range for seeking in videos; the answer to an upload posted by app.js."""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, request, send_file
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Media
from app.models.base import utcnow
from app.services.media import KINDS, UploadSettings, media_path
from app.services.media_access import may_read_media

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


# The types uploads accept (services.media.KINDS): none is run by a browser, so they are shown
# inline; any other type (a row written some other way) is only ever downloaded.
INLINE_TYPES = frozenset(mime for kind in KINDS.values() for mime in kind.extensions.values())


@bp.get("/media/<int:media_id>")
@login_required
def serve(media_id: int):
    """The file, to whoever may read an item that uses it; a 404 for everyone else (the same
    answer as for an id that does not exist, so ids cannot be probed)."""
    media = db.session.get(Media, media_id)
    if media is None or not may_read_media(current_user, media, utcnow()):
        abort(404)
    path = media_path(media, upload_settings())
    if not os.path.exists(path):
        abort(404)
    inline = media.mime in INLINE_TYPES
    response = send_file(path, mimetype=media.mime if inline else "application/octet-stream",
                         as_attachment=not inline, conditional=True, max_age=3600,
                         download_name=media.original_name)
    response.cache_control.public = False
    response.cache_control.private = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
