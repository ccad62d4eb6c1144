"""The Excel question template and bank export: a 题目 sheet (one question per row) and a
说明 sheet explaining each column and each type's cell syntax.

`template_workbook()` is the download trainers fill in: the header row and one example per
question type. `export_xlsx(questions)` writes a bank in the same layout; `parse_xlsx`
reads either back (the examples import cleanly; an export re-imports as equal questions).
The sheet texts are Chinese by design: the Chinese header row is the file's contract.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.services.quiz.data import QuestionData, numerical_answer, option
from app.services.quiz.importers.xlsx import SHEET
from app.services.quiz.importers.xlsx_syntax import COLUMNS, EXTRA, STEM
from app.services.quiz.xlsx_rows import XlsxExportError, question_row

__all__ = ["XlsxExportError", "export_xlsx", "template_workbook"]

FORMULA_STARTS = ("=", "+", "-", "@")
WIDE = {STEM: 40, "答案": 24, "评分要点": 24, "解析": 30, "情景": 30, EXTRA: 30}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

GENERAL_NOTES = [
    "第一行是表头；列的顺序可以调整，用不到的选填列可以删除。表头上方可以有标题行。"
    "常见的列名也能识别：题目类型/类型、题目/试题、正确答案/参考答案、答案解析、分数、A/B/C……",
    "题型单元格可以合并（合并范围内的每一行都是该题型）。序号、题号、备注列会被忽略。",
    "每行一道题，空行会被跳过。任何一行有错误时整个文件都不会导入，并按行号列出全部错误。",
    "一个文件最多 5000 道题。以 = + - @ 开头的内容按文字保存，不会被当作公式。",
]
COLUMN_NOTES = [
    ("题型", "必填。单选题、多选题、判断题、填空题、数值题、匹配题、排序题、简答题；"
             "也可写简称（单选、多选……）或英文类型名（single_choice 等）。"),
    ("题干", "必填。题目正文，支持 Markdown；填空题可用 ____ 标出空格位置。"),
    ("选项A–选项H", "从选项A起连续填写，最多 8 项。单选题、多选题填选项；匹配题每格一对；"
                  "排序题按正确顺序填写各步骤。其他题型留空。"),
    ("答案", "写法见下方“各题型写法”。"),
    ("评分要点", "仅简答题。每行一个要点（或用 | 分隔），供批改人参考。"),
    ("解析", "选填。学员作答后显示。"),
    ("分值", "选填。大于 0 的数字，默认 1。"),
    ("分类", "选填。用 / 分隔层级，如：术后护理/注射。"),
    ("难度", "选填。1–5 的整数，默认 3；也可写 简单、中等、困难 等。"),
    ("标签", "选填。多个标签用逗号、顿号或空格分隔。"),
    ("情景", "选填。显示在题干上方的客户留言或情景。"),
    ("标题", "选填。题目的简短名称，便于在题库中查找。"),
    (EXTRA, "导出时自动填写，保存表格列无法表达的内容（如选项反馈、超过 8 个选项）。"
            "含 payload 时以此格的选项和答案为准；要修改选项或答案，请先清空此格。"),
]
TYPE_NOTES = [
    ("单选题", "答案写正确选项的字母，如 B（也可写 b、B.、Ｂ）。其他选项可给部分分或倒扣分："
               "B,C=50%（选 C 得一半分）、B,C=-50%（选 C 扣一半分）。"),
    ("多选题", "答案写全部正确选项，如 ACD 或 A,C,D，各项平分分数；也可分别给分，如 "
               "A=60%,C=40%；错选倒扣：A,C,D,B=-50%。字母之间可用逗号、顿号、空格或不分隔"
               "（A,C、A、C、A C、AC）。计分方式默认为“错选不得分、少选按比例”；在答案后写上"
               "“全对”（如 ACD 全对）则必须全部选对才得分，写“少选得一半”则选对一部分且没有"
               "错选得一半分，写“按比例”为默认规则，写“按权重”则按各选项的百分比累计。"),
    ("判断题", "答案写 对 或 错（也可写 正确/错误、√/×、✓/✗、T/F、是/否、true/false）；"
               "若选项A、选项B填了“正确”“错误”，答案也可写 A 或 B。"),
    ("填空题", "答案写可接受的答案，多个用 | 分隔，如：24 | 二十四；部分得分在答案后加 "
               "=百分比，如：一天=50%。判分时忽略大小写、全半角、多余空格和中英文标点差异。"),
    ("数值题", "答案写数字 16、带误差的 12±0.5 或范围 10..15；多个用 | 分隔，可加部分得分，"
               "如：16 | 15..17=50%；* 表示“其他任何数值”（可配合附加数据中的反馈）。"),
    ("匹配题", "每个选项格写一对“左 -> 右”（至少两对）；只写“-> 右”是干扰项。答案留空。"),
    ("排序题", "按正确顺序把步骤填入选项A、选项B……（至少两项）。答案留空。"),
    ("简答题", "答案写参考答案（可留空），评分要点写要点；由主管人工批改。"),
]

EXAMPLES = [
    QuestionData("single_choice", "玻尿酸注射后多久可以化妆？", category="术后护理/注射",
                 tags=["玻尿酸", "术后"], difficulty=2, explanation="注射后 24 小时内避免化妆。",
                 payload={"options": [option("立即"), option("24 小时后", 1.0),
                                      option("一周后")]}),
    QuestionData("multiple_choice", "光子嫩肤术后，哪些做法是正确的？", category="术后护理/光电",
                 points=2, payload={"options": [option("严格防晒", 1 / 3),
                                                option("当天蒸桑拿"),
                                                option("加强保湿", 1 / 3),
                                                option("温和清洁", 1 / 3)],
                                    "scoring": "proportional"}),
    QuestionData("true_false", "客户术后出现异常肿胀时，应立即上报主管并记录。",
                 category="术后护理", payload={"answer": True, "feedback_true": "",
                                               "feedback_false": ""}),
    QuestionData("fill_blank", "出院回访应在客户出院后 ____ 小时内完成。", category="回访",
                 payload={"answers": [option("24", 1.0), option("二十四", 1.0),
                                      option("48", 0.5)]}),
    QuestionData("numerical", "一个疗程共 5 次，每次间隔 4 周，完成整个疗程至少需要几周？",
                 difficulty=4, payload={"answers": [numerical_answer(16.0, 0.0)]}),
    QuestionData("matching", "把客户的情况与第一步处理方式配对。", category="沟通",
                 payload={"pairs": [{"left": "客户询价", "right": "先了解需求再报价"},
                                    {"left": "客户投诉", "right": "先安抚情绪再记录"}],
                          "distractors": ["直接赠送项目"]}),
    QuestionData("ordering", "请按正确顺序排列接诊流程。", category="接诊",
                 payload={"items": ["迎宾问候", "了解需求", "面诊评估", "方案沟通", "预约确认"]}),
    QuestionData("short_answer", "请写出你的回复话术。", category="沟通", points=5,
                 scenario="客户：我做完三天了，脸还是有点肿，是不是做坏了？",
                 payload={"reference": "先安抚情绪，说明 3–7 天内轻微肿胀属正常，"
                                       "并邀请客户到院复查。",
                          "rubric": ["安抚情绪", "说明正常恢复期", "邀请到院复查"]}),
]


def template_workbook() -> bytes:
    """The blank template: header row, one example row per question type, instructions."""
    return export_xlsx(EXAMPLES)


def export_xlsx(questions: Iterable[QuestionData]) -> bytes:
    """The questions in the template layout; XlsxExportError for an invalid question."""
    rows = [question_row(question) for question in questions]
    columns = [*COLUMNS, EXTRA] if any(EXTRA in row for row in rows) else list(COLUMNS)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = row.get(column)
            if value not in (None, ""):
                write_cell(sheet, number, index, value)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDE.get(column, 12)
    sheet.freeze_panes = "A2"
    _notes(workbook.create_sheet("说明"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_cell(sheet, row: int, column: int, value) -> None:
    """Write a value; text is always stored as text, never evaluated as a formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _notes(sheet) -> None:
    sheet.append(["填写说明"])
    for text in GENERAL_NOTES:
        sheet.append(["", text])
    sheet.append([])
    sheet.append(["列", "说明"])
    for row in COLUMN_NOTES:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["各题型写法", "（在“答案”列中）"])
    for row in TYPE_NOTES:
        sheet.append(list(row))
    for row in sheet.iter_rows():
        if row[0].value in ("填写说明", "列", "各题型写法"):
            for cell in row:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 100
