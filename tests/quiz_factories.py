"""Quizzes for tests: a bank of questions of every type and a published quiz in one call."""

from __future__ import annotations

import itertools

from app.extensions import db
from app.models import Question, QuestionBank, QuestionVersion, Quiz, QuizDrawRule, QuizItem
from app.services.quiz.data import Grade, QuestionData, numerical_answer, option
from app.services.quiz.types.parsing import clamp_fraction

_serial = itertools.count(1)


def single(stem: str = "客户说太贵了，第一句怎么回？", right: int = 1, **extra) -> QuestionData:
    options = [option("直接打折", 0.0), option("先认同感受，再问预算和顾虑", 1.0),
               option("不回复", 0.0)]
    options = [dict(o, fraction=1.0 if i == right else 0.0) for i, o in enumerate(options)]
    return QuestionData(type="single_choice", stem=stem, payload={"options": options},
                        explanation="先接住情绪，再了解真实顾虑。", **extra)


def multiple(stem: str = "术后随访要记录哪些？", **extra) -> QuestionData:
    return QuestionData(type="multiple_choice", stem=stem, payload={"options": [
        option("恢复情况", 0.5), option("客户的顾虑", 0.5), option("客户身份证号", -1.0)]},
        **extra)


def true_false(stem: str = "客户的伤口照片可以上传为 SOP 证据。", answer: bool = False,
               **extra) -> QuestionData:
    return QuestionData(type="true_false", stem=stem, payload={"answer": answer}, **extra)


def fill_blank(stem: str = "离院后____小时内回访。", **extra) -> QuestionData:
    return QuestionData(type="fill_blank", stem=stem,
                        payload={"answers": [option("24", 1.0), option("二十四", 1.0)]}, **extra)


def numerical(stem: str = "一个疗程一般几次？", **extra) -> QuestionData:
    return QuestionData(type="numerical", stem=stem,
                        payload={"answers": [numerical_answer(3, 1)]}, **extra)


def matching(stem: str = "把岗位和职责配对", **extra) -> QuestionData:
    return QuestionData(type="matching", stem=stem, payload={"pairs": [
        {"left": "前台", "right": "登记分诊"}, {"left": "医生助理", "right": "术后随访"}],
        "distractors": ["替医生做诊断"]}, **extra)


def ordering(stem: str = "把接诊步骤排好", **extra) -> QuestionData:
    return QuestionData(type="ordering", stem=stem,
                        payload={"items": ["问候", "了解需求", "预约面诊"]}, **extra)


def short_answer(stem: str = "客户嫌贵，写出你的回复。", **extra) -> QuestionData:
    return QuestionData(type="short_answer", stem=stem, payload={
        "reference": "理解您的顾虑，我们先看看哪种方案适合您。", "rubric": ["共情", "不承诺效果"]},
        **extra)


def legacy_multiple() -> QuestionData:
    """A 多选题 saved before the rules: answer A,C, wrong options worth 0, "partial"."""
    return QuestionData(type="multiple_choice", stem="术后护理要做哪些？", points=2.0, payload={
        "options": [option("冰敷", 0.5), option("桑拿"), option("防晒", 0.5), option("热敷")],
        "scoring": "partial"})


def old_partial_score(self, payload: dict, response: list[int]) -> Grade:
    """How "partial" graded before the rules: the chosen fractions added up."""
    options = payload["options"]
    total = sum(o["fraction"] for o in options if o["fraction"] > 0)
    return Grade(clamp_fraction(sum(options[i]["fraction"] for i in response) / total), [])


ALL_TYPES = (single, multiple, true_false, fill_blank, numerical, matching, ordering,
             short_answer)


def make_bank(questions: list[QuestionData], slug: str | None = None) -> list[Question]:
    """A bank holding `questions` (version 1 each), committed."""
    bank = QuestionBank(slug=slug or f"bank-{next(_serial)}", title="测试题库")
    db.session.add(bank)
    rows = []
    for data in questions:
        question = Question(bank=bank, type=data.type, tags=list(data.tags),
                            difficulty=data.difficulty, points=data.points)
        question.versions.append(QuestionVersion(number=1, data=data.to_dict()))
        db.session.add(question)
        rows.append(question)
    db.session.commit()
    return rows


def make_quiz(questions: list[QuestionData] | None = None, *, slug: str | None = None,
              draw: int = 0, **settings) -> Quiz:
    """A published stand-alone quiz asking `questions` (fixed, in order); with `draw`,
    the quiz draws that many questions from the bank instead. Committed."""
    rows = make_bank(questions if questions is not None else [single()])
    settings.setdefault("shuffle_options", False)
    quiz = Quiz(slug=slug or f"quiz-{next(_serial)}", title=settings.pop("title", "测试测验"),
                published=True, **settings)
    if draw:
        quiz.draw_rules.append(QuizDrawRule(bank_id=rows[0].bank_id, count=draw))
    else:
        quiz.items = [QuizItem(question=q, rank=i) for i, q in enumerate(rows)]
    db.session.add(quiz)
    db.session.commit()
    return quiz
