"""Excel (.xlsx) question import: each type's cell syntax, the header contract, row errors
(all or nothing, by row and column), number cells, damaged files, and the CLI."""

from __future__ import annotations

import io
import json
import random
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models.quiz import Question, QuestionBank
from app.services.quiz.data import QuestionData, numerical_answer, option
from app.services.quiz.importers.xlsx import parse_xlsx
from tests.unit.quiz_import.xlsx_helpers import build_xlsx


def only(*rows: dict, **kwargs) -> QuestionData:
    """The one question of a workbook that must import without errors."""
    questions = imported(*rows, **kwargs)
    assert len(questions) == 1
    return questions[0]


def imported(*rows: dict, **kwargs) -> list[QuestionData]:
    result = parse_xlsx(build_xlsx(*rows, **kwargs))
    assert result.errors == [], [str(error) for error in result.errors]
    return result.questions


def errors(*rows: dict, **kwargs) -> list[tuple[int, str]]:
    result = parse_xlsx(build_xlsx(*rows, **kwargs))
    assert result.questions == []
    return [(error.line, str(error.message)) for error in result.errors]


def choice(kind: str, answer, count: int = 4, **more) -> dict:
    row = {"题型": kind, "题干": "选哪个？", "答案": answer}
    row.update({f"选项{'ABCDEFGH'[i]}": f"选项{i + 1}" for i in range(count)})
    return row | more


def fractions(question: QuestionData) -> list[float]:
    return [entry["fraction"] for entry in question.payload["options"]]


# --- single and multiple choice ---------------------------------------------------------

@pytest.mark.parametrize("answer", ["B", "b", "Ｂ", " B ", "B=100%"])
def test_single_choice_answer_is_one_letter(answer):
    question = only(choice("单选题", answer, 3))
    assert question.type == "single_choice"
    assert question.payload == {"options": [option("选项1"), option("选项2", 1.0),
                                            option("选项3")]}


def test_single_choice_wrong_options_may_cost_points():
    assert fractions(only(choice("单选题", "B,C=-50%"))) == [0.0, 1.0, -0.5, 0.0]


@pytest.mark.parametrize("answer", ["ACD", "A,C,D", "A、C、D", "a c d", "A，C；D"])
def test_multiple_choice_right_options_share_the_credit(answer):
    question = only(choice("多选题", answer))
    assert fractions(question) == [1 / 3, 0.0, 1 / 3, 1 / 3]
    assert question.payload["scoring"] == "proportional"


def test_multiple_choice_weights_negative_weights_and_all_or_nothing():
    weighted = only(choice("多选题", "A=60%, C=40%, B=-50%"))
    assert fractions(weighted) == [0.6, -0.5, 0.4, 0.0]
    strict = only(choice("多选题", "A,C,D,B=-100% 全对"))
    assert fractions(strict) == [1 / 3, -1.0, 1 / 3, 1 / 3]
    assert strict.payload["scoring"] == "all_or_nothing"


@pytest.mark.parametrize(("kind", "answer", "needle"), [
    ("单选题", "AB", "exactly one right option"),
    ("单选题", "E", "option E"),
    ("单选题", "A 全对", "全对"),
    ("单选题", "第二个", "option letters"),
    ("多选题", "A,A", "twice"),
    ("多选题", "A=50%,C", "weight"),
    ("多选题", "A=60%,C=60%", "add up to 1"),
    ("多选题", "A=150%", "150"),
    ("多选题", None, "answer is missing"),
])
def test_choice_answer_mistakes_name_the_answer_column(kind, answer, needle):
    ((line, message),) = errors(choice(kind, answer))
    assert line == 2
    assert message.startswith("Column 答案:") and needle in message


def test_a_gap_in_the_options_names_the_empty_option():
    row = choice("单选题", "A", 2) | {"选项D": "第四项"}
    ((line, message),) = errors(row)
    assert line == 2 and "选项C" in message


# --- the other types ----------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "expected"), [
    ("对", True), ("错", False), ("正确", True), ("错误", False), ("√", True), ("×", False),
    ("true", True), ("FALSE", False), (True, True), (False, False),
])
def test_true_false_words_and_boolean_cells(answer, expected):
    question = only({"题型": "判断题", "题干": "术后需要防晒。", "答案": answer})
    assert question.payload == {"answer": expected, "feedback_true": "", "feedback_false": ""}


def test_true_false_with_an_unknown_word_or_options_is_refused():
    ((_, unknown),) = errors({"题型": "判断题", "题干": "x", "答案": "也许"})
    assert "答案" in unknown
    ((_, options),) = errors({"题型": "判断题", "题干": "x", "答案": "对", "选项A": "对"})
    assert "选项A" in options


def test_fill_blank_accepted_answers_with_partial_credit():
    question = only({"题型": "填空题", "题干": "出院后 ____ 小时内回访。",
                     "答案": "24 | 二十四｜48 = 50%"})
    assert question.payload == {"answers": [option("24", 1.0), option("二十四", 1.0),
                                            option("48", 0.5)]}


def test_fill_blank_number_cell_and_empty_alternative():
    assert only({"题型": "填空", "题干": "几小时？", "答案": 24}).payload == {
        "answers": [option("24", 1.0)]}
    ((_, message),) = errors({"题型": "填空题", "题干": "x", "答案": "a||b"})
    assert "答案" in message and "empty" in message


@pytest.mark.parametrize(("answer", "expected"), [
    ("16", [numerical_answer(16.0, 0.0)]),
    (16, [numerical_answer(16.0, 0.0)]),
    (12.5, [numerical_answer(12.5, 0.0)]),
    ("12±0.5", [numerical_answer(12.0, 0.5)]),
    ("10..15", [numerical_answer(min=10.0, max=15.0)]),
    ("-5 ~ -3", [numerical_answer(min=-5.0, max=-3.0)]),
    ("16 | 15..17=50%", [numerical_answer(16.0, 0.0),
                         numerical_answer(min=15.0, max=17.0, fraction=0.5)]),
])
def test_numerical_values_tolerances_ranges_and_number_cells(answer, expected):
    question = only({"题型": "数值题", "题干": "几周？", "答案": answer})
    assert question.payload == {"answers": expected}


def test_numerical_text_that_is_no_number_is_refused():
    ((line, message),) = errors({"题型": "数值题", "题干": "几周？", "答案": "十六周"})
    assert line == 2 and "十六周" in message


def test_matching_pairs_and_distractors():
    question = only({"题型": "匹配题", "题干": "配对", "选项A": "客户询价 -> 先了解需求",
                     "选项B": "客户投诉→先安抚", "选项C": "-> 直接赠送"})
    assert question.payload == {
        "pairs": [{"left": "客户询价", "right": "先了解需求"},
                  {"left": "客户投诉", "right": "先安抚"}],
        "distractors": ["直接赠送"]}


def test_matching_without_arrow_names_the_option():
    ((_, message),) = errors({"题型": "匹配题", "题干": "配对", "选项A": "a -> 1",
                              "选项B": "b 2"})
    assert "选项B" in message and "->" in message


def test_ordering_options_are_the_correct_order_and_the_answer_stays_empty():
    question = only({"题型": "排序题", "题干": "排序", "选项A": "迎宾", "选项B": "问诊",
                     "选项C": "报价"})
    assert question.payload == {"items": ["迎宾", "问诊", "报价"]}
    ((_, message),) = errors({"题型": "排序题", "题干": "排序", "选项A": "迎宾",
                              "选项B": "问诊", "答案": "BA"})
    assert "答案" in message


def test_short_answer_reference_and_rubric_points():
    question = only({"题型": "简答题", "题干": "如何回复？", "答案": "先安抚。",
                     "评分要点": "安抚情绪\n说明恢复期 | 邀请复查\n"})
    assert question.payload == {"reference": "先安抚。",
                                "rubric": ["安抚情绪", "说明恢复期", "邀请复查"]}
    ((_, message),) = errors({"题型": "判断题", "题干": "x", "答案": "对", "评分要点": "a"})
    assert "评分要点" in message


# --- common columns, type names, headers -----------------------------------------------

def test_common_columns_and_number_cells():
    question = only({"题型": "判断题", "题干": "  术后需要防晒。 ", "答案": "对",
                     "解析": "防晒防色沉。", "分值": 2.0, "分类": "术后护理/光电",
                     "难度": 4, "标签": "防晒, 光子、术后 护理，色沉",
                     "情景": "客户：今天能晒太阳吗？", "标题": "防晒"})
    assert question == QuestionData(
        "true_false", "术后需要防晒。", title="防晒", scenario="客户：今天能晒太阳吗？",
        explanation="防晒防色沉。", category="术后护理/光电",
        tags=["防晒", "光子", "术后", "护理", "色沉"], difficulty=4, points=2.0,
        payload={"answer": True, "feedback_true": "", "feedback_false": ""})


def test_defaults_for_empty_points_and_difficulty_and_decimal_points():
    question = only({"题型": "判断题", "题干": "x", "答案": "对"})
    assert (question.points, question.difficulty, question.tags) == (1.0, 3, [])
    assert only({"题型": "判断题", "题干": "x", "答案": "对", "分值": "2.5"}).points == 2.5


@pytest.mark.parametrize(("column", "value"), [("分值", 0), ("分值", "两分"), ("难度", 7),
                                               ("难度", 2.5), ("难度", "超难")])
def test_bad_points_or_difficulty_names_the_column(column, value):
    ((line, message),) = errors({"题型": "判断题", "题干": "x", "答案": "对", column: value})
    assert line == 2 and f"Column {column}:" in message


@pytest.mark.parametrize(("name", "kind"), [
    ("单选题", "single_choice"), ("单选", "single_choice"), ("single_choice", "single_choice"),
    ("Single_Choice", "single_choice"), ("多项选择题", "multiple_choice"),
    ("multiple_choice", "multiple_choice"),
])
def test_chinese_and_english_type_names(name, kind):
    assert only(choice(name, "A")).type == kind


def test_every_english_type_name_is_accepted():
    rows = [choice("single_choice", "A"), choice("multiple_choice", "AB"),
            {"题型": "true_false", "题干": "x", "答案": "true"},
            {"题型": "fill_blank", "题干": "x", "答案": "y"},
            {"题型": "numerical", "题干": "x", "答案": "1"},
            {"题型": "matching", "题干": "x", "选项A": "a -> 1", "选项B": "b -> 2"},
            {"题型": "ordering", "题干": "x", "选项A": "a", "选项B": "b"},
            {"题型": "short_answer", "题干": "x"}]
    assert [q.type for q in imported(*rows)] == [
        "single_choice", "multiple_choice", "true_false", "fill_blank", "numerical",
        "matching", "ordering", "short_answer"]


def test_headers_in_any_order_with_spaces_and_optional_columns_left_out():
    data = build_xlsx({"答案": "对", "题干": "x", "题型": "判断题"},
                      columns=[" 答案", "题干 ", " 题 型 "])
    (question,) = parse_xlsx(data).questions
    assert question.payload["answer"] is True


def test_question_sheet_is_found_by_name_and_empty_rows_are_skipped():
    data = build_xlsx({"题型": "判断题", "题干": "a", "答案": "对"}, {},
                      {"题型": "判断题", "题干": "b", "答案": "错"}, {},
                      {"题型": "判断题", "题干": "c", "答案": "也许"},
                      before=["说明"])
    result = parse_xlsx(data)
    assert [error.line for error in result.errors] == [6]


@pytest.mark.parametrize(("columns", "needle"), [
    (["题型", "题干", "答案", "来源"], "来源"),
    (["题型", "答案"], "题干"),
    (["题型", "题干", "答案", "答案"], "twice"),
])
def test_header_problems_are_reported_on_the_header_row(columns, needle):
    result = parse_xlsx(build_xlsx({"题型": "判断题", "题干": "x", "答案": "对"},
                                   columns=columns))
    ((line, message),) = [(e.line, str(e.message)) for e in result.errors]
    assert line == 1 and needle in message
    assert result.questions == []


def test_every_bad_row_is_listed_and_nothing_is_imported():
    found = errors({"题型": "判断题", "题干": "好题", "答案": "对"},
                   choice("单选题", "E"),
                   {"题型": "论述题", "题干": "x"},
                   {},
                   {"题型": "判断题", "题干": "x", "答案": "对", "难度": 7},
                   {"题型": "判断题", "答案": "对"})
    assert [(line, message.split(":")[0]) for line, message in found] == [
        (3, "Column 答案"), (4, "Column 题型"), (6, "Column 难度"), (7, "Column 题干")]
    assert "单选题" in found[1][1]  # the unknown type's message lists the known ones


def test_extra_data_column_must_hold_json():
    ((_, message),) = errors({"题型": "判断题", "题干": "x", "答案": "对", "附加数据": "{oops"})
    assert "附加数据" in message


def test_extra_data_replaces_the_payload_and_fields():
    extra = {"payload": {"answer": False, "feedback_true": "再想想", "feedback_false": "对"},
             "text_format": "plain"}
    question = only({"题型": "判断题", "题干": "x", "答案": "对",
                     "附加数据": json.dumps(extra, ensure_ascii=False)})
    assert question.payload == extra["payload"] and question.text_format == "plain"


def test_formula_looking_text_is_read_as_text():
    row = choice("单选题", "A", 2) | {"题干": "=1+1", "选项A": "+2", "选项B": "-3",
                                      "解析": "@SUM(A1)"}
    question = only(row)
    assert question.stem == "=1+1" and question.explanation == "@SUM(A1)"
    assert [o["text"] for o in question.payload["options"]] == ["+2", "-3"]


# --- files that are not question workbooks ----------------------------------------------

def _zip_with_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


NOT_XLSX = ("This is not a valid Excel (.xlsx) file: open it in Excel or WPS and save it again "
            "as .xlsx.")
GARBAGE = [
    b"garbage",
    "题型,题干\n判断题,x".encode(),
    b"PK\x03\x04" + random.Random(1).randbytes(3000),
    _zip_with_text(),
    build_xlsx({"题型": "判断题", "题干": "x", "答案": "对"})[:1500],
]


@pytest.mark.parametrize("data", GARBAGE)
def test_bytes_that_are_no_xlsx_give_one_clear_error(data):
    result = parse_xlsx(data)
    assert result.questions == []
    ((line, message),) = [(e.line, str(e.message)) for e in result.errors]
    assert line == 0 and message == NOT_XLSX


def test_old_xls_files_are_told_to_save_as_xlsx():
    ((line, message),) = [(e.line, str(e.message))
                          for e in parse_xlsx(b"\xd0\xcf\x11\xe0" + bytes(600)).errors]
    assert line == 0 and ".xls" in message and ".xlsx" in message


def test_more_than_5000_questions_are_refused():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("题目")
    sheet.append(["题型", "题干", "答案"])
    for number in range(5001):
        sheet.append(["判断题", f"第 {number} 题", "对"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    ((line, message),) = [(e.line, str(e.message))
                          for e in parse_xlsx(buffer.getvalue()).errors]
    assert line == 0 and "5000" in message


def test_header_only_workbook_is_refused_as_the_file_as_a_whole():
    result = parse_xlsx(build_xlsx(columns=["题型", "题干"]))
    assert result.questions == []
    assert [(e.line, str(e.message)) for e in result.errors] == [
        (0, "The file has a header row but no data rows.")]


# --- the CLI ------------------------------------------------------------------------------

ROWS = [choice("单选题", "B", 3, 分类="术后护理/注射"), choice("多选题", "A,C"),
        {"题型": "判断题", "题干": "x", "答案": "错"},
        {"题型": "简答题", "题干": "如何回复？", "答案": "先安抚。"}]


def _invoke(runner, tmp_path, data: bytes, *extra: str, name: str = "题库.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["questions", "import", str(path), "--bank", "post-care",
                               "--json", *extra])


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_cli_imports_an_xlsx_file(runner, app, tmp_path):
    result = _invoke(runner, tmp_path, build_xlsx(*ROWS))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "imported": 4, "skipped": 0, "errors": [],
        "by_type": {"single_choice": 1, "multiple_choice": 1, "true_false": 1,
                    "short_answer": 1}}
    assert _count(Question) == 4
    first = db.session.execute(select(Question).order_by(Question.id)).scalars().first()
    assert first.category.path == "术后护理/注射"


def test_cli_dry_run_and_format_option(runner, app, tmp_path):
    result = _invoke(runner, tmp_path, build_xlsx(*ROWS), "--dry-run", "--format", "xlsx",
                     name="题库.bin")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 4
    assert _count(QuestionBank) == 0 and _count(Question) == 0


def test_cli_reports_rows_with_errors_and_writes_nothing(runner, app, tmp_path):
    result = _invoke(runner, tmp_path, build_xlsx(*ROWS, choice("单选题", "Z")))
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["imported"] == 0 and payload["by_type"] == {}
    assert [error["line"] for error in payload["errors"]] == [6]
    assert "答案" in payload["errors"][0]["message"]
    assert _count(QuestionBank) == 0 and _count(Question) == 0


def test_cli_refuses_garbage_named_xlsx(runner, app, tmp_path):
    result = _invoke(runner, tmp_path, b"PK\x03\x04 not really")
    assert result.exit_code == 1
    (error,) = json.loads(result.stdout)["errors"]
    assert error["line"] == 0 and "xlsx" in error["message"]
