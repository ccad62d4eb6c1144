"""`flask coach check [FILE|-] [--json]` and `flask coach lint`: the JSON contract, exit
codes, standard input, unreadable files, and lint over the shipped and a broken curriculum."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import ROOT

TEXT = "您好！我们医生是全市第一，保证效果。第一次到院请提前预约。"


def _check(runner, *args, text=None):
    return runner.invoke(args=["coach", "check", *args], input=text)


def test_json_has_exactly_the_contract_keys_with_character_offsets(runner, tmp_path):
    path = tmp_path / "reply.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = _check(runner, str(path), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert list(data) == ["findings"]
    assert [list(f) for f in data["findings"]] == [
        ["term", "start", "end", "reason", "suggestion"]] * 2
    for finding in data["findings"]:
        assert TEXT[finding["start"]:finding["end"]] == finding["term"]
    assert [f["term"] for f in data["findings"]] == ["全市第一", "保证"]


def test_standard_input_with_a_dash_or_no_argument(runner):
    dashed = _check(runner, "-", "--json", text=TEXT)
    bare = _check(runner, "--json", text=TEXT)
    assert dashed.exit_code == bare.exit_code == 1
    assert json.loads(dashed.stdout) == json.loads(bare.stdout)


def test_no_findings_exit_zero(runner):
    result = _check(runner, "-", "--json", text="第一次到院请提前预约，您最好带上既往病历。")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"findings": []}
    assert _check(runner, "-", text="您好").exit_code == 0


def test_human_output_one_line_per_finding(runner):
    result = _check(runner, "-", text="保证效果")
    assert result.exit_code == 1
    line = result.stdout.splitlines()[0]
    assert line.startswith("0-2 保证: ") and " → " in line


def test_a_utf8_bom_does_not_move_the_offsets(runner, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff保证效果".encode())
    data = json.loads(_check(runner, str(path), "--json").stdout)
    assert (data["findings"][0]["start"], data["findings"][0]["end"]) == (0, 2)


@pytest.mark.parametrize("make", ["missing", "folder", "gbk"])
def test_an_unreadable_file_exits_two_with_a_message(runner, tmp_path, make):
    path = tmp_path / "reply.txt"
    if make == "folder":
        path.mkdir()
    elif make == "gbk":
        path.write_bytes("保证效果".encode("gbk"))
    result = _check(runner, str(path), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(path) in result.stderr


def test_teaching_mode_lets_quoted_examples_pass(runner):
    text = "不要这样写：`最好的医生`。\n> ❌ 保证效果"
    assert _check(runner, "-", "--teaching", text=text).exit_code == 0
    assert _check(runner, "-", text=text).exit_code == 1


def test_a_broken_term_list_exits_two(app, runner, tmp_path):
    app.config["COACH_TERMS_FILE"] = str(tmp_path / "missing.toml")
    result = _check(runner, "-", text="保证效果")
    assert result.exit_code == 2 and "missing.toml" in result.stderr


def test_lint_passes_on_the_shipped_curriculum(runner):
    result = runner.invoke(args=["coach", "lint", "--json"])
    data = json.loads(result.stdout)
    assert (data["findings"], data["errors"]) == ([], []), data
    assert data["files"] >= 40
    assert result.exit_code == 0


def _curriculum(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "courses" / "compliance-and-ethics",
                    root / "courses" / "compliance-and-ethics")
    (root / "sop").mkdir()
    shutil.copy(ROOT / "sop" / "online-enquiry-to-first-visit.toml", root / "sop")
    return root


def test_lint_names_file_and_line_of_a_bad_script(runner, tmp_path):
    root = _curriculum(tmp_path)
    sop = root / "sop" / "online-enquiry-to-first-visit.toml"
    text = sop.read_text(encoding="utf-8")
    text = text.replace("面诊当天不需要马上做决定。", "面诊当天不需要马上做决定，效果我们保证。", 1)
    sop.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "效果我们保证" in row)
    result = runner.invoke(args=["coach", "lint", "--root", str(root)])
    assert result.exit_code == 1
    expected = f"sop/online-enquiry-to-first-visit.toml:{line}:"
    assert any(row.startswith(expected) and "保证" in row for row in result.stdout.splitlines())
    data = json.loads(runner.invoke(args=["coach", "lint", "--root", str(root), "--json"]).stdout)
    [finding] = data["findings"]
    assert (finding["file"], finding["line"], finding["where"], finding["term"]) == (
        "sop/online-enquiry-to-first-visit.toml", line, "script", "保证")
    row = text.splitlines()[line - 1]
    assert row[finding["column"] - 1:finding["column"] + 1] == "保证"


def test_lint_names_file_and_line_of_a_bad_lesson(runner, tmp_path):
    root = _curriculum(tmp_path)
    lesson = root / "courses" / "compliance-and-ethics" / "02-medical-ethics.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n我们的效果全市最好。\n",
                      encoding="utf-8")
    lines = lesson.read_text(encoding="utf-8").splitlines()
    result = runner.invoke(args=["coach", "lint", "--root", str(root)])
    assert result.exit_code == 1
    assert f"courses/compliance-and-ethics/02-medical-ethics.md:{len(lines)}:" in result.stdout


def test_lint_warns_about_key_points_missing_from_a_script_but_passes(runner, tmp_path):
    root = _curriculum(tmp_path)
    sop = root / "sop" / "online-enquiry-to-first-visit.toml"
    text = sop.read_text(encoding="utf-8").replace(
        '{ point = "可以改期", synonyms = ["改时间", "改期", "重新安排", "随时告诉我"] }',
        '{ point = "说明停车方式", synonyms = ["停车"] }')
    sop.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["coach", "lint", "--root", str(root), "--json"])
    assert result.exit_code == 0
    [warning] = json.loads(result.stdout)["warnings"]
    assert "说明停车方式" in warning["message"]
    assert text.splitlines()[warning["line"] - 1].lstrip().startswith("key_points")


def test_lint_reports_a_broken_sop_file(runner, tmp_path):
    root = _curriculum(tmp_path)
    (root / "sop" / "broken.toml").write_text('title = "x\n', encoding="utf-8")
    result = runner.invoke(args=["coach", "lint", "--root", str(root), "--json"])
    assert result.exit_code == 1
    assert [e["file"] for e in json.loads(result.stdout)["errors"]] == ["sop/broken.toml"]
