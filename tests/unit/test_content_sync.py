"""`content sync`: idempotent, versioned, atomic, with errors naming file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Course, CourseVersion, Position, SopModule, SopVersion, SopVersionStep
from app.services.content.sync import sync_content

ROOT = Path(__file__).resolve().parents[2]


def _sync(root: Path, dry_run: bool = False):
    report = sync_content(root, root / "courses", root / "sop", dry_run=dry_run)
    if report.errors or dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def content(tmp_path):
    """A copy of two shipped courses and two SOP modules to change freely."""
    for name in ("private-domain-basics", "tag-system"):
        shutil.copytree(ROOT / "courses" / name, tmp_path / "courses" / name)
    (tmp_path / "sop").mkdir()
    for name in ("referral-invitation.toml", "nurse-discharge-recheck.toml"):
        shutil.copy(ROOT / "sop" / name, tmp_path / "sop" / name)
    return tmp_path


def test_the_shipped_curriculum_syncs_with_zero_errors(app, demo):
    report = _sync(ROOT)
    assert report.errors == []
    assert report.courses.created >= 8 and report.sop_modules.created >= 16


def test_a_second_sync_changes_nothing(app, demo, content):
    _sync(content)
    versions = (_count(CourseVersion), _count(SopVersion))
    again = _sync(content)
    assert (again.courses.unchanged, again.sop_modules.unchanged) == (2, 2)
    assert again.versions_published == 0
    assert (_count(CourseVersion), _count(SopVersion)) == versions


def test_a_changed_lesson_makes_a_new_version_and_keeps_the_old_one(app, demo, content):
    _sync(content)
    lesson = next((content / "courses" / "tag-system").glob("02-*.md"))
    lesson.write_text(lesson.read_text() + "\n新增的一段说明：标签要在当天补全。\n")
    report = _sync(content)
    assert report.courses.updated == 1 and report.versions_published == 1
    course = db.session.scalar(select(Course).where(Course.slug == "tag-system"))
    versions = list(db.session.scalars(select(CourseVersion).where(
        CourseVersion.course_id == course.id).order_by(CourseVersion.number)))
    assert [v.number for v in versions] == [1, 2]
    assert any("当天补全" in lesson.body for lesson in versions[1].lessons)
    assert not any("当天补全" in lesson.body for lesson in versions[0].lessons)


def test_an_sop_marked_for_reacknowledgement_publishes_such_a_version(app, demo, content):
    _sync(content)
    path = content / "sop" / "referral-invitation.toml"
    path.write_text("requires_reacknowledgement = true\nchange_note = \"奖励规则调整\"\n"
                    + path.read_text().replace("老带新", "老带新（新规）", 1))
    _sync(content)
    latest = db.session.scalar(select(SopVersion).order_by(SopVersion.id.desc()).limit(1))
    assert latest.number == 2 and latest.requires_reack and latest.change_note == "奖励规则调整"


def test_a_broken_file_reports_file_and_line_and_writes_nothing(app, demo, content):
    path = content / "sop" / "nurse-discharge-recheck.toml"
    lines = path.read_text().splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith("evidence ="))
    lines[target] = 'evidence = "video"'
    path.write_text("\n".join(lines) + "\n")
    report = _sync(content)
    assert [(e.file, e.line) for e in report.errors] == [
        ("sop/nurse-discharge-recheck.toml", target + 1)]
    assert "evidence" in report.errors[0].message
    assert (_count(Course), _count(SopModule), _count(CourseVersion)) == (0, 0, 0)


def test_invalid_toml_names_the_line(app, demo, content):
    path = content / "courses" / "tag-system" / "course.toml"
    path.write_text('title = "标签"\nsummary = "未闭合的字符串\n')
    report = _sync(content)
    assert report.errors[0].file == "courses/tag-system/course.toml"
    assert report.errors[0].line == 2


def test_a_lesson_without_a_title_line_is_reported(app, demo, content):
    lesson = next((content / "courses" / "tag-system").glob("01-*.md"))
    lesson.write_text("没有标题的课时\n\n正文。\n")
    report = _sync(content)
    assert (report.errors[0].file, report.errors[0].line) == (
        f"courses/tag-system/{lesson.name}", 1)


def test_unknown_keys_and_missing_lessons_are_reported_with_lines(app, demo, content):
    path = content / "courses" / "private-domain-basics" / "course.toml"
    text = path.read_text()
    path.write_text(text.replace("summary =", "summery =", 1)
                    .replace('"01-', '"09-', 1))
    report = _sync(content)
    messages = {(e.line, e.message) for e in report.errors}
    assert any("summery" in m for _, m in messages)
    assert any("09-" in m for _, m in messages)
    assert all(e.line > 0 for e in report.errors)


def test_dry_run_writes_nothing_but_counts(app, demo, content):
    report = _sync(content, dry_run=True)
    assert report.courses.created == 2 and report.errors == []
    assert _count(Course) == 0


def test_positions_named_in_files_are_created_when_missing(app, content):
    report = _sync(content)
    assert "护士" in report.positions_created
    assert db.session.scalar(select(Position).where(Position.name == "护士")) is not None


def test_cli_json_output_and_exit_status(app, demo, runner, content):
    ok = runner.invoke(args=["content", "sync", "--json", "--root", str(content)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["courses"]["created"] == 2
    (content / "sop" / "broken.toml").write_text("title = \n")
    bad = runner.invoke(args=["content", "sync", "--json", "--root", str(content)])
    assert bad.exit_code == 1
    errors = json.loads(bad.output)["errors"]
    assert errors[0]["file"] == "sop/broken.toml" and errors[0]["line"] == 1


def test_timing_from_in_a_file_is_synced_and_a_wrong_value_names_its_line(app, demo, content):
    path = content / "sop" / "nurse-discharge-recheck.toml"
    _sync(content)
    steps = db.session.scalars(select(SopVersionStep).where(
        SopVersionStep.timing == "离院后24小时内")).all()
    assert [s.timing_from for s in steps] == ["case_start"]
    lines = path.read_text().splitlines()
    target = lines.index('timing_from = "case_start"')
    lines[target] = 'timing_from = "yesterday"'
    path.write_text("\n".join(lines) + "\n")
    report = _sync(content)
    assert [(e.file, e.line) for e in report.errors] == [
        ("sop/nurse-discharge-recheck.toml", target + 1)]
    assert "timing_from" in report.errors[0].message


def test_validity_in_files_is_set_without_a_new_version_and_bad_values_name_the_line(
        app, demo, content):
    _sync(content)
    course_toml = content / "courses" / "tag-system" / "course.toml"
    sop_toml = content / "sop" / "referral-invitation.toml"
    course_toml.write_text("validity_months = 12\n" + course_toml.read_text())
    sop_toml.write_text("validity_months = 24\nrecert_days = 14\n" + sop_toml.read_text())
    report = _sync(content)
    assert report.errors == [] and report.versions_published == 0
    assert (report.courses.updated, report.sop_modules.updated) == (1, 1)
    course = db.session.scalar(select(Course).where(Course.slug == "tag-system"))
    module = db.session.scalar(select(SopModule).where(SopModule.slug == "referral-invitation"))
    assert (course.validity_months, course.recert_days) == (12, None)
    assert (module.validity_months, module.recert_days) == (24, 14)
    course_toml.write_text(course_toml.read_text().replace("validity_months = 12",
                                                           "validity_months = 0"))
    report = _sync(content)
    assert [(e.file, e.line) for e in report.errors] == [("courses/tag-system/course.toml", 1)]
    assert "validity_months" in report.errors[0].message
