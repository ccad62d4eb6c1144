"""Excel sheets as Chinese trainers fill them: a title row above the header, the column
names they use, merged 题型 cells, blank rows, answers typed every usual way, 判断题 in
words or by option letter, scoring words, CSV, and every problem of a row at once."""

from __future__ import annotations

import pytest

from app.services.quiz.data import QuestionData, other_number
from app.services.quiz.importers.xlsx import parse_xlsx
from app.services.quiz.types import get_type
from app.services.quiz.xlsx_template import export_xlsx, template_workbook
from tests.unit.quiz_import.xlsx_helpers import build_xlsx
from tests.unit.quiz_import.xlsx_helpers import sheet_rows as workbook

HEADER = ["题目类型", "题目", "选项A", "选项B", "选项C", "选项D", "正确答案", "答案解析", "分值"]


def imported(data: bytes, filename: str = "") -> list[QuestionData]:
    result = parse_xlsx(data, filename)
    assert result.errors == [], [str(error) for error in result.errors]
    return result.questions


def problems(data: bytes) -> list[tuple[int, str, str]]:
    result = parse_xlsx(data)
    assert result.questions == []
    return [(error.line, error.column, str(error.message)) for error in result.errors]


def right(question: QuestionData) -> list[int]:
    return [i for i, o in enumerate(question.payload["options"]) if o["fraction"] > 0]


def test_a_sheet_filled_the_chinese_way_imports_whole():
    data = workbook([
        ["2024 年第三季度 术后护理考试题库"],
        ["护理部 编制", None, None, None, None, None, "2024-07-01"],
        HEADER,
        ["单选题", "玻尿酸注射后多久可以化妆？", "立即", "24 小时后", "一周后", None, "B.", "", 2],
        [None, "术后第一天应该？", "热敷", "冷敷", None, None, "Ｂ"],
        [None] * 9,
        ["多选题", "光子嫩肤术后正确的做法？", "严格防晒", "蒸桑拿", "加强保湿", "温和清洁",
         "A、C、D"],
        [None, "哪些属于术后禁忌？", "饮酒", "防晒", "桑拿", "保湿", "a c"],
        [None, "哪些要上报？", "异常肿胀", "轻微发红", "水疱", "正常结痂", "A，C"],
        ["判断题", "术后可以立即桑拿。", None, None, None, None, "×"],
        [None, "异常肿胀应立即上报主管。", None, None, None, None, "√"],
        [None, "可以当天化妆。", "正确", "错误", None, None, "B"],
    ], merges=("A1:I1", "A4:A5", "A7:A9", "A10:A12"))
    questions = imported(data)
    assert [q.type for q in questions] == ["single_choice", "single_choice",
                                           "multiple_choice", "multiple_choice",
                                           "multiple_choice", "true_false", "true_false",
                                           "true_false"]
    assert right(questions[0]) == [1] and right(questions[1]) == [1]
    assert [right(q) for q in questions[2:5]] == [[0, 2, 3], [0, 2], [0, 2]]
    assert [q.payload["answer"] for q in questions[5:]] == [False, True, False]
    assert questions[0].points == 2.0
    assert all(q.payload["scoring"] == "proportional" for q in questions[2:5])


@pytest.mark.parametrize("names", [
    ["题型", "题干", "A", "B", "答案", "解析", "分数"],
    ["类型", "试题", "选项 A", "选项 B", "参考答案", "答案解析", "分值"],
    ["题目类型", "题目", "A选项", "B选项", "标准答案", "解析", "分数"],
])
def test_header_synonyms(names):
    data = workbook([names, ["单选", "选哪个？", "甲", "乙", "B", "因为乙", "3"]])
    question = imported(data)[0]
    assert (right(question), question.explanation, question.points) == ([1], "因为乙", 3.0)


@pytest.mark.parametrize("answer", ["A,C", "AC", "A、C", "A，C", "a c", "A C", "A/C", "A.C.",
                                    "ＡＣ", "A；C"])
def test_multiple_choice_answers_as_typed(answer):
    data = workbook([HEADER, ["多选题", "选哪些？", "甲", "乙", "丙", "丁", answer]])
    assert right(imported(data)[0]) == [0, 2]


@pytest.mark.parametrize("answer", ["B", "b", "B.", "Ｂ", "B．", " B "])
def test_single_choice_answers_as_typed(answer):
    data = workbook([HEADER, ["单选题", "选哪个？", "甲", "乙", "丙", None, answer]])
    assert right(imported(data)[0]) == [1]


@pytest.mark.parametrize(("answer", "value"), [
    ("对", True), ("错", False), ("√", True), ("×", False), ("✓", True), ("✗", False),
    ("正确", True), ("错误", False), ("T", True), ("F", False), ("是", True), ("否", False),
    ("✔", True), ("✘", False)])
def test_true_false_words(answer, value):
    data = workbook([HEADER, ["判断题", "对吗？", None, None, None, None, answer]])
    assert imported(data)[0].payload["answer"] is value


@pytest.mark.parametrize(("option_a", "option_b", "answer", "value"), [
    ("正确", "错误", "A", True), ("正确", "错误", "B", False), ("对", "错", "b", False),
    ("错误", "正确", "A", False), ("正确", "错误", "错误", False)])
def test_true_false_by_option_letter(option_a, option_b, answer, value):
    data = workbook([HEADER, ["判断题", "对吗？", option_a, option_b, None, None, answer]])
    assert imported(data)[0].payload["answer"] is value


def test_true_false_with_other_options_is_refused_on_each_option():
    data = workbook([HEADER, ["判断题", "对吗？", "也许", "错误", None, None, "A"]])
    assert [(row, column) for row, column, _ in problems(data)] == [(2, "选项A"),
                                                                   (2, "选项B")]


@pytest.mark.parametrize(("words", "rule"), [
    ("全对", "all_or_nothing"), ("全对才得分", "all_or_nothing"),
    ("少选得一半", "half"), ("半对得一半", "half"), ("按比例", "proportional"),
    ("少选按比例", "proportional"), ("按权重", "weights")])
def test_scoring_words_in_the_answer_cell(words, rule):
    data = workbook([HEADER, ["多选题", "选哪些？", "甲", "乙", "丙", "丁", f"A,C {words}"]])
    question = imported(data)[0]
    assert question.payload["scoring"] == rule
    assert right(question) == [0, 2]


def test_half_scoring_grades_half_for_a_correct_subset():
    data = workbook([HEADER, ["多选题", "选哪些？", "甲", "乙", "丙", "丁", "ACD 少选得一半"]])
    question = imported(data)[0]
    kind = get_type(question.type)
    assert kind.grade(question, kind.normalise_response(question, [0])).fraction == 0.5
    assert kind.grade(question, kind.normalise_response(question, [0, 1, 2, 3])).fraction == 0.0


def test_every_problem_of_a_row_is_reported_at_once():
    data = workbook([HEADER + ["难度"],
                     ["单选题", "选哪个？", "甲", None, "丙", None, "Z", "", "很多", "九"],
                     ["判断题", "对吗？", None, None, None, None, "对"],
                     ["怪题", "", None, None, None, None, None, None, "-1"]])
    found = problems(data)
    assert [(row, column) for row, column, _ in found] == [
        (2, "选项B"), (2, "答案"), (2, "分值"), (2, "难度"),
        (4, "题型"), (4, "题干"), (4, "分值")]
    assert all(message.startswith(f"Column {column}") for _, column, message in found)


def test_a_sheet_with_no_header_row_says_so_on_its_first_row():
    found = problems(workbook([["题库"], ["名称", "内容"], ["1", "x"]]))
    assert {row for row, _column, _message in found} == {1}
    assert any("题型" in message for _row, _column, message in found)


def test_a_csv_sheet_imports_as_a_sheet():
    text = ("题库（导出）\n题目类型,题目,选项A,选项B,正确答案\n单选题,选哪个？,甲,乙,B\n"
            "判断题,对吗？,,,√\n")
    for encoding, name in (("utf-8-sig", "题库.csv"), ("gb18030", "导出.xls")):
        questions = imported(text.encode(encoding), name)
        assert [q.type for q in questions] == ["single_choice", "true_false"]


def test_numerical_any_other_number_in_the_answer_cell():
    data = workbook([["题型", "题干", "答案"], ["数值题", "几周？", "16 | 其他"]])
    question = imported(data)[0]
    assert question.payload["answers"][1] == other_number(0.0)
    assert get_type("numerical").grade(question, "16").fraction == 1.0


def test_export_then_import_keeps_every_scoring_rule():
    data = workbook([HEADER] + [["多选题", f"规则{n}", "甲", "乙", "丙", "丁", answer]
                                for n, answer in enumerate(
                                    ["A,C 全对", "A,C 少选得一半", "A,C", "A,C 按权重",
                                     "A=60%,C=40%,B=-50% 按比例", "A=60%,C=40%,B=-50%"])])
    questions = imported(data)
    assert [q.payload["scoring"] for q in questions] == [
        "all_or_nothing", "half", "proportional", "weights", "proportional", "weights"]
    assert imported(export_xlsx(questions)) == questions


def test_single_choice_with_a_half_right_option_round_trips():
    data = build_xlsx({"题型": "单选题", "题干": "怎么办？", "选项A": "冷敷", "选项B": "观察",
                       "选项C": "热敷", "答案": "A,B=50%"})
    question = imported(data)[0]
    assert [o["fraction"] for o in question.payload["options"]] == [1.0, 0.5, 0.0]
    assert imported(export_xlsx([question])) == [question]


def test_downloaded_template_imports_cleanly():
    assert len(imported(template_workbook())) == 8


def test_number_column_points_with_unit_and_difficulty_in_words():
    data = workbook([["序号", "题型", "题干", "答案", "分值", "难度", "备注"],
                     [1, "判断题", "对吗？", "对", "2分", "简单", "张老师出题"],
                     [2, "判断题", "错吗？", "错", None, "困难"],
                     [3], [4]])
    questions = imported(data)
    assert [(q.points, q.difficulty) for q in questions] == [(2.0, 2), (1.0, 4)]


def test_difficulty_out_of_range_is_reported_with_the_rows_other_problems():
    data = workbook([["题型", "题干", "答案", "难度"], ["判断题", "对吗？", "也许", "9"]])
    assert [column for _row, column, _message in problems(data)] == ["答案", "难度"]
