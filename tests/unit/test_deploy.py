"""deploy/ cannot rot: the gunicorn config loads and names only real gunicorn settings; every
`flask --app wsgi …` line of the systemd units and the crontab is a registered command with
options it accepts; every timer has its service; every variable of the example env file is
one the app or the gunicorn config reads."""

from __future__ import annotations

import configparser
import re
import runpy
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from gunicorn.config import Config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ROOT = DEPLOY.parent


def _gunicorn_settings(monkeypatch, **env) -> dict:
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and not callable(v) and not hasattr(v, "__file__")}


def test_gunicorn_config_names_real_settings_with_sane_values(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    config = Config()
    unknown = set(settings) - set(config.settings)
    assert not unknown, f"not gunicorn settings: {unknown}"
    for name, value in settings.items():
        config.set(name, value)  # gunicorn validates each value
    assert config.bind == ["127.0.0.1:8000"]
    assert 3 <= config.workers <= 8
    assert config.timeout > config.graceful_timeout > 0
    assert 0 < config.max_requests_jitter < config.max_requests
    assert "{x-forwarded-for}i" in config.access_log_format
    assert config.forwarded_allow_ips == ["127.0.0.1"]
    assert _gunicorn_settings(monkeypatch, GUNICORN_WORKERS="5")["workers"] == 5


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


def _flask_commands(text: str) -> list[list[str]]:
    """The arguments after `flask --app wsgi` of every uncommented line."""
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") or "flask --app wsgi" not in line:
            continue
        words = shlex.split(line.split("flask --app wsgi", 1)[1].split(">>")[0])
        found.append(words)
    return found


def test_every_scheduled_command_exists(runner):
    units = sorted(DEPLOY.glob("*.service"))
    texts = [path.read_text() for path in units]
    # a template unit (sop-academy-directory@.service): %i is the provider
    texts = [t.replace("%i", name) for t in texts for name in
             (("wecom", "dingtalk") if "%i" in t else ("",))]
    commands = [c for text in texts for c in _flask_commands(text)]
    cron = _flask_commands((DEPLOY / "crontab.example").read_text())
    scheduled = {"reminders send", "certificates issue", "certificates expire", "backup create",
                 "signins prune",
                 "wecom sync"}
    assert {" ".join(c[:2]) for c in commands} == scheduled | {"dingtalk sync", "worker"}
    assert {" ".join(c[:2]) for c in cron} == scheduled | {"webhooks deliver"}
    for command in commands + cron:
        result = runner.invoke(args=[*command, "--help"])  # parses every option, runs nothing
        assert result.exit_code == 0, f"{command}: {result.output}"


def test_units_point_at_the_app_and_every_timer_has_its_service():
    web = _unit(DEPLOY / "sop-academy.service")["Service"]
    assert web["ExecStart"].split()[1:] == ["--config", "deploy/gunicorn.conf.py", "wsgi:app"]
    assert web["Restart"] in {"always", "on-failure"} and web["User"] == "sop"
    assert (ROOT / "wsgi.py").is_file()
    for path in DEPLOY.glob("*.service"):
        service = _unit(path)["Service"]
        assert service["EnvironmentFile"] == "/etc/sop-academy/sop-academy.env", path.name
        assert service["WorkingDirectory"] == "/opt/sop-academy", path.name
        assert service["ExecStart"].startswith("/opt/sop-academy/.venv/bin/"), path.name
    timers = sorted(DEPLOY.glob("*.timer"))
    assert len(timers) == 5
    for timer in timers:
        assert timer.with_suffix(".service").is_file(), timer.name
        assert _unit(timer)["Timer"]["OnCalendar"], timer.name


def test_example_env_names_only_settings_that_are_read():
    names = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "sop-academy.env.example")
                           .read_text(), re.M))
    read = (ROOT / "app/config.py").read_text() + (DEPLOY / "gunicorn.conf.py").read_text()
    assert {"SECRET_KEY", "DATABASE_URL", "UPLOAD_DIR", "BACKUP_DIR", "GUNICORN_WORKERS"} <= names
    assert not {name for name in names if f'"{name}"' not in read}


def test_systemd_accepts_the_units(tmp_path):
    """systemd's own parser (Debian's systemd package): unknown keys, bad calendar times."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is absent (apt-get install systemd)")
    for path in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]:
        shutil.copy(path, tmp_path)
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True,
                            cwd=tmp_path)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "is not executable" not in line]  # no /opt here
    assert not problems, problems
