"""Client privacy on the paths that do not come through a WTForms field (docs/privacy.md):
views reading request.form / JSON directly, the service-level opt-outs, question imports,
content files, the outside AI reviewer and the shared text rules."""

from __future__ import annotations

import ast
import io
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.quiz import Question
from app.services.coach.llm import LlmChecker
from app.services.coach.model import CoachContext
from app.services.content.sync import sync_content
from app.services.errors import DomainError
from app.services.importers.roster import import_roster
from app.services.media import save_upload
from app.services.quiz.banks import import_questions
from app.services.validation import clean_multiline, clean_text
from tests.helpers import (
    GOOD_ROWS,
    TEST_HASH,
    count_users,
    roster_row,
    upload_settings,
    xlsx_bytes,
)
from tests.web.test_media import MP4

ROOT = Path(__file__).resolve().parents[2]
RAW_INPUT = re.compile(r"request\.(form|get_json|json|values|data)\b")

# Every view module that reads the request body itself, and what guards the text it stores.
RAW_INPUT_VIEWS = {
    "app/web/admin/directory_routes.py": "ids, and a 职务 name: directory_sync.mappings "
                                         "(clean_text)",
    "app/web/admin/user_routes.py": "a yes/no switch (active), no text",
    "app/web/auth/routes.py": "the login throttle reads the 工号, never stored (LoginForm opt-out)",
    "app/web/export_jobs.py": "a signed token naming a download (checked, never stored as text)",
    "app/web/coach/routes.py": "the reply: refuse_pii in _read; coach.llm never sends one out",
    "app/web/learn/quiz_routes.py": "answers: quiz.attempts.save_answer refuses typed text",
    "app/web/learn/routes.py": "lesson progress: an event name and numbers, no text stored",
    "app/web/learn/sop_routes.py": "the version number acknowledged, no text",
    "app/web/learn/survey_routes.py": "survey answers: surveys.questions (clean_multiline)",
    "app/web/manage/routes.py": "the Markdown preview: rendered, never stored",
    "app/web/practice/routes.py": "steps: practice.runs / evidence (clean_* and refuse_pii)",
    "app/web/results/admin_routes.py": "an archive switch, no text",
    "app/web/results/routes.py": "figures and notes: results.entries (clean_multiline)",
    "app/web/results/team_routes.py": "correction reason: results.entries.correct",
    "app/web/review/forms.py": "comments per step: practice.review (clean_multiline)",
    "app/web/review/routes.py": "re-shows what was posted, stores nothing itself",
}
# Every `privacy_exempt=` given to clean_text / clean_multiline, by function.
SERVICE_OPT_OUTS = {("app/services/org.py", "clean_webhook_url")}


def test_every_view_reading_raw_input_is_listed_with_its_guard():
    found = {path.relative_to(ROOT).as_posix() for path in (ROOT / "app" / "web").rglob("*.py")
             if RAW_INPUT.search(path.read_text(encoding="utf-8"))}
    assert found == set(RAW_INPUT_VIEWS)


def test_every_service_opt_out_is_known_and_documented():
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef) and any(
                    isinstance(node, ast.keyword) and node.arg == "privacy_exempt"
                    for node in ast.walk(function)):
                found.add((path.relative_to(ROOT).as_posix(), function.name))
    assert found - {("app/services/validation.py", "clean_text"),
                    ("app/services/validation.py", "clean_multiline")} == SERVICE_OPT_OUTS
    docs = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    for path, function in SERVICE_OPT_OUTS:
        assert f"{Path(path).stem}.{function}" in docs


@pytest.mark.parametrize("clean", [clean_text, clean_multiline])
def test_the_shared_text_rules_refuse_pii_unless_a_reason_is_given(app, clean):
    with pytest.raises(DomainError) as refused:
        clean("回访 ＋８６ １３８ １２３４ ５６７８", field="note", label="备注", max_length=100)
    assert refused.value.field == "note" and "备注" in str(refused.value)
    assert clean("回访 13812345678", field="x", label="x", max_length=100,
                 privacy_exempt="a test") == "回访 13812345678"
    assert clean("病例 CRM-2026-000123 门诊 0755-8888 6666 样例 138****5678", field="x",
                 label="x", max_length=100)


def test_a_question_import_quoting_a_phone_number_imports_nothing(app, demo):
    gift = ("::回访::客户留下 13812345678 后怎么做？{=先确认病例编号 ~直接打电话}\n\n"
            "::礼貌::第一句说什么？{=您好 ~喂}\n")
    report = import_questions("privacy-bank", "q.gift", gift.encode(), None, dry_run=False)
    assert len(report.errors) == 1 and report.imported == 0
    assert "1" in str(report.errors[0].message) and "手机号码" in str(report.errors[0].message)
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_a_content_file_with_an_id_number_names_file_and_line(app, demo, tmp_path):
    shutil.copytree(ROOT / "courses" / "tag-system", tmp_path / "courses" / "tag-system")
    (tmp_path / "sop").mkdir()
    lesson = next((tmp_path / "courses" / "tag-system").glob("*.md"))
    lines = lesson.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "示例：身份证 11010119900307123X")
    lesson.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = sync_content(tmp_path, tmp_path / "courses", tmp_path / "sop", dry_run=False)
    db.session.rollback()
    assert [(e.file, e.line) for e in report.errors] == [
        (f"courses/tag-system/{lesson.name}", 3)]
    assert "身份证" in report.errors[0].message


def test_the_ai_reviewer_never_sends_a_phone_or_id_number_out(app, monkeypatch):
    checker = LlmChecker("http://model.invalid/v1", "m")
    sent = []
    monkeypatch.setattr(checker, "_ask", lambda text: sent.append(text) or [])
    checker.check("加我 138-1234-5678，证件 110101 19900307 123X，2026-11-23 到院", CoachContext())
    assert sent == ["加我 [号码]，证件 [号码]，2026-11-23 到院"]


def test_a_roster_keeps_staff_phones_but_refuses_a_number_in_a_name(app, demo):
    before = count_users()
    rows = [*GOOD_ROWS, roster_row("20009", "客户 13912345678", "客服中心/网络咨询组", "客服",
                                   "员工", "13812345670")]
    report = import_roster("花名册.xlsx", xlsx_bytes(rows), dry_run=False, max_rows=100,
                           hash_method=TEST_HASH)
    db.session.rollback()
    assert [(e.line, e.column) for e in report.errors] == [(len(rows) + 1, "姓名")]
    assert count_users() == before


def test_an_uploaded_file_named_by_a_phone_number_keeps_a_masked_name(app, demo):
    media = save_upload(io.BytesIO(MP4), "客户13812345678 术后.mp4", "video", None,
                        upload_settings())
    assert media.original_name == "客户**** 术后.mp4"
