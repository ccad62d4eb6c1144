"""A local webhook receiver (an HTTP server on 127.0.0.1) that keeps each request's raw body
and headers, as a receiver must to check the signature; and that check, as docs/webhooks.md
tells receivers to write it."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, headers, body: bytes, now: float | None = None,
           tolerance: int = 300) -> bool:
    """The receiver's check from docs/webhooks.md, word for word."""
    timestamp = headers["X-SOPA-Timestamp"]
    if abs((now or time.time()) - int(timestamp)) > tolerance:
        return False  # too old (or from the future): maybe a replayed capture
    expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-SOPA-Signature"])


class Receiver:
    """`with Receiver() as receiver:` — `receiver.url`, `receiver.received` (headers, raw
    body); `receiver.statuses`: statuses to answer first (then 204); `receiver.delay`."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(receiver.delay)
                receiver.received.append((self.headers, body))  # names: any case
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/sop-academy"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
