"""Large imports say how long they take: the roster and question import forms tell app.js what
to say once the file is up (data-upload-working; the upload's progress bar is app.js's for
every file form) and their preview ("only check") states the row count and the estimated
time (services/importers/estimate.py)."""

from __future__ import annotations

import html
import io

from app.services.importers.estimate import questions_seconds, roster_seconds
from tests.helpers import csv_bytes, roster_row

WORKING = 'data-upload-working="已上传，正在检查并导入：请不要关闭本页，完成后会自动更新。"'


def _estimate(page: str) -> str:
    text = html.unescape(page)
    start = text.index('data-testid="import-estimate">')
    return text[start:text.index("</p>", start)]


def test_the_roster_preview_states_rows_and_time_and_the_form_shows_progress(client, auth,
                                                                             demo):
    auth.as_role("admin")
    form = client.get("/admin/users/import").text
    assert WORKING in form
    assert "1,000" in html.unescape(form) or "1000" in html.unescape(form)
    rows = [roster_row(f"3{n:04d}", f"员工{n}") for n in range(300)]
    preview = client.post("/admin/users/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(csv_bytes(rows)), "花名册.csv"),
                                "dry_run": "y"})
    assert preview.status_code == 200
    said = _estimate(preview.text)
    assert "300" in said and "约 2 分钟" in said  # 300 new accounts: 84 s, rounded up
    assert roster_seconds(300, 300) == 84 and roster_seconds(300, 0) < 60


def test_the_question_preview_states_rows_and_time(trainer, bank):
    page = trainer.get(f"/manage/banks/{bank.id}/import").text
    assert WORKING in page
    gift = "\n\n".join(f"::q{n}:: 第{n}题问什么？ {{=对 ~错}}" for n in range(12))
    preview = trainer.post(f"/manage/banks/{bank.id}/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(gift.encode()), "题.gift"),
                                 "format": "auto", "dry_run": "y"})
    said = _estimate(preview.text)
    assert "12" in said and "不到一分钟" in said and questions_seconds(12) == 2
