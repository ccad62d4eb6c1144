"""A worker's very first request can be a signed-in page (gunicorn starts a new worker after
one dies or reaches its request limit, and the next request it gets is anybody's)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_REQUEST = """
import json, sys
from app import create_app
config, cookie = json.loads(sys.argv[1]), sys.argv[2]
client = create_app(config).test_client()
client.set_cookie("session", cookie)
page = client.get("/learn/")
print(page.status_code, "data-testid=\\"bell\\"" in page.get_data(as_text=True))
"""


def test_a_new_workers_first_request_signed_in_shows_the_page(app, client, auth, demo):
    auth.as_role("employee")
    cookie = client.get_cookie("session").value
    config = {key: app.config[key] for key in (
        "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING", "WTF_CSRF_ENABLED",
        "RATELIMIT_STORAGE_URI", "UPLOAD_DIR", "TASK_QUEUE")}
    done = subprocess.run([sys.executable, "-c", FIRST_REQUEST, json.dumps(config), cookie],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["200", "True"], done.stderr[-3000:]
