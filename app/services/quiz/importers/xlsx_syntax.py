"""The Excel question template's cell syntax (docs/question-format.md, "Excel template"): its
columns and their synonyms, type names, the answer letters, scoring words and number forms, and
the errors a cell can raise. xlsx_payloads reads each question type's cells with them.

Cells arrive as text (see `cell_text`); a problem raises CellError naming the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from app.services.importers import sources

Cells = Mapping[str, str]

TYPE_COLUMN, STEM, ANSWER, RUBRIC, EXPLANATION = "题型", "题干", "答案", "评分要点", "解析"
POINTS, CATEGORY, DIFFICULTY, TAGS = "分值", "分类", "难度", "标签"
SCENARIO, TITLE, EXTRA = "情景", "标题", "附加数据"
LETTERS = "ABCDEFGH"
OPTION_COLUMNS = tuple(f"选项{letter}" for letter in LETTERS)
COLUMNS = (TYPE_COLUMN, STEM, *OPTION_COLUMNS, ANSWER, RUBRIC, EXPLANATION, POINTS, CATEGORY,
           DIFFICULTY, TAGS, SCENARIO, TITLE)
KNOWN_COLUMNS = (*COLUMNS, EXTRA)
REQUIRED_COLUMNS = (TYPE_COLUMN, STEM)
# Other names trainers give the columns (compared ignoring spaces, width and case, so
# "选项 A" and "Ａ" match too); the template's own name comes first in HEADER_NAMES.
SYNONYMS = {
    TYPE_COLUMN: ("题目类型", "试题类型", "类型", "题类", "type"),
    STEM: ("题目", "试题", "题目内容", "试题内容", "问题", "题干内容", "stem", "question"),
    ANSWER: ("正确答案", "参考答案", "标准答案", "answer"),
    EXPLANATION: ("答案解析", "试题解析", "题目解析", "explanation"),
    POINTS: ("分数", "得分", "points", "score"),
    DIFFICULTY: ("难易度", "难易程度", "difficulty"),
    CATEGORY: ("类别", "题目分类", "试题分类", "category"),
    RUBRIC: ("评分标准", "rubric"),
    SCENARIO: ("情境", "案例", "scenario"),
    TAGS: ("tags", "关键词"),
    TITLE: ("title",),
    **{column: (letter, f"{letter}选项", f"选项{letter}内容", f"option{letter}")
       for letter, column in zip(LETTERS, OPTION_COLUMNS, strict=True)},
}
HEADER_NAMES = {column: (column, *SYNONYMS.get(column, ())) for column in KNOWN_COLUMNS}

TYPE_LABELS = {"single_choice": "单选题", "multiple_choice": "多选题", "true_false": "判断题",
               "fill_blank": "填空题", "numerical": "数值题", "matching": "匹配题",
               "ordering": "排序题", "short_answer": "简答题"}
TYPE_ALIASES = {"单项选择题": "single_choice", "多项选择题": "multiple_choice",
                "连线题": "matching", "问答题": "short_answer"}
for _name, _label in TYPE_LABELS.items():
    TYPE_ALIASES.update({_name: _name, _label: _name, _label[:-1]: _name})

ALL_OR_NOTHING = "全对"
# Words in a multiple-choice 答案 cell naming its scoring rule (SCORING_MODES); the first
# word of each rule is the one the export writes.
SCORING_WORDS = {
    "all_or_nothing": (ALL_OR_NOTHING, "全对才得分", "全部选对才得分"),
    "half": ("少选得一半", "半对得一半", "少选得半分", "漏选得一半", "少选一半"),
    "proportional": ("按比例", "少选按比例", "按比例得分", "漏选按比例"),
    "weights": ("按权重", "按权重得分"),
}
_SCORING_BY_WORD = sorted(((word, rule) for rule, words in SCORING_WORDS.items()
                           for word in words), key=lambda pair: -len(pair[0]))
WEIGHT = r"[+-]?\d+(?:\.\d+)?"
CHOICE_ITEM = re.compile(rf"([A-Z])(?:=({WEIGHT})%)?")
CHOICE_TOKEN = re.compile(rf"(?:[A-Z](?:={WEIGHT}%)?)+")
CHOICE_SEPARATORS = re.compile(r"[\s,;、/|]+")
LETTER_DOT = re.compile(r"(?<=[A-Z])\.")  # "B." and "A.C" as typed after an option letter
OPTION_TYPES = ("single_choice", "multiple_choice", "matching", "ordering")
WEIGHTED = re.compile(rf"^(.*?)\s*[=＝]\s*({WEIGHT})\s*[%％]$", re.DOTALL)
ALTERNATIVES = re.compile(r"[|｜]")
NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
RANGE = re.compile(rf"({NUMBER})\s*(?:\.\.|~)\s*({NUMBER})")
TOLERANCE = re.compile(rf"({NUMBER})\s*(?:±|\+-|\+/-)\s*({NUMBER})")
VALUE = re.compile(NUMBER)
ARROW = re.compile(r"[-－][>＞]|→")
RUBRIC_SEPARATORS = re.compile(r"[|｜\n]")
OTHER_NUMBER = "*"  # a numerical answer matching any other number (Moodle's "*")
OTHER_NUMBER_WORDS = (OTHER_NUMBER, "其他", "其它")


class CellError(Exception):
    """A cell that cannot be read: `column` names it, `message` says why (lazy string)."""

    def __init__(self, column: str, message: Any):
        super().__init__(str(message))
        self.column = column
        self.message = message


class CellErrors(CellError):
    """Every problem of one row (the first is also this error's column and message)."""

    def __init__(self, errors: list[CellError]):
        super().__init__(errors[0].column, errors[0].message)
        self.errors = errors


class Problems:
    """Collects the CellErrors of one row, so that a row's problems are reported at once."""

    def __init__(self) -> None:
        self.errors: list[CellError] = []

    def take(self, read: Callable[..., Any], *args: Any) -> Any:
        """read(*args), or None when it raised CellError (recorded)."""
        try:
            return read(*args)
        except CellErrors as found:
            self.add(*found.errors)
        except CellError as found:
            self.add(found)
        return None

    def add(self, *errors: CellError) -> None:
        seen = {(e.column, str(e.message)) for e in self.errors}
        for error in errors:
            if (error.column, str(error.message)) not in seen:
                seen.add((error.column, str(error.message)))
                self.errors.append(error)

    def check(self) -> None:
        """Raise CellErrors when anything was recorded."""
        if self.errors:
            raise CellErrors(self.errors)


def cell_text(value: Any) -> str:
    """A cell's value as the text typed: 12 and 12.0 → "12", 0.5 → "0.5", None → ""."""
    return sources.cell_text(value) or ""


def scoring_word(text: str) -> tuple[str | None, str]:
    """(the scoring rule a word in `text` names, or None; the text without the word)."""
    for word, rule in _SCORING_BY_WORD:
        if word in text:
            rest = text.replace(word, " ")
            if any(other in rest for other, _rule in _SCORING_BY_WORD):
                raise CellError(ANSWER, _l("Name one scoring rule only."))
            return rule, rest
    return None, text
