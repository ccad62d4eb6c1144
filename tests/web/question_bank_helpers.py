"""Helpers of the question-bank page tests: the form of each type, reading a form back as a
browser would submit it, and short-cuts for questions, versions and listed ids."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import func, select

from app.extensions import db
from app.models.quiz import Question, QuestionVersion
from app.services.quiz import bank_authoring as ba
from app.services.quiz.question_input import OptionRow, QuestionInput, build_question

CJK = re.compile(r"[\u4e00-\u9fff]")
FORM_ERRORS = re.compile(r'<p class="form-error"[^>]*>(.*?)</p>', re.S)
QUESTION_IDS = re.compile(r'data-question="(\d+)"')
GIFT = """$CATEGORY: 术后护理/注射

::q1:: 玻尿酸注射后多久可以化妆？ {=24小时后 ~立即 ~一周后}

::q2:: 以下哪些是术后注意事项？ {~%50%冰敷 ~%50%防晒 ~%-100%桑拿}

::q3:: 术后可以立即饮酒。 {F}

$CATEGORY: 术后护理/沟通

::q4:: 术后第 {=3} 天复诊。

::q5:: 一疗程几次？ {#3:1}

::q6:: 配对 { =冰敷 -> 消肿 =防晒 -> 防色沉 }

::q7:: 请描述回访话术。 {}
"""
BAD_GIFT = "好题 {T}\n\n未闭合 {=a ~b\n\n也是好题 {=yes ~no}\n\n权重错误 {~%150%a =b}\n"


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def newest_question() -> Question:
    db.session.expire_all()
    return db.session.scalar(select(Question).order_by(Question.id.desc()).limit(1))


def versions(question_id: int) -> list[QuestionVersion]:
    db.session.expire_all()
    return list(db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.question_id == question_id).order_by(QuestionVersion.number)))


def errors(html: str) -> list[str]:
    return [text.strip() for text in FORM_ERRORS.findall(html)]


class FormValues(HTMLParser):
    """The values a browser would submit for the form marked data-testid="question-form"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self.inside = False
        self.textarea: str | None = None
        self.select: str | None = None
        self.select_value: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("data-testid") == "question-form"
        if not self.inside:
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.values.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""
        elif tag == "select":
            self.select, self.select_value = a["name"], None
        elif tag == "option" and self.select and (self.select_value is None or "selected" in a):
            self.select_value = a.get("value", "")

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            text = self.text[2:] if self.text.startswith("\r\n") else self.text.removeprefix("\n")
            self.values.append((self.textarea, text))
            self.textarea = None
        elif tag == "select" and self.select:
            self.values.append((self.select, self.select_value or ""))
            self.select = None
        elif tag == "form":
            self.inside = False


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return dict(parser.values)


# ---- forms of the eight types ----------------------------------------------------------------

COMMON = {"stem": "玻尿酸注射后多久可以化妆？",
          "scenario": "客户：我今天打了玻尿酸，明天能化妆吗？", "title": "",
          "explanation": "**24 小时**内不要化妆。", "category": "",
          "new_category": "术后护理/注射", "tags": "术后，注射", "difficulty": "3", "points": "2"}

TYPE_FORMS = {
    "single_choice": ({"options-0-text": "立即", "options-0-credit": "-50",
                       "options-1-text": "24小时后", "options-1-correct": "y",
                       "options-2-text": "", "options-3-text": ""},
                      {"options": [{"text": "立即", "fraction": -0.5, "feedback": ""},
                                   {"text": "24小时后", "fraction": 1.0, "feedback": ""}]}),
    "multiple_choice": ({"options-0-text": "冰敷", "options-0-correct": "y",
                         "options-1-text": "防晒", "options-1-correct": "y",
                         "options-1-feedback": "对", "options-2-text": "桑拿",
                         "options-2-credit": "-100", "scoring": "all_or_nothing"},
                        {"options": [{"text": "冰敷", "fraction": 0.5, "feedback": ""},
                                     {"text": "防晒", "fraction": 0.5, "feedback": "对"},
                                     {"text": "桑拿", "fraction": -1.0, "feedback": ""}],
                         "scoring": "all_or_nothing"}),
    "true_false": ({"answer": "false", "feedback_true": "", "feedback_false": "对，要等 24 小时"},
                   {"answer": False, "feedback_true": "", "feedback_false": "对，要等 24 小时"}),
    "fill_blank": ({"answers": "24小时\r\n一天=50% # 写具体小时数更好"},
                   {"answers": [{"text": "24小时", "fraction": 1.0, "feedback": ""},
                                {"text": "一天", "fraction": 0.5,
                                 "feedback": "写具体小时数更好"}]}),
    "numerical": ({"answers": "24\r\n20..30=50%"},
                  {"answers": [{"value": 24.0, "tolerance": 0.0, "min": None, "max": None,
                                "fraction": 1.0, "feedback": ""},
                               {"value": None, "tolerance": None, "min": 20.0, "max": 30.0,
                                "fraction": 0.5, "feedback": ""}]}),
    "matching": ({"pairs": "冰敷 -> 消肿\r\n防晒 -> 防色沉", "distractors": "热敷"},
                 {"pairs": [{"left": "冰敷", "right": "消肿"}, {"left": "防晒", "right": "防色沉"}],
                  "distractors": ["热敷"]}),
    "ordering": ({"items": "问候客户\r\n询问恢复情况\r\n预约复诊"},
                 {"items": ["问候客户", "询问恢复情况", "预约复诊"]}),
    "short_answer": ({"reference": "您好，注射后 24 小时内请不要化妆……",
                      "rubric": "说明时间\r\n说明原因"},
                     {"reference": "您好，注射后 24 小时内请不要化妆……",
                      "rubric": ["说明时间", "说明原因"]}),
}


def create(client, bank_id: int, kind: str, **fields):
    data = {**COMMON, "type": kind, **TYPE_FORMS[kind][0], **fields}
    return client.post(f"/manage/banks/{bank_id}/questions/new?type={kind}", data=data)


def edit(client, question_id: int, **changes):
    page = client.get(f"/manage/questions/{question_id}/edit")
    assert page.status_code == 200
    return client.post(f"/manage/questions/{question_id}/edit",
                       data={**form_values(page.text), **changes})


def add_question(bank, stem: str, category: str = "", tags: str = "", kind: str = "single_choice",
         difficulty: str = "3") -> Question:
    if kind == "true_false":
        inp = QuestionInput(type=kind, stem=stem)
    else:
        inp = QuestionInput(type=kind, stem=stem, options=[OptionRow("对", True),
                                                           OptionRow("错")])
    inp.category, inp.tags, inp.difficulty = category, tags, difficulty
    return ba.create_question(bank, build_question(inp))


def listed(client, bank_id: int, query: str = "") -> set[int]:
    page = client.get(f"/manage/banks/{bank_id}{query}")
    assert page.status_code == 200
    return {int(n) for n in QUESTION_IDS.findall(page.text)}

