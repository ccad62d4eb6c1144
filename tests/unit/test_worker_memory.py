"""A gunicorn worker imports the app and nothing it does not use on every request: pypinyin's
dictionaries (~50 MB, only for an address made from a Chinese title), Flask-Migrate with
Alembic, Mako and Pygments (~11 MB, only for `flask db`), reportlab and fontTools (~4 MB,
only for a certificate's PDF). docs/performance.md §5 "Worker memory (session 10)"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pypinyin", "flask_migrate", "alembic", "mako", "pygments", "reportlab", "fontTools")


def test_a_worker_does_not_import_what_only_authoring_migrations_or_pdfs_need(tmp_path):
    probe = ("import json, sys; import wsgi; "
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'probe.db'}",
               SECRET_KEY="probe", PYTHONPATH=str(ROOT))
    env.pop("FLASK_DEBUG", None)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=120)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_lazy_pieces_still_work(app):
    from app.services.content.slugs import readable

    assert readable("术后回访 2") == "shu-hou-hui-fang-2"
    assert app.extensions["migrate"].directory.endswith("migrations")
    assert app.extensions["migrate"].configure_args["render_as_batch"] is True
