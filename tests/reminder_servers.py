"""Local stand-ins for the outside services reminders talk to: a WeCom group robot (an HTTP
server on 127.0.0.1) and a mail server (aiosmtpd), each collecting what it received."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

OK = (200, {"errcode": 0, "errmsg": "ok"})


class Robot:
    """`with Robot() as robot:` — `robot.url(key)`, `robot.received` (path, headers, JSON
    body), `robot.replies`: (status, JSON) answers to give first, then OK; `robot.delay`:
    seconds to think before each answer (a slow network)."""

    def __init__(self):
        self.received: list[tuple[str, dict, dict]] = []
        self.replies: list[tuple[int, dict]] = []
        self.delay = 0.0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server naming)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.received.append((self.path, dict(self.headers), json.loads(body)))
                time.sleep(robot.delay)
                status, answer = robot.replies.pop(0) if robot.replies else OK
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, key: str = "robot-key-0001") -> str:
        return f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key={key}"

    def contents(self) -> list[str]:
        return [body["markdown"]["content"] for _path, _headers, body in self.received]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class MailSink:
    """`with MailSink() as sink:` — an SMTP server on `sink.port`; `sink.messages` are the
    parsed messages, `sink.envelopes` (sender, recipients)."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd naming)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def free_port() -> int:
    """A port nothing listens on (just released by the operating system)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
