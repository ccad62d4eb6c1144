"""gunicorn settings for SOP Academy (`gunicorn --config deploy/gunicorn.conf.py wsgi:app`,
as deploy/sop-academy.service runs it). Every value can be changed without editing this file
through the environment variable named beside it (set in /etc/sop-academy/sop-academy.env).

Behind nginx on the same machine: gunicorn listens on 127.0.0.1 only. Which client address
and scheme the app sees is decided by the app itself from X-Forwarded-For/-Proto, trusting
exactly PROXY_COUNT proxies (werkzeug's ProxyFix; set PROXY_COUNT=1 behind one nginx).
`forwarded_allow_ips` only concerns gunicorn's own reading of those headers; keep it at the
address of the proxy (127.0.0.1), never "*" on a port reachable from the network.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request each. 2 × cores + 1 is gunicorn's rule of thumb, capped at 8 so a
# big server does not open more database connections than PostgreSQL's default allows.
workers = _int("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 8))
worker_class = "sync"
# A request may take this long before its worker is killed and restarted: large Excel exports
# and uploads (nginx buffers the body first, so a slow phone does not hold a worker).
timeout = _int("GUNICORN_TIMEOUT", 120)
# On restart or reload, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Each worker is replaced after about this many requests (jitter: not all at once), so a slow
# leak in a library never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in memory: a slow or full disk cannot make the arbiter kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "sop-academy"

# Logs to standard output/error: systemd's journal keeps them (journalctl -u sop-academy).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# client address (as forwarded by nginx), request, status, bytes, duration in ms, agent
access_log_format = ('%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms '
                     '"%(f)s" "%(a)s"')
# gunicorn ≥ 24 opens a control socket under $HOME/.gunicorn by default; the service does not
# use it (systemctl reload sends HUP), and the "sop" user's home need not be writable.
control_socket_disable = True
