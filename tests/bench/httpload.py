"""A small load tool (there is no wrk here): threads, each with its own keep-alive
http.client connection, spread over a few processes so the client is not held by one GIL.

A job is a list of requests one thread sends in turn (again and again, or once each:
prepared attempts are submitted once). No request starts after the duration; those in
flight are waited for (a report slower than the duration still counts once). Each request
must answer its expected status; anything else, or a dropped connection, is an error.
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import socket
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    cookie: str = ""
    form: tuple = ()  # ((name, value), …)
    expect: int = 200
    accept: str = "text/html"

    def send(self, conn: http.client.HTTPConnection) -> tuple[int, bytes]:
        headers = {"Accept": self.accept, "User-Agent": "sop-bench"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if self.method == "POST":
            body = urlencode(self.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(self.method, self.path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()


@dataclass(frozen=True)
class Job:
    requests: tuple[Req, ...]
    repeat: bool = True


@dataclass
class Measurement:
    count: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    exhausted: bool = False

    @property
    def rate(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict:
        return {"requests": self.count, "errors": self.errors,
                "seconds": round(self.elapsed, 2), "rps": round(self.rate, 2),
                "p50_ms": _ms(self.percentile(50)), "p99_ms": _ms(self.percentile(99)),
                "mean_ms": _ms(statistics.fmean(self.latencies) if self.latencies else None),
                "exhausted": self.exhausted, "error_samples": self.error_samples[:5]}


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


# gunicorn kills a request after its --timeout (30 s): a reply slower than this never comes
REQUEST_TIMEOUT = 60


def _thread(host: str, port: int, job: Job, stop_at: float, out: Measurement,
            lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    latencies, errors, samples, index = [], 0, [], 0
    while time.monotonic() < stop_at:
        if index >= len(job.requests):
            if not job.repeat:
                break
            index = 0
        req = job.requests[index]
        index += 1
        began = time.perf_counter()
        try:
            status, _body = req.send(conn)
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            errors += 1
            samples.append(f"{req.path}: {error!r}")
            continue
        latencies.append(time.perf_counter() - began)
        if status != req.expect:
            errors += 1
            samples.append(f"{req.method} {req.path}: {status}")
    conn.close()
    with lock:
        out.latencies.extend(latencies)
        out.count += len(latencies)
        out.errors += errors
        out.error_samples.extend(samples[:3])
        out.exhausted = out.exhausted or (not job.repeat and index >= len(job.requests))


def _run_threads(host: str, port: int, jobs: list[Job], duration: float) -> Measurement:
    out, lock = Measurement(), threading.Lock()
    began = time.monotonic()
    threads = [threading.Thread(target=_thread, args=(host, port, job, began + duration, out,
                                                      lock)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.elapsed = time.monotonic() - began
    return out


def _process(args) -> Measurement:
    return _run_threads(*args)


def run_load(host: str, port: int, jobs: list[Job], duration: float, processes: int = 2
             ) -> Measurement:
    """Run every job in its own thread for `duration` seconds, threads spread over processes.

    The processes are started fresh ("spawn"), not forked: a forked child inherited the
    runner's open database sockets (its garbage collector's ROLLBACK on one left the runner
    waiting for a reply the child had read) and the runner's SIGTERM handler, and once one
    hung at a lock some runner thread held at the moment of the fork — the client hung for
    minutes between workloads. A child that still does not answer within the duration plus
    two request timeouts is an error, not a wait for ever."""
    processes = max(1, min(processes, len(jobs)))
    if processes == 1:
        return _run_threads(host, port, jobs, duration)
    shares = [jobs[i::processes] for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pending = pool.map_async(_process, [(host, port, share, duration) for share in shares])
        try:
            parts = pending.get(timeout=duration + 2 * REQUEST_TIMEOUT)
        except multiprocessing.TimeoutError:
            raise RuntimeError(f"the load tool's processes did not finish within "
                               f"{duration + 2 * REQUEST_TIMEOUT:.0f} s") from None
    total = Measurement()
    for part in parts:
        total.count += part.count
        total.errors += part.errors
        total.latencies.extend(part.latencies)
        total.error_samples.extend(part.error_samples)
        total.exhausted = total.exhausted or part.exhausted
        total.elapsed = max(total.elapsed, part.elapsed)
    return total


# ---- a browser of one person: cookies, sign-in, CSRF token -------------------------------

class Browser:
    def __init__(self, host: str, port: int):
        self.host, self.port, self.cookies, self.csrf = host, port, {}, ""

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None,
                accept: str = "text/html") -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            headers = {"Accept": accept, "Cookie": self.cookie, "User-Agent": "sop-bench"}
            body = None
            if form is not None:
                body = urlencode(dict(form, csrf_token=self.csrf)).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            found = CSRF_META.search(text)
            if found:
                self.csrf = found.group(1)
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()

    def sign_in(self, login: str, password: str) -> None:
        self.request("GET", "/auth/login")
        status, _headers, _text = self.request("POST", "/auth/login",
                                               {"login": login, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in of {login} failed ({status})")
        self.request("GET", "/learn/tasks")  # a CSRF token of the new session


# ---- the tool's own ceiling ---------------------------------------------------------------

def _null_server(sock: socket.socket) -> None:
    """Answer every request at once, one connection after another (one per process)."""
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
             b"Connection: close\r\n\r\nok")
    while True:
        conn, _addr = sock.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            if data:
                conn.sendall(reply)


def ceiling(connections: int, duration: float, processes: int) -> Measurement:
    """The tool against a server that answers at once (two processes, closing each
    connection as gunicorn's sync workers do): at least what the tool can measure on this
    machine now (the null server costs CPU too, so the true ceiling is higher)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    port = sock.getsockname()[1]
    servers = [multiprocessing.get_context("fork").Process(target=_null_server, args=(sock,),
                                                            daemon=True) for _ in range(2)]
    for server in servers:
        server.start()
    try:
        jobs = [Job((Req("GET", "/healthz"),))] * connections
        return run_load("127.0.0.1", port, jobs, duration, processes)
    finally:
        for server in servers:
            server.terminate()
            server.join()
        sock.close()
