"""The Excel template and bank export: the template's examples import cleanly, export →
import gives back equal questions (GIFT and Excel), text is never a formula, and the
`flask questions export` command (plus the import progress bar)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion
from app.services.errors import DomainError
from app.services.quiz.banks import bank_questions, export_bank, import_questions
from app.services.quiz.data import TYPE_NAMES, QuestionData, numerical_answer, option
from app.services.quiz.importers.xlsx import parse_xlsx
from app.services.quiz.xlsx_template import XlsxExportError, export_xlsx, template_workbook
from tests.unit.quiz_import.test_gift_roundtrip import BANK as GIFT_BANK
from tests.unit.quiz_import.xlsx_helpers import sheet_cells

BANK = [
    QuestionData("single_choice", "玻尿酸注射后多久可以化妆？", title="化妆时间",
                 scenario="客户：今天能化妆吗？", explanation="24 小时内避免化妆。",
                 category="术后护理/注射", tags=["玻尿酸", "术后"], difficulty=2, points=2.5,
                 payload={"options": [option("立即", -0.5), option("24 小时后", 1.0),
                                      option("一周后")]}),
    QuestionData("multiple_choice", "哪些做法正确？", category="术后护理/光电",
                 payload={"options": [option("防晒", 1 / 3), option("桑拿", -1.0),
                                      option("保湿", 1 / 3), option("清洁", 1 / 3)],
                          "scoring": "weights"}),
    QuestionData("multiple_choice", "全对才得分", difficulty=5,
                 payload={"options": [option("a", 0.6), option("b", 0.4), option("c")],
                          "scoring": "all_or_nothing"}),
    QuestionData("true_false", "术后需要防晒。", explanation="防色沉。", tags=["防晒"],
                 payload={"answer": False, "feedback_true": "", "feedback_false": ""}),
    QuestionData("fill_blank", "出院后 ____ 小时内回访。", points=3,
                 payload={"answers": [option("24", 1.0), option("二十四", 1.0),
                                      option("48", 0.5), option("a=50%", 1.0)]}),
    QuestionData("numerical", "几周？", scenario="一个疗程 5 次，间隔 4 周。",
                 payload={"answers": [numerical_answer(16.0, 0.0),
                                      numerical_answer(12.0, 0.5, fraction=0.5),
                                      numerical_answer(min=-1.5, max=3e20, fraction=0.1)]}),
    QuestionData("matching", "配对", category="沟通",
                 payload={"pairs": [{"left": "询价", "right": "先了解需求"},
                                    {"left": "投诉", "right": "先安抚 -> 再记录"}],
                          "distractors": ["直接赠送"]}),
    QuestionData("ordering", "排序", tags=["流程", "接诊"],
                 payload={"items": ["迎宾", "问诊", "方案", "预约"]}),
    QuestionData("short_answer", "如何回复？", scenario="客户：脸还肿！", points=5,
                 payload={"reference": "先安抚，\n再说明恢复期。",
                          "rubric": ["安抚情绪", "说明恢复期"]}),
]


def reimported(questions: list[QuestionData]) -> list[QuestionData]:
    result = parse_xlsx(export_xlsx(questions))
    assert result.errors == [], [str(error) for error in result.errors]
    return result.questions


def header(data: bytes) -> list[str]:
    return [cell.value for cell in sheet_cells(data)[0]]


def test_template_examples_import_cleanly_one_per_type():
    data = template_workbook()
    result = parse_xlsx(data)
    assert result.errors == []
    assert [question.type for question in result.questions] == list(TYPE_NAMES)


def test_template_layout_header_bold_frozen_and_instructions():
    workbook = load_workbook(io.BytesIO(template_workbook()))
    assert workbook.sheetnames == ["题目", "说明"]
    sheet = workbook["题目"]
    assert [cell.value for cell in sheet[1]][:3] == ["题型", "题干", "选项A"]
    assert "附加数据" not in [cell.value for cell in sheet[1]]
    assert all(cell.font.b for cell in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    notes = "\n".join(str(cell.value) for row in workbook["说明"].iter_rows() for cell in row)
    for name in ("单选题", "多选题", "判断题", "填空题", "数值题", "匹配题", "排序题", "简答题",
                 "评分要点", "全对", "±", "->"):
        assert name in notes


def test_export_import_round_trip_in_plain_columns():
    data = export_xlsx(BANK)
    assert "附加数据" not in header(data)  # every field fits the template's own columns
    result = parse_xlsx(data)
    assert [q.to_dict() for q in result.questions] == [q.to_dict() for q in BANK]


def test_export_cells_use_the_documented_syntax():
    rows = {row[0].value: [cell.value for cell in row] for row in sheet_cells(export_xlsx(BANK))}
    columns = header(export_xlsx(BANK))
    answer = columns.index("答案")
    assert rows["单选题"][answer] == "A=-50%,B"
    assert rows["判断题"][answer] == "错"
    numeric = [row for row in sheet_cells(export_xlsx(BANK)) if row[0].value == "数值题"][0]
    assert numeric[answer].value == "16 | 12±0.5=50% | -1.5..300000000000000000000=10%"


def test_what_the_columns_cannot_hold_goes_into_the_extra_column_and_back():
    questions = [*GIFT_BANK,
                 QuestionData("ordering", "九步", payload={"items": [str(n) for n in range(9)]}),
                 QuestionData("fill_blank", "a|b\x0b", payload={"answers": [option("a|b", 1.0)]}),
                 QuestionData("single_choice", "Windows\r\nline", text_format="plain",
                              payload={"options": [option("x\r\ny", 1.0), option(" y ")]})]
    data = export_xlsx(questions)
    assert "附加数据" in header(data)
    assert [q.to_dict() for q in reimported(questions)] == [q.to_dict() for q in questions]


def test_text_that_looks_like_a_formula_stays_text():
    question = QuestionData(
        "single_choice", '=HYPERLINK("http://example.com","点我")', explanation="@SUM(A1)",
        tags=["-标签"], payload={"options": [option("+1", 1.0), option("-1"), option("=1+1")]})
    data = export_xlsx([question])
    risky = [cell for row in sheet_cells(data)[1:] for cell in row
             if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    assert len(risky) == 6
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in risky)
    assert reimported([question]) == [question]


def test_an_invalid_question_is_refused_by_the_export():
    broken = QuestionData("single_choice", "x", payload={"options": [option("only", 1.0)]})
    with pytest.raises(XlsxExportError):
        export_xlsx([broken])


# --- banks --------------------------------------------------------------------------------

def _add(bank: QuestionBank, data: QuestionData, *, category=None, archived=False,
         later: QuestionData | None = None) -> Question:
    question = Question(bank=bank, category=category, type=data.type,
                        current_version=2 if later else 1, archived=archived)
    question.versions.append(QuestionVersion(number=1, data=data.to_dict()))
    if later:
        question.versions.append(QuestionVersion(number=2, data=later.to_dict()))
    db.session.add(question)
    db.session.flush()
    return question


def test_bank_questions_are_current_versions_in_id_order_without_archived(app):
    bank = QuestionBank(slug="care", title="护理")
    db.session.add(bank)
    db.session.flush()
    category = QuestionCategory(bank_id=bank.id, path="护理/术后")
    db.session.add(category)
    first, second, third = BANK[0], BANK[3], BANK[8]
    _add(bank, first, category=category, later=BANK[1])
    _add(bank, second, archived=True)
    _add(bank, third)
    got = bank_questions(bank.id)
    assert [q.stem for q in got] == [BANK[1].stem, third.stem]
    assert [q.category for q in got] == ["护理/术后", ""]


def _import(slug: str, name: str, data: bytes) -> list[QuestionData]:
    report = import_questions(slug, name, data, None, dry_run=False)
    assert report.errors == [], [str(e) for e in report.errors]
    bank = db.session.execute(db.select(QuestionBank).filter_by(slug=slug)).scalar_one()
    return bank_questions(bank.id)


@pytest.mark.parametrize("fmt", ["gift", "xlsx"])
def test_a_bank_exported_and_imported_into_a_new_bank_is_the_same(app, fmt):
    original = _import("source", "a.xlsx", export_xlsx(BANK + GIFT_BANK))
    bank = db.session.execute(db.select(QuestionBank).filter_by(slug="source")).scalar_one()
    content, filename, mimetype = export_bank(bank.id, fmt)
    assert filename == f"source.{fmt}"
    assert mimetype.startswith("text/plain") if fmt == "gift" else "spreadsheetml" in mimetype
    copy = _import("copy", filename, content)
    assert [q.to_dict() for q in copy] == [q.to_dict() for q in original]
    assert len(copy) == len(BANK + GIFT_BANK)


def test_export_bank_refuses_unknown_banks_and_formats(app):
    with pytest.raises(DomainError):
        export_bank(12345, "gift")
    bank = QuestionBank(slug="care", title="护理")
    db.session.add(bank)
    db.session.flush()
    with pytest.raises(DomainError):
        export_bank(bank.id, "pdf")


# --- the CLI ------------------------------------------------------------------------------

@pytest.fixture
def stored(app):
    report = import_questions("post-care", "a.xlsx", export_xlsx(BANK), None, dry_run=False)
    assert report.errors == []
    db.session.commit()


def test_cli_export_gift_to_standard_output(runner, stored):
    result = runner.invoke(args=["questions", "export", "--bank", "post-care",
                                 "--format", "gift"])
    assert result.exit_code == 0, result.output
    assert "玻尿酸注射后多久可以化妆" in result.stdout
    assert "$CATEGORY: 术后护理/注射" in result.stdout


def test_cli_export_xlsx_to_a_file(runner, stored, tmp_path):
    path = tmp_path / "bank.xlsx"
    result = runner.invoke(args=["questions", "export", "--bank", "post-care", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout
    questions = parse_xlsx(path.read_bytes()).questions
    assert [q.stem for q in questions] == [q.stem for q in BANK]


def test_cli_export_xlsx_needs_a_file(runner, stored):
    result = runner.invoke(args=["questions", "export", "--bank", "post-care",
                                 "--format", "xlsx"])
    assert result.exit_code == 1 and "-o" in result.stderr and result.stdout == ""


def test_cli_export_of_an_unknown_bank_fails_clearly(runner, app):
    result = runner.invoke(args=["questions", "export", "--bank", "nope", "--format", "gift"])
    assert result.exit_code == 1
    assert "nope" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(("count", "shown"), [(201, True), (200, False)])
def test_cli_import_shows_progress_on_a_terminal_for_large_files(runner, app, tmp_path,
                                                                 monkeypatch, count, shown):
    monkeypatch.setattr("app.cli_questions._stdout_is_tty", lambda: True)
    path = tmp_path / "big.xlsx"
    path.write_bytes(export_xlsx([BANK[3]] * count))
    result = runner.invoke(args=["questions", "import", str(path), "--bank", "big"])
    assert result.exit_code == 0, result.output
    assert ("正在保存题目" in result.output) is shown  # "Saving questions"
    assert db.session.execute(db.select(db.func.count(Question.id))).scalar_one() == count
