"""`flask privacy scan [--json] [--mask] [--table NAME]`: numbers stored before the guard are
found (with a label people understand and a masked excerpt), masked in place and nowhere else,
never printed in full; and every typed-text column of every table is in the registry."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text, select

from app.extensions import db
from app.models.attempts import AttemptQuestion
from app.models.base import utcnow
from app.models.practice import RunReview, RunStep, RunSubmission
from app.services.privacy import check_character
from app.services.privacy_fields import NOT_FREE_TEXT, STORED_TEXT, unlisted_columns
from app.services.privacy_scan import scan
from app.services.quiz import attempts
from tests.conftest import snapshot_rows
from tests.practice_factories import make_run
from tests.quiz_factories import make_quiz, short_answer
from tests.results_helpers import figure, metric, person

PHONE = "13812345678"
ID_17 = "11010119900307123"
ID_NUMBER = ID_17 + check_character(ID_17)
FULL_NUMBERS = (PHONE, ID_NUMBER, ID_NUMBER[:-1])


def _seed_numbers() -> dict[tuple[str, str], int]:
    """Numbers in a plain column, a JSON answer leaf, a practice step value and its frozen
    snapshot, and a review reason: (table, column) → row id."""
    result = figure(metric("隐私扫描测试数"), "10005", date(2026, 11, 23), 3)
    result.note = f"客户张三 {PHONE} 加了好友"
    quiz = make_quiz([short_answer()])
    attempt = attempts.start(quiz, person("employee"), utcnow())
    answer = attempt.questions[0]
    answer.response = f"回访时核对了身份证 {ID_NUMBER}，客户满意"
    run = make_run(status="returned")
    step = run.steps[0]
    step.evidence_text = "已加微信 +86 138-1234-5678，约复查"
    submission = db.session.scalar(select(RunSubmission).where(RunSubmission.run_id == run.id))
    snapshot = json.loads(json.dumps(submission.snapshot))
    snapshot["steps"][1]["note"] = f"客户电话{PHONE}"
    submission.snapshot = snapshot
    review = db.session.scalar(select(RunReview).where(RunReview.run_id == run.id))
    review.reason = f"证据里有客户身份证 {ID_NUMBER}"
    db.session.commit()
    return {("metric_results", "note"): result.id, ("attempt_questions", "response"): answer.id,
            ("run_steps", "evidence_text"): step.id,
            ("run_submissions", "snapshot"): submission.id, ("run_reviews", "reason"): review.id}


def _scan_json(runner, *args: str):
    result = runner.invoke(args=["privacy", "scan", "--json", *args])
    for number in FULL_NUMBERS:
        assert number not in result.output
    return result, json.loads(result.output)


def test_scan_finds_each_number_with_a_label_and_a_masked_excerpt(runner, demo):
    rows = _seed_numbers()
    result, report = _scan_json(runner)
    assert result.exit_code == 1
    found = {(f["table"], f["column"]): f for f in report["findings"]}
    assert set(found) == set(rows)
    assert {key: f["row_id"] for key, f in found.items()} == rows
    note = found[("metric_results", "note")]
    assert note["kind"] == "phone" and note["path"] == "$"
    assert note["excerpt"] == "客户张三 138****5678 加了好友"
    note_id = rows["metric_results", "note"]
    assert note["label"] == f"私域成果备注 #{note_id} (员工 10005, 2026-W48)"
    answer = found[("attempt_questions", "response")]
    assert answer["kind"] == "id_card" and "110101********" + ID_NUMBER[-4:] in answer["excerpt"]
    assert answer["label"].startswith("测验答案 #") and "员工 employee" in answer["label"]
    assert found[("run_steps", "evidence_text")]["excerpt"] == "已加微信 138****5678，约复查"
    assert found[("run_submissions", "snapshot")]["path"] == "$.steps[1].note"
    assert report["scanned"]["metric_results"] >= 1 and report["masked"] == 0


def test_text_report_names_each_finding_without_the_number(runner, demo):
    _seed_numbers()
    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 1
    assert "私域成果备注" in result.output and "138****5678" in result.output
    assert "手机号" in result.output and "身份证号" in result.output
    for number in FULL_NUMBERS:
        assert number not in result.output


def _cells_without(rows: dict, skip: set[tuple[str, int]]) -> dict:
    return {table: [row for row in table_rows if (table, row["id"]) not in skip]
            if table_rows and "id" in table_rows[0] else table_rows
            for table, table_rows in rows.items()}


def test_mask_rewrites_only_the_numbers_and_a_second_scan_is_clean(runner, demo):
    rows = _seed_numbers()
    before = snapshot_rows()
    result, report = _scan_json(runner, "--mask")
    assert result.exit_code == 0 and report["masked"] == 5
    after = snapshot_rows()
    touched = {(table, row_id) for (table, _column), row_id in rows.items()}
    assert _cells_without(after, touched) == _cells_without(before, touched)
    old = {t: {r["id"]: r for r in before[t]} for t, _c in rows}
    new = {t: {r["id"]: r for r in after[t]} for t, _c in rows}
    for (table, column), row_id in rows.items():
        changed = {k for k in new[table][row_id] if new[table][row_id][k] != old[table][row_id][k]}
        assert changed == {column}, table  # updated_at, scores, decisions untouched
    assert new["metric_results"][rows["metric_results", "note"]]["note"] == (
        "客户张三 138****5678 加了好友")
    step_id = rows["run_submissions", "snapshot"]
    assert new["run_submissions"][step_id]["snapshot"]["steps"][1]["note"] == "客户电话138****5678"
    assert new["run_reviews"][rows["run_reviews", "reason"]]["reason"] == (
        f"证据里有客户身份证 110101********{ID_NUMBER[-4:]}")
    again, clean = _scan_json(runner)
    assert again.exit_code == 0 and clean["findings"] == [] and clean["masked"] == 0


def test_mask_is_all_or_nothing(runner, demo, monkeypatch):
    rows = _seed_numbers()
    before = snapshot_rows()
    calls = []

    def fail_on_third(*args):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        original(*args)

    from app.services import privacy_scan
    original = privacy_scan._mask_row
    monkeypatch.setattr(privacy_scan, "_mask_row", fail_on_third)
    result = runner.invoke(args=["privacy", "scan", "--mask"])
    assert result.exit_code != 0 and len(calls) == 3
    assert snapshot_rows() == before
    assert len(rows) == 5


def test_one_table_and_small_batches(app, demo, runner):
    rows = _seed_numbers()
    step = db.session.get(RunStep, rows["run_steps", "evidence_text"])
    for other in step.run.steps[1:]:
        other.note = f"备注 {PHONE}"
    db.session.commit()
    report = scan("run_steps", batch=2)
    assert set(report.scanned) == {"run_steps"}
    assert len(report.findings) == len(step.run.steps)
    result = runner.invoke(args=["privacy", "scan", "--table", "no_such_table"])
    assert result.exit_code == 2 and "no_such_table" in result.output
    answer = db.session.get(AttemptQuestion, rows["attempt_questions", "response"])
    assert ID_NUMBER in answer.response  # scanning writes nothing


def test_every_typed_text_column_is_scanned_or_excused(app):
    assert unlisted_columns(db.metadata) == []
    listed = [f"{entry.table}.{column}" for entry in STORED_TEXT for column in entry.columns]
    assert len(listed) == len(set(listed))
    assert not set(listed) & set(NOT_FREE_TEXT)
    tables = db.metadata.tables
    for name in [*listed, *NOT_FREE_TEXT]:
        table, column = name.split(".")
        assert column in tables[table].c, name
        assert isinstance(tables[table].c[column].type, String | JSON), name
    assert all(reason.strip() for reason in NOT_FREE_TEXT.values())


@pytest.mark.parametrize("kind", [String(40), Text(), JSON()])
def test_a_new_text_column_is_reported_until_listed(kind):
    metadata = MetaData()
    Table("metric_results", metadata, Column("id", Integer, primary_key=True),
          Column("note", Text), Column("status", String(10)), Column("value", Integer),
          Column("client_remark", kind))
    assert unlisted_columns(metadata) == ["metric_results.client_remark"]


def test_admin_page_counts_per_table_without_texts(auth, client, demo):
    rows = _seed_numbers()
    auth.as_role("admin")
    page = client.get("/admin/privacy").get_data(as_text=True)
    assert "隐私检查" in page and 'data-testid="privacy-table"' not in page  # not run yet
    page = client.get("/admin/privacy?run=1").get_data(as_text=True)
    assert 'data-table="run_steps" data-found="1"' in page
    assert 'data-table="metric_results" data-found="1"' in page
    assert "privacy scan --mask" in page
    for number in FULL_NUMBERS:
        assert number not in page
    assert "138****5678" not in page and "客户张三" not in page  # counts only
    assert len(rows) == 5


def test_mask_keeps_an_edit_saved_while_it_ran(runner, demo, monkeypatch):
    """The row is read again when it is masked: an edit saved after the batch was read is
    masked, not overwritten with the old text."""
    rows = _seed_numbers()
    note_id = rows["metric_results", "note"]
    from app.models.results import MetricResult
    from app.services import privacy_scan
    original, edited = privacy_scan.label_of, []

    def edit_first(entry, row_id):
        if not edited:
            with db.engine.begin() as conn:
                conn.execute(MetricResult.__table__.update().where(
                    MetricResult.__table__.c.id == note_id).values(note=f"改过了 {PHONE} 已回访"))
            edited.append(row_id)
        return original(entry, row_id)

    monkeypatch.setattr(privacy_scan, "label_of", edit_first)
    result = runner.invoke(args=["privacy", "scan", "--mask"])
    assert result.exit_code == 0 and edited == [note_id]
    assert db.session.get(MetricResult, note_id).note == "改过了 138****5678 已回访"
