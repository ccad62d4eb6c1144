"""`flask coach eval FILE.json`: recall on the risky lines, false alarms on the safe ones, the
lines it got wrong; and the goal of issue 17 met on the project's own labelled set."""

from __future__ import annotations

import json

import pytest

from app.services.coach.evaluate import evaluate, read_labelled_set
from tests.conftest import ROOT

SHIPPED_SET = ROOT / "tests" / "data" / "coach_eval.json"
LATER_SETS = [ROOT / "tests" / "data" / name
              for name in ("coach_eval_blind.json", "coach_eval_blind2.json",
                           "coach_eval_blind3.json", "coach_eval_blind4.json",
                           "coach_eval_blind5.json", "coach_eval_blind6.json",
                           "coach_eval_blind7.json", "coach_eval_blind8.json",
                           "coach_eval_blind9.json", "coach_eval_blind10.json",
                           "coach_eval_blind11.json", "coach_eval_blind12.json")]


def _eval(runner, *args):
    return runner.invoke(args=["coach", "eval", *args])


def _write(tmp_path, data) -> str:
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_shipped_set_meets_the_goal():
    lines = read_labelled_set(SHIPPED_SET)
    assert len(lines["risky"]) + len(lines["safe"]) >= 150 and len(lines["safe"]) >= 30
    result = evaluate(lines)
    assert result.recall >= 0.90, result.misses
    assert result.alarms_per_30 <= 1.0, result.false_alarms


@pytest.mark.parametrize("part", ["dev", "held-out"])
def test_each_half_of_the_shipped_set_meets_the_goal(part):
    result = evaluate(read_labelled_set(SHIPPED_SET, part))
    assert result.recall >= 0.90 and result.alarms_per_30 <= 1.0, result.as_dict()


@pytest.mark.parametrize("path", LATER_SETS, ids=lambda p: p.stem)
def test_the_sets_written_after_the_rules_meet_the_goal_now(path):
    result = evaluate(read_labelled_set(path))
    assert result.recall >= 0.90 and result.alarms_per_30 <= 1.0, result.as_dict()


@pytest.mark.parametrize("path", LATER_SETS, ids=lambda p: p.stem)
def test_each_later_set_has_40_risky_and_30_safe_lines(path):
    lines = read_labelled_set(path)
    assert (len(lines["risky"]), len(lines["safe"])) == (40, 30)
    assert len(set(lines["risky"] + lines["safe"])) == 70


def test_the_halves_split_each_list_at_even_and_odd_positions(tmp_path):
    path = _write(tmp_path, {"risky": ["a", "b", "c"], "safe": ["d", "e"]})
    assert read_labelled_set(path, "dev") == {"risky": ["a", "c"], "safe": ["d"]}
    assert read_labelled_set(path, "held-out") == {"risky": ["b"], "safe": ["e"]}


def test_human_output_lists_the_misses_and_the_false_alarms(runner, tmp_path):
    path = _write(tmp_path, {"risky": ["保证效果", "您好，欢迎来面诊"],
                             "safe": ["第一次到院请带证件", "我们这儿零风险"]})
    result = _eval(runner, path)
    assert result.exit_code == 1
    out = result.stdout
    assert "风险话术标出 1 / 2 条（检出率 50.0 %）" in out
    assert "2 条合规话术中 1 条" in out and "未达到目标" in out
    assert "漏报：您好，欢迎来面诊" in out and "误报：我们这儿零风险［零风险］" in out
    assert "第一次到院请带证件" not in out


def test_json_gives_recall_false_alarms_and_the_lines(runner, tmp_path):
    path = _write(tmp_path, {"risky": ["保证效果", "您好"], "safe": ["第一次到院", "零风险"]})
    result = _eval(runner, path, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["recall"], data["caught"], data["risky"]) == (0.5, 1, 2)
    assert (data["false_alarm_count"], data["safe"], data["false_alarms_per_30"]) == (1, 2, 15.0)
    assert data["misses"] == ["您好"]
    assert data["false_alarms"] == [{"text": "零风险", "terms": ["零风险"]}]
    assert data["goal_met"] is False


def test_goal_met_exits_zero(runner, tmp_path):
    path = _write(tmp_path, {"risky": ["保证效果"], "safe": ["第一次到院"]})
    result = _eval(runner, path, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["goal_met"] is True


@pytest.mark.parametrize("content", ["not json", '{"risky": ["a"]}', '["a"]',
                                     '{"risky": [1], "safe": []}'])
def test_a_bad_file_exits_two_with_a_message(runner, tmp_path, content):
    path = tmp_path / "set.json"
    path.write_text(content, encoding="utf-8")
    result = _eval(runner, str(path))
    assert result.exit_code == 2 and str(path) in result.stderr and result.stdout == ""


def test_a_missing_file_exits_two(runner, tmp_path):
    result = _eval(runner, str(tmp_path / "none.json"))
    assert result.exit_code == 2 and "none.json" in result.stderr
