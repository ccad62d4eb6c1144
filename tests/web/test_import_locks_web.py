"""Imports from the web while the same import runs elsewhere (another admin, or the command):
a Chinese sentence on the page, nothing written, never a 500 (app/web/imports.py)."""

from __future__ import annotations

import html
import io

from app.models.quiz import Question
from app.services import locks
from tests.helpers import GOOD_ROWS, count_users, xlsx_bytes
from tests.web.question_bank_helpers import count


def test_a_roster_upload_while_another_import_runs_is_refused_with_a_sentence(client, auth,
                                                                               demo):
    auth.as_role("admin")
    token = locks.acquire("roster-import")
    before = count_users()
    page = client.post("/admin/users/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(xlsx_bytes(GOOD_ROWS)), "花名册.xlsx")})
    assert page.status_code == 200
    assert "另一次花名册导入正在进行" in html.unescape(page.text)
    assert count_users() == before
    checked = client.post("/admin/users/import", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(xlsx_bytes(GOOD_ROWS)), "花名册.xlsx"),
                                "dry_run": "y"})
    assert "正在进行" not in html.unescape(checked.text)  # checking only: no lock needed
    locks.release("roster-import", token)
    client.post("/admin/users/import", content_type="multipart/form-data",
                data={"file": (io.BytesIO(xlsx_bytes(GOOD_ROWS)), "花名册.xlsx")})
    assert count_users() == before + 3


def test_a_question_upload_into_a_bank_being_imported_is_refused(trainer, bank):
    locks.acquire(f"questions-import:{bank.slug}")
    page = trainer.post(f"/manage/banks/{bank.id}/import", content_type="multipart/form-data",
                        data={"file": (io.BytesIO("::q:: 是否需要冷敷? {T}\n".encode()),
                                       "题库.gift"), "format": "auto"})
    assert page.status_code == 200
    assert "另一次向该题库导入题目正在进行" in html.unescape(page.text)
    assert count(Question) == 0
