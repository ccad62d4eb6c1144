"""The check-in / check-out QR code of a class session.

The code is a URL carrying a token: the first 20 hex digits of HMAC-SHA256(SECRET_KEY,
"session id:action:window"), where the window is the Unix time divided by 30 s. A token is
accepted in its own window and the next one, so a code is good for 30–60 s: a photo sent to
a friend stops working within a minute, while someone who scans at the end of a window
still has time to tap the button. The trainer's page fetches a fresh image every 30 s.

The image is an SVG drawn here by `segno` (pure Python, no native code, maintained, SVG
output built in), served from our own origin: nothing leaves the server.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from datetime import datetime

import segno
from flask import current_app

WINDOW_SECONDS = 30
ACTIONS = ("in", "out")


def window(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def seconds_left(now: datetime) -> int:
    """Seconds until the code changes."""
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def token(session_id: int, action: str, at_window: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"class-session:{session_id}:{action}:{at_window}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def current_token(session_id: int, action: str, now: datetime) -> str:
    return token(session_id, action, window(now))


def token_valid(session_id: int, action: str, given: str | None, now: datetime) -> bool:
    """True for the token of the current window or of the previous one."""
    if action not in ACTIONS or not given or len(given) != 20:
        return False
    current = window(now)
    return any(hmac.compare_digest(token(session_id, action, at), given)
               for at in (current, current - 1))


def svg(url: str) -> bytes:
    """The QR code of `url` as a standalone SVG document."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False,
                                    dark="#111", light="#fff")
    return out.getvalue()
