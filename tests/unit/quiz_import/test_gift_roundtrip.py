"""Export → import gives back equal QuestionData, for a bank holding every question type."""

from __future__ import annotations

import pytest

from app.services.quiz.data import QuestionData, numerical_answer, option
from app.services.quiz.gift_export import GiftExportError, to_gift
from app.services.quiz.importers import parse_gift
from app.services.quiz.types import validate_question

BANK = [
    QuestionData(
        "single_choice", "玻尿酸注射后 ____ 小时内不要化妆。", title="术后护理: 化妆 {1}",
        scenario="客户问：“今天能化妆吗？”", explanation="见 SOP #3 {术后} ~ = \\ 结束",
        category="护理/术后", tags=["玻尿酸", "术后"], difficulty=2, points=2.5,
        payload={"options": [option("24", 1.0, "对 #1"), option("2", -0.5, "太短"),
                             option("[html]<b>0</b>", 0.0), option("%5% 立即", 0.0)]}),
    QuestionData(
        "multiple_choice", "<p>Which are <b>right</b>?</p>", text_format="html",
        category="护理/术后",
        payload={"options": [option("a", 1 / 3, "a: yes"), option("b", 2 / 3),
                             option("c", -1.0, "no"), option("d", 0.0)],
                 "scoring": "partial"}),
    QuestionData(
        "multiple_choice", "All or nothing", category="护理/术前",
        payload={"options": [option("x", 0.5), option("y", 0.5), option("z", 0.0)],
                 "scoring": "all_or_nothing"}),
    QuestionData("true_false", "光子嫩肤后需要防晒。", category="护理/术前",
                 payload={"answer": True, "feedback_true": "对", "feedback_false": "要防晒"}),
    QuestionData("true_false", "Sun rises in the west", explanation="East.",
                 payload={"answer": False, "feedback_true": "", "feedback_false": "Right"}),
    QuestionData("fill_blank", "Two plus ____ equals four.", text_format="plain",
                 payload={"answers": [option("two", 1.0), option("2", 1.0, "digits"),
                                      option("deux", 0.5, "French")]}),
    QuestionData("fill_blank", "The answer comes last: ____",
                 payload={"answers": [option("a->b", 1.0)]}),
    QuestionData("numerical", "When was Grant born?", difficulty=5,
                 payload={"answers": [numerical_answer(1822, 0.0, feedback="exact"),
                                      numerical_answer(1822.0, 2.5, fraction=0.5),
                                      numerical_answer(min=-1.5, max=3e20, fraction=0.1)]}),
    QuestionData("matching", "配对：项目 → 恢复期",
                 payload={"pairs": [{"left": "玻尿酸", "right": "3–7 天"},
                                    {"left": "光子 -> 嫩肤", "right": "1 天 -> 2 天"},
                                    {"left": "热玛吉", "right": "当天"}],
                          "distractors": ["一个月"]}),
    QuestionData("ordering", "请排列注射流程", tags=["流程"],
                 payload={"items": ["清洁", "敷麻 -> 30 分钟", "注射 {针}", "冰敷"]}),
    QuestionData("short_answer", "客户抱怨肿胀，你如何回复？", scenario="客户：脸肿了！",
                 payload={"reference": "先安抚，再说明 3–5 天消退。",
                          "rubric": ["安抚情绪", "说明消肿时间"]}),
    QuestionData("short_answer", "  Explain\n\nwhy:  ", category="",
                 payload={"reference": "", "rubric": []}),
]


def test_bank_is_valid():
    for question in BANK:
        validate_question(question)


def test_export_then_import_reproduces_every_question():
    result = parse_gift(to_gift(BANK))
    assert result.errors == [] and result.skipped == 0
    assert result.questions == BANK


def test_export_is_stable():
    text = to_gift(BANK)
    assert to_gift(parse_gift(text).questions) == text


def test_a_plain_question_is_pure_moodle_gift():
    question = QuestionData("single_choice", "Who's buried in Grant's tomb?",
                            title="Grant", explanation="It's Grant.",
                            payload={"options": [option("Grant", 1.0, "Yes"),
                                                 option("no one", 0.0)]})
    text = to_gift([question])
    assert "sop-academy:" not in text.split("\n", 2)[2]
    assert text.endswith("::Grant::[markdown]Who's buried in Grant's tomb?{\n=Grant#Yes\n"
                         "~no one\n####It's Grant.\n}\n")


def test_missing_word_answers_go_where_the_blank_is():
    question = QuestionData("fill_blank", "Two plus ____ equals four.",
                            payload={"answers": [option("two", 1.0)]})
    assert "[markdown]Two plus {\n=two\n} equals four." in to_gift([question])


def test_categories_are_written_once_per_change():
    text = to_gift(BANK)
    assert text.count("$CATEGORY: 护理/术后") == 1
    assert text.count("$CATEGORY: 护理/术前") == 1


def test_ordering_exports_as_numbered_matching():
    text = to_gift([BANK[9]])
    assert '// sop-academy: {"tags": ["流程"], "type": "ordering"}' in text
    assert "=1 -> 清洁\n=2 -> 敷麻 -> 30 分钟\n=3 -> 注射 \\{针\\}\n=4 -> 冰敷" in text


def test_metadata_patches_only_what_gift_lacks_so_edits_in_gift_survive():
    question = BANK[2]  # all-or-nothing multiple choice
    text = to_gift([question])
    assert '// sop-academy: {"payload": {"scoring": "all_or_nothing"}}' in text
    edited = parse_gift(text.replace("~%50%y", "~%50%y2")).questions[0]
    assert [o["text"] for o in edited.payload["options"]] == ["x", "y2", "z"]
    assert edited.payload["scoring"] == "all_or_nothing"


def test_an_invalid_question_cannot_be_exported():
    broken = QuestionData("single_choice", "Broken", payload={"options": None})
    with pytest.raises(GiftExportError):
        to_gift([broken])
