"""The editor's preview of a 多选题's rule (全选 / 只选一个正确项), the refusal of weights that
let 全选 win (editor and quiz.toml), and the legacy "partial" in files."""

from __future__ import annotations

import pytest

from app.services.errors import DomainError
from app.services.quiz.data import QuestionError, option
from app.services.quiz.question_input import OptionRow, QuestionInput, build_question
from app.services.quiz.scoring_preview import form_preview, preview
from app.services.quiz.toml_questions import question_from_table

AC = [option("A", 0.5), option("B"), option("C", 0.5), option("D")]
PRICED = [option("A", 0.5), option("B", -0.5), option("C", 0.5), option("D", -0.5)]


@pytest.mark.parametrize(("scoring", "options", "tick_all", "one_right"), [
    ("proportional", AC, 0.0, (0.5, 0.5)),
    ("half", AC, 0.0, (0.5, 0.5)),
    ("all_or_nothing", AC, 0.0, (0.0, 0.0)),
    ("weights", AC, 1.0, (0.5, 0.5)),  # nothing priced: the editor refuses this one
    ("weights", PRICED, 0.0, (0.5, 0.5)),
    ("partial", AC, 0.0, (0.5, 0.5)),  # stored before the rules: graded proportionally
    ("proportional", [option("A", 0.6), option("B", 0.4), option("C")], 0.0, (0.4, 0.6)),
])
def test_the_preview_scores_the_two_tell_tale_answers(scoring, options, tick_all, one_right):
    found = preview({"options": options, "scoring": scoring}, 2.0)
    assert (found.tick_all, found.one_right) == (tick_all, one_right)
    assert found.points_of(found.one_right[1]) == one_right[1] * 2


def test_the_preview_names_the_rule_a_legacy_question_is_graded_by():
    legacy = preview({"options": AC, "scoring": "partial"}, 1.0)
    assert (legacy.rule, legacy.legacy) == ("proportional", True)
    priced = preview({"options": PRICED, "scoring": "partial"}, 1.0)
    assert (priced.rule, priced.legacy) == ("weights", True)
    assert preview({"options": AC}, 1.0).rule == "proportional"  # no scoring: the default


def test_the_preview_flags_ticking_everything_that_earns_points():
    assert preview({"options": AC, "scoring": "weights"}, 1.0).tick_all_full
    some = preview({"options": [option("A", 0.5), option("B", -0.1), option("C", 0.5)],
                    "scoring": "weights"}, 1.0)
    assert some.tick_all_earns and not some.tick_all_full  # 0.9: warned, not refused
    every_option_right = preview({"options": [option("A", 0.5), option("B", 0.5)],
                                  "scoring": "weights"}, 1.0)
    assert not every_option_right.tick_all_earns  # ticking both is the right answer


def _rows(*credits: tuple[bool, str]) -> list[OptionRow]:
    return [OptionRow(f"选项{i}", correct, credit) for i, (correct, credit) in enumerate(credits)]


def test_the_form_preview_reads_the_form_as_typed():
    inp = QuestionInput(type="multiple_choice", stem="?", points="3", scoring="half",
                        options=_rows((True, ""), (False, ""), (True, ""), (False, "")))
    found, problem = form_preview(inp)
    assert problem == "" and (found.tick_all, found.one_right, found.points) == (
        0.0, (0.5, 0.5), 3.0)
    inp.points = "nonsense"  # the points are checked on saving; the preview assumes 1
    assert form_preview(inp)[0].points == 1.0


@pytest.mark.parametrize(("rows", "scoring"), [
    ([], "proportional"),
    ([OptionRow("A"), OptionRow("B")], "proportional"),  # nothing ticked
    ([OptionRow("A", True)], "proportional"),  # one option only
    ([OptionRow("A", True), OptionRow("B")], "most"),
    ([OptionRow("A", True, "abc"), OptionRow("B")], "proportional"),
])
def test_the_form_preview_waits_for_a_question_it_can_score(rows, scoring):
    found, _problem = form_preview(QuestionInput(type="multiple_choice", options=rows,
                                                 scoring=scoring))
    assert found is None


def test_the_editor_refuses_weights_that_let_ticking_everything_win():
    inp = QuestionInput(type="multiple_choice", stem="?", scoring="weights",
                        options=_rows((True, ""), (False, ""), (True, "")))
    with pytest.raises(DomainError) as refused:
        build_question(inp)
    assert refused.value.field == "options"
    inp.options[1].credit = "-50"
    assert build_question(inp).payload["scoring"] == "weights"


def _toml(**extra):
    return question_from_table({"type": "multiple_choice", "stem": "?",
                                "options": ["A", "B", "C"], "answer": [0, 2], **extra})


def test_a_file_question_defaults_to_proportional_and_keeps_the_legacy_partial():
    assert "scoring" not in _toml().payload
    assert preview(_toml().payload, 1.0).rule == "proportional"
    legacy = _toml(scoring="partial")  # files written before the rules stay valid
    assert preview(legacy.payload, 1.0).rule == "proportional"
    assert _toml(scoring="half").payload["scoring"] == "half"


def test_a_file_cannot_ask_for_weights_it_cannot_give():
    with pytest.raises(QuestionError) as refused:
        _toml(scoring="weights")
    assert refused.value.field == "scoring"
