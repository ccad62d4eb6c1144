"""The learned second layer: its findings on fixed lines (what a learner sees), the
negation / reported-speech / teaching handling it shares with the rules, the `coach check`
contract, the shipped model being the one the labelled sets build, and the honest
leave-one-set-out figure above a floor."""

from __future__ import annotations

import json

import pytest

from app.services.coach import find_terms
from app.services.coach.learned import MODEL_FILE, NaiveBayes, load_model
from app.services.coach.learned_eval import (
    curriculum_sets,
    labelled_sets,
    leave_one_out,
    totals,
)
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
MISSED_BY_THE_RULES = [  # blind12 lines the rules alone do not mark
    ("放心交给我们，做坏了算我的", "效果承诺"),
    ("带两个姐妹一起来，您那份全免", "价格与诱导"),
    ("说实话，隔壁那家的医生都是我们这出去的，水平差一截", ""),
]


@pytest.mark.parametrize("text,category", MISSED_BY_THE_RULES)
def test_the_model_marks_a_claim_the_rules_miss_with_a_reason_and_safer_wording(text,
                                                                               category):
    assert find_terms(text, learned=False) == []
    (finding,) = find_terms(text)
    assert finding.checker == "learned"
    assert text[finding.start:finding.end] == finding.term == text
    assert "学习层" in finding.reason and finding.suggestion
    if category:
        assert finding.category == category


def test_the_model_marks_only_the_sentence_the_rules_left_alone():
    text = "您好，欢迎来咨询。做坏了算我的！我们医生是全市第一。"
    found = find_terms(text)
    assert [(f.term, f.checker) for f in found] == [("做坏了算我的", "learned"),
                                                   ("全市第一", "terms")]


@pytest.mark.parametrize("text", [
    "您第一次到院的话，前台会先帮您建档",
    "效果会因个人皮肤状态不同而有差异，医生面诊后会给您说清楚",
    "活动规则写在活动页面上，名额有限，先到先得",
    "不要跟客户说做坏了算我的",
    "有人说做坏了算他的，这种说法不对",
    "“做坏了算我的”这种话我们不说",
])
def test_lawful_lines_and_talk_about_a_claim_stay_quiet(text):
    assert find_terms(text) == []


def test_course_material_is_left_to_the_rules():
    assert find_terms("做坏了算我的", teaching=True) == []


def test_check_json_keeps_the_five_contract_keys_for_a_model_finding(runner):
    result = runner.invoke(args=["coach", "check", "--json"], input="放心交给我们，做坏了算我的")
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)["findings"]
    assert set(finding) == {"term", "start", "end", "reason", "suggestion"}
    assert (finding["start"], finding["end"]) == (0, 13)


def test_training_is_deterministic():
    sets = labelled_sets(DATA)
    risky = [line for s in sets.values() for line in s["risky"]]
    safe = [line for s in sets.values() for line in s["safe"]]
    assert NaiveBayes.train(risky, safe) == NaiveBayes.train(risky, safe)


def test_the_shipped_model_is_the_one_the_labelled_sets_build(runner, tmp_path):
    out = tmp_path / "model.json"
    result = runner.invoke(args=["coach", "build-model", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text("utf-8")) == json.loads(MODEL_FILE.read_text("utf-8"))
    assert load_model() is not None


def test_leave_one_set_out_the_model_alone_stays_above_its_floor():
    """Each set scored by a model that never saw it (threshold chosen without it)."""
    total = totals(leave_one_out(labelled_sets(DATA) | curriculum_sets(ROOT)))
    assert total["model_caught"] >= 0.88 * total["risky"], total
    assert 30 * total["model_alarms"] <= total["safe"], total
    assert 30 * total["plain_alarms"] <= total["plain_safe"], total


def test_leave_one_out_command_prints_each_set_and_the_totals(runner, tmp_path):
    names = ("coach_eval_blind10.json", "coach_eval_blind11.json", "coach_eval_blind12.json")
    for name in names:
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    result = runner.invoke(args=["coach", "eval", "--leave-one-out", str(tmp_path)])
    assert result.exit_code in (0, 1), result.output
    assert all(name in result.output for name in names)
    data = json.loads(runner.invoke(args=["coach", "eval", "--leave-one-out", str(tmp_path),
                                          "--json"]).output)
    assert (data["totals"]["risky"], data["totals"]["safe"]) == (120, 90)
    assert data["totals"]["both_caught"] >= data["totals"]["model_caught"]


def test_leave_one_out_on_a_folder_without_sets_exits_two(runner, tmp_path):
    result = runner.invoke(args=["coach", "eval", "--leave-one-out", str(tmp_path)])
    assert result.exit_code == 2
