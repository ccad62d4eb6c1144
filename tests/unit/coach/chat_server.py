"""A stand-in for an OpenAI-compatible chat-completions endpoint on 127.0.0.1, collecting
what it received (the style of tests/reminder_servers.py)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def completion(content: str) -> dict:
    """A chat-completions answer whose message is `content`."""
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}]}


class ChatServer:
    """`with ChatServer() as server:` — `server.url`, `server.received` (path, headers, JSON
    body); `server.replies`: (status, body, delay seconds) to give, in order; body is a dict
    (sent as JSON) or raw bytes. With no reply left: an empty list of findings."""

    def __init__(self):
        self.received: list[tuple[str, dict, dict]] = []
        self.replies: list[tuple[int, object, float]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append((self.path, dict(self.headers), json.loads(body)))
                status, answer, delay = server.replies.pop(0) if server.replies else (
                    200, completion('{"findings": []}'), 0)
                time.sleep(delay)
                payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
