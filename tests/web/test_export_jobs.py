"""Large table downloads become export jobs built in the worker (issue 19, docs/exports.md):
the same rows as the immediate download, the viewer's scope, progress, one job per double
click, the file for its owner only, and a build in the request when the queue is down."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import ExportJob
from app.models.base import utcnow
from app.services import export_jobs
from app.web.export_runner import run_export_job, sweep
from tests.practice_factories import make_practice_sop, make_run

OUTSIDER = "10012"  # 马丽, 美容皮肤科: outside the demo supervisor's team


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _start(client, url: str):
    offer = client.get(url)
    assert offer.status_code == 200 and 'data-testid="export-offer"' in offer.text
    token = re.search(r'name="token" value="([^"]+)"', offer.text).group(1)
    return client.post("/exports/jobs", data={"token": token})


def _queued(app) -> list:
    huey = app.extensions["huey"]
    tasks = []
    while (task := huey.dequeue()) is not None:
        if task.name == "build_export":
            tasks.append(task)
    return tasks


def test_a_large_download_is_built_by_the_worker_as_the_viewer(app, client, auth, demo,
                                                               monkeypatch):
    sop = make_practice_sop("job-sop")
    for login, code in (("employee", "JOB-A"), ("10009", "JOB-B"), (OUTSIDER, "JOB-OUT")):
        make_run(login, sop, status="submitted", case_code=code)
    auth.as_role("supervisor")
    app.config["EXPORT_ASYNC_ROWS"] = 0  # off: today's immediate download
    immediate = _rows(client.get("/review/export?format=csv").data)
    codes = immediate[0].index("案例编号")
    assert sorted(row[codes] for row in immediate[1:]) == ["JOB-A", "JOB-B"]

    app.config.update(EXPORT_ASYNC_ROWS=1, EXPORT_PROGRESS_EVERY=1)
    _queued(app)
    first = _start(client, "/review/export?format=csv")
    assert db.session.scalar(select(func.count()).select_from(ExportJob)) == 1
    again = _start(client, "/review/export?format=csv")  # a double click: the same job
    assert first.headers["Location"] == again.headers["Location"]
    page = client.get(first.headers["Location"])
    assert "export_job.js" in page.text and "<progress" in page.text
    job_id = int(first.headers["Location"].rstrip("/").rpartition("/")[2])
    status = client.get(f"/exports/jobs/{job_id}/status").json
    assert status["state"] == "queued" and status["download_url"] is None
    assert [task.args for task in _queued(app)] == [(job_id,)]
    export_jobs.report_progress(job_id, 1, 2)  # what the worker writes as it goes
    status = client.get(f"/exports/jobs/{job_id}/status").json
    assert (status["rows_done"], status["rows_total"], status["percent"]) == (1, 2, 50)

    progress = []
    real = export_jobs.report_progress
    monkeypatch.setattr(export_jobs, "report_progress",
                        lambda *a: (progress.append(a[1:]), real(*a)))
    assert run_export_job(app, job_id) == "done"
    assert run_export_job(app, job_id) is None  # claimed once: a retried task does nothing
    assert progress == [(0, 2), (1, 2), (2, 2)]
    status = client.get(f"/exports/jobs/{job_id}/status").json
    assert (status["state"], status["rows_done"], status["rows_total"],
            status["percent"]) == ("done", 2, 2, 100)
    download = client.get(status["download_url"])
    assert download.status_code == 200 and "attachment" in download.headers[
        "Content-Disposition"]
    assert _rows(download.data) == immediate  # the same rows, the supervisor's scope
    assert "JOB-OUT" not in download.text

    auth.logout()
    auth.as_role("admin")  # someone else: nothing of it
    for url in (f"/exports/jobs/{job_id}", f"/exports/jobs/{job_id}/status",
                f"/exports/jobs/{job_id}/file"):
        assert client.get(url).status_code == 404

    def unreachable(job_id):
        raise ConnectionError("redis is down")

    monkeypatch.setitem(app.extensions["huey_tasks"], "build_export", unreachable)
    built = _start(client, "/review/export?format=xlsx")  # built in the request instead
    assert built.status_code == 302
    status = client.get(built.headers["Location"] + "/status").json
    assert status["state"] == "done" and status["rows_total"] == 3  # the admin sees all three
    assert client.get(status["download_url"]).status_code == 200

    job = db.session.get(ExportJob, job_id)
    path = Path(job.file_path)
    assert path.exists()
    job.created_at = utcnow() - timedelta(hours=25)  # the hourly sweep: gone after a day
    db.session.commit()
    assert sweep(app) == 1
    assert not path.exists() and db.session.get(ExportJob, job_id) is None
