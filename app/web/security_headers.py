"""The security headers of every response: a Content-Security-Policy without inline script,
no framing by other sites, no MIME sniffing, a same-origin referrer, browser features off
(the camera only on the pages where evidence photos are taken), HSTS behind HTTPS.

docs/security-headers.md explains each header and why it is set this way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import Flask, current_app, request

# No inline script, no eval; styles only from our own CSS files (no style="" attributes in
# the templates either); images from us or data: URIs; media from us; nobody may frame us.
# default-src covers the rest (fetch, fonts, frames: our own only; no page frames a PDF).
CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

# A PDF runs no script of ours, and the browser's own viewer builds a page of inline styles
# and a plugin that the page policy would block (a blank or cut-off PDF in Chrome: Chromium
# issue 271452): PDFs are only kept from being framed.
PDF_CSP = "frame-ancestors 'none'"

FEATURES = ("accelerometer", "autoplay", "bluetooth", "display-capture", "geolocation",
            "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "serial",
            "usb", "xr-spatial-tracking")


@lru_cache(maxsize=2)
def permissions_policy(camera: bool) -> str:
    """Every powerful browser feature off; the camera for this site itself when `camera`."""
    denied = [f"{feature}=()" for feature in FEATURES]
    return ", ".join([f"camera={'(self)' if camera else '()'}", *denied])


def allows_camera(view: Callable) -> Callable:
    """View decorator (outermost): this page takes photos, so the camera is allowed on it."""
    view.allows_camera = True
    return view


def _camera_page(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "allows_camera", False))


def _set_headers(response):
    app = current_app._get_current_object()
    headers = response.headers
    headers.setdefault("Content-Security-Policy",
                       PDF_CSP if response.mimetype == "application/pdf" else CSP)
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = permissions_policy(_camera_page(app))
    if app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(_set_headers)
