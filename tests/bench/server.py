"""gunicorn with the app on the benchmark database: production-like (no debug, a real
SECRET_KEY, sync workers), on a free local port."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, database_url: str, workers: int, timeout: int, log: Path):
        self.port = free_port()
        self.database_url, self.workers, self.timeout, self.log = (
            database_url, workers, timeout, log)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = dict(os.environ, DATABASE_URL=self.database_url,
                   SECRET_KEY=secrets.token_hex(32), PYTHONUNBUFFERED="1")
        env.pop("FLASK_DEBUG", None)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
             "--timeout", str(self.timeout), "--access-logfile", "-", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:  # __exit__ is not called when __enter__ fails: stop it here
            self.__exit__()
            raise
        return self

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz in {seconds} s; see {self.log}")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker now (Linux /proc), in MB."""
        found = []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        for pid in children.read_text().split() if children.exists() else []:
            status = Path(f"/proc/{pid}/status")
            for line in status.read_text().splitlines() if status.exists() else []:
                if line.startswith("VmRSS:"):
                    found.append(round(int(line.split()[1]) / 1024, 1))
        return found

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log_file.close()
