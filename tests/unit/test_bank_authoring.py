"""The question-bank authoring service: the form's notations ⇄ QuestionData, banks, versions,
categories and the bank page's filters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion
from app.services.errors import DomainError
from app.services.quiz import bank_authoring as ba
from app.services.quiz import question_lines as ql
from app.services.quiz.banks import import_questions
from app.services.quiz.data import QuestionData, numerical_answer, option
from app.services.quiz.question_input import (
    OptionRow,
    QuestionInput,
    build_question,
    option_rows,
    question_input,
)


def _choice(kind="single_choice", rows=None, **fields) -> QuestionInput:
    rows = rows or [OptionRow("立即", False), OptionRow("24小时后", True), OptionRow("", False)]
    fields.setdefault("stem", "玻尿酸注射后多久可以化妆？")
    return QuestionInput(type=kind, options=rows, **fields)


def _error(inp: QuestionInput) -> DomainError:
    with pytest.raises(DomainError) as caught:
        build_question(inp)
    return caught.value


# ---- the form's notations --------------------------------------------------------------------

def test_single_choice_from_rows_skips_blank_rows_and_keeps_negative_credit(app):
    rows = [OptionRow("立即", credit="-50", feedback="太早了"), OptionRow("24小时后", True),
            OptionRow(), OptionRow("一周后")]
    data = build_question(_choice(rows=rows, tags="术后、注射，术后", points="2", difficulty="4"))
    assert data.payload == {"options": [option("立即", -0.5, "太早了"), option("24小时后", 1.0),
                                        option("一周后", 0.0)]}
    assert data.tags == ["术后", "注射"] and data.points == 2.0 and data.difficulty == 4


def test_multiple_choice_shares_credit_between_ticked_options(app):
    rows = [OptionRow("冰敷", True), OptionRow("防晒", True), OptionRow("多喝水", True),
            OptionRow("桑拿", credit="-100")]
    data = build_question(_choice("multiple_choice", rows, scoring="all_or_nothing"))
    fractions = [o["fraction"] for o in data.payload["options"]]
    assert fractions[:3] == [1 / 3] * 3 and fractions[3] == -1.0
    assert data.payload["scoring"] == "all_or_nothing"


@pytest.mark.parametrize("fractions", [[1 / 3, 1 / 3, 1 / 3, 0.0], [0.3333333, 0.3333333,
                                                                   0.3333334, -1.0],
                                       [0.5, 0.25, 0.25, -0.5], [0.7, 0.3, 0.0, 0.0]])
def test_option_rows_give_back_the_same_fractions(app, fractions):
    options = [option(f"选项{n}", fraction) for n, fraction in enumerate(fractions)]
    rows = option_rows("multiple_choice", options)
    again = build_question(_choice("multiple_choice", rows)).payload["options"]
    assert [o["fraction"] for o in again] == fractions


def test_line_notations_read_and_write_back():
    answers = ql.parse_accepted_answers("透明质酸\nHA=50% # 写全称更好\n\n  玻尿酸 ＝ 25 ％ ")
    assert answers == [option("透明质酸", 1.0), option("HA", 0.5, "写全称更好"),
                       option("玻尿酸", 0.25)]
    assert ql.parse_accepted_answers(ql.format_accepted_answers(answers)) == answers
    numbers = ql.parse_numerical_answers("12\n12±0.5\n１２+-0.25=50%\n10..15 # 范围内也算对")
    assert numbers == [numerical_answer(12.0, 0.0), numerical_answer(12.0, 0.5),
                       numerical_answer(12.0, 0.25, fraction=0.5),
                       numerical_answer(min=10.0, max=15.0, feedback="范围内也算对")]
    assert ql.parse_numerical_answers(ql.format_numerical_answers(numbers)) == numbers
    assert ql.parse_pairs("冰敷 -> 消肿\n防晒→防色沉") == [
        {"left": "冰敷", "right": "消肿"}, {"left": "防晒", "right": "防色沉"}]


@pytest.mark.parametrize("text,field", [("十二", "answers"), ("12±", "answers"),
                                        ("10..", "answers"), ("12=500%", "answers")])
def test_bad_numerical_lines_name_the_answers_field(app, text, field):
    inp = QuestionInput(type="numerical", stem="一疗程几次？", answers=text)
    assert _error(inp).field == field


@pytest.mark.parametrize("inp,field", [
    (_choice(rows=[OptionRow("A"), OptionRow("B")]), "options"),        # no correct option
    (_choice(rows=[OptionRow("A", True), OptionRow("A")]), "options"),  # repeated
    (_choice(rows=[OptionRow("A", True)]), "options"),                  # only one
    (_choice(rows=[OptionRow("", True), OptionRow("B")]), "options"),   # ticked, no text
    (_choice(points="0"), "points"), (_choice(points="abc"), "points"),
    (_choice(points="NaN"), "points"), (_choice(points="1e9"), "points"),
    (_choice(difficulty="9"), "difficulty"), (_choice(difficulty=""), "difficulty"),
    (_choice(stem="   "), "stem"), (_choice(stem="题干\x07"), "stem"),
    (_choice(tags="a\x00b"), "tags"),
    (QuestionInput(type="matching", stem="配对", pairs="冰敷 消肿\n防晒 -> 防色沉"), "pairs"),
    (QuestionInput(type="matching", stem="配对", pairs="冰敷 -> 消肿"), "pairs"),
    (QuestionInput(type="ordering", stem="排序", items="只有一步"), "items"),
    (QuestionInput(type="fill_blank", stem="填空", answers="=50%"), "answers"),
    (QuestionInput(type="fill_blank", stem="填空", answers="HA=50%"), "answers"),
    (QuestionInput(type="true_false", stem="判断", answer="maybe"), "answer"),
    (QuestionInput(type="multiple_choice", stem="多选", scoring="x",
                   options=[OptionRow("A", True), OptionRow("B")]), "scoring"),
])
def test_wrong_input_names_the_form_field(app, inp, field):
    assert _error(inp).field == field


def test_an_unknown_type_is_refused(app):
    assert _error(QuestionInput(type="essay", stem="题干")).field == "type"


SAMPLES = [
    _choice(rows=[OptionRow("立即", credit="-50"), OptionRow("24小时后", True)]),
    _choice("multiple_choice", [OptionRow("冰敷", True), OptionRow("防晒", True),
                                OptionRow("多喝水", True), OptionRow("桑拿", credit="-100")]),
    QuestionInput(type="true_false", stem="术后可以立即饮酒。", answer="false",
                  feedback_false="对，术后一周内避免饮酒。"),
    QuestionInput(type="fill_blank", stem="术后第 ____ 天复诊。", answers="3\n三=50% # 写数字"),
    QuestionInput(type="numerical", stem="一疗程几次？", answers="3\n2..4=50%"),
    QuestionInput(type="matching", stem="配对", pairs="冰敷 -> 消肿\n防晒 -> 防色沉",
                  distractors="热敷"),
    QuestionInput(type="ordering", stem="回访顺序", items="问候\n询问恢复情况\n预约复诊"),
    QuestionInput(type="short_answer", stem="请描述回访话术。", reference="您好……",
                  rubric="称呼客户\n询问恢复", scenario="客户：我脸还有点肿"),
]


@pytest.mark.parametrize("inp", SAMPLES, ids=lambda inp: inp.type)
def test_every_type_round_trips_through_the_form(app, inp):
    data = build_question(inp)
    assert build_question(question_input(data, data.category)) == data


def test_a_gift_import_round_trips_through_the_form(app):
    gift = ("::q1:: 多选 {~%33.33333%冰敷 ~%33.33333%防晒 ~%33.33334%多喝水 ~%-100%桑拿}\n\n"
            "::q2:: 单选 {=对#好 ~错#不对 ~%-50%很错}\n\n::q3:: 数值 {#12:0.5 =%50%10..15}\n")
    assert not import_questions("gift-bank", "q.gift", gift.encode(), None, dry_run=False).errors
    for version in db.session.scalars(select(QuestionVersion)):
        data = QuestionData.from_dict(version.data)
        assert build_question(question_input(data, data.category)).to_dict() == version.data


# ---- banks -----------------------------------------------------------------------------------

def test_bank_slugs_from_titles_or_typed(app):
    assert ba.create_bank("术后护理").slug == "shu-hou-hu-li"  # pinyin, readable
    assert ba.create_bank("术后护理").slug == "shu-hou-hu-li-2"
    assert ba.create_bank("!!!").slug == "bank-1"  # nothing to read: numbered
    assert ba.create_bank("Injection basics").slug == "injection-basics"
    assert ba.create_bank("随便", "my-bank").slug == "my-bank"
    for slug in ("My Bank", "题库", "-x", "x-", "a--b", "a_b", "a" * 81, "my-bank"):
        with pytest.raises(DomainError) as caught:
            ba.create_bank("标题", slug)
        assert caught.value.field == "slug"
    with pytest.raises(DomainError):
        ba.create_bank("   ")


def test_bank_overview_counts_questions_in_one_statement(app, count_statements):
    bank, empty = ba.create_bank("术后护理"), ba.create_bank("空题库")
    for n in range(3):
        question = ba.create_question(bank, build_question(_choice(stem=f"第{n}题")))
    ba.set_question_archived(question, True)
    db.session.commit()
    with count_statements() as counted:
        rows = {row.bank.id: (row.questions, row.archived) for row in ba.bank_overview()}
    assert counted() == 1
    assert rows == {bank.id: (2, 1), empty.id: (0, 0)}


# ---- versions --------------------------------------------------------------------------------

def test_saving_adds_a_version_and_never_changes_the_old_one(app):
    bank = ba.create_bank("术后护理")
    question = ba.create_question(bank, build_question(_choice(category="护理/注射",
                                                               tags="术后")))
    db.session.commit()
    first = dict(db.session.scalar(select(QuestionVersion)).data)
    changed = build_question(_choice("multiple_choice", [OptionRow("冰敷", True),
                                                         OptionRow("防晒", True)],
                                     category="护理/沟通", tags="回访", difficulty="5",
                                     points="2"))
    version = ba.save_question(question, changed)
    db.session.commit()
    assert version.number == 2 and question.current_version == 2
    assert (question.type, question.tags, question.difficulty, question.points,
            question.category.path) == ("multiple_choice", ["回访"], 5, 2.0, "护理/沟通")
    db.session.expire_all()
    versions = list(db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.number)))
    assert versions[0].data == first and versions[1].data == changed.to_dict()
    assert ba.save_question(question, changed) is None  # unchanged: no version 3
    assert db.session.scalar(select(func.count(QuestionVersion.id))) == 2


# ---- categories and filters ------------------------------------------------------------------

def _bank_with_questions():
    bank = ba.create_bank("术后护理")
    specs = [("护理/注射", "术后", "single_choice", "3", "玻尿酸注射后多久可以化妆？"),
             ("护理/注射/填充", "注射", "single_choice", "5", "填充后冰敷多久？"),
             ("护理/沟通", "术后", "true_false", "1", "术后可以立即饮酒。"),
             ("", "100%_done", "single_choice", "2", "没有分类的题")]
    questions = {}
    for category, tags, kind, difficulty, stem in specs:
        inp = (_choice(stem=stem) if kind == "single_choice"
               else QuestionInput(type=kind, stem=stem, answer="false"))
        inp.category, inp.tags, inp.difficulty = category, tags, difficulty
        questions[stem] = ba.create_question(bank, build_question(inp))
    db.session.commit()
    return bank, questions


def _stems(bank, **filters) -> set[str]:
    page, versions = ba.question_page(bank, ba.QuestionFilters(**filters), 1)
    return {versions[q.id].stem for q in page.items}


def test_filters(app):
    bank, questions = _bank_with_questions()
    everything = set(questions)
    assert _stems(bank) == everything
    assert _stems(bank, category="护理/注射") == {"玻尿酸注射后多久可以化妆？", "填充后冰敷多久？"}
    assert _stems(bank, category="护理") == everything - {"没有分类的题"}
    assert _stems(bank, category="护理/注") == set()  # a prefix of a name is not a parent
    assert _stems(bank, tag="术后") == {"玻尿酸注射后多久可以化妆？", "术后可以立即饮酒。"}
    assert _stems(bank, tag="100%_done") == {"没有分类的题"}
    assert _stems(bank, tag="100") == set()
    assert _stems(bank, type="true_false") == {"术后可以立即饮酒。"}
    assert _stems(bank, difficulty=5) == {"填充后冰敷多久？"}
    assert _stems(bank, text="冰敷") == {"填充后冰敷多久？"}
    assert _stems(bank, text="%") == set()
    ba.set_question_archived(questions["填充后冰敷多久？"], True)
    assert "填充后冰敷多久？" not in _stems(bank)
    assert _stems(bank, status="archived") == {"填充后冰敷多久？"}
    assert _stems(bank, status="all") == everything
    assert ba.bank_tags(bank) == sorted(["100%_done", "术后", "注射"])


def test_category_tree_counts_subcategories_and_implied_parents(app):
    bank, _questions = _bank_with_questions()
    tree = {node.path: (node.depth, node.own, node.total) for node in ba.category_tree(bank)}
    assert tree == {"护理": (0, 0, 3), "护理/注射": (1, 1, 2), "护理/注射/填充": (2, 1, 1),
                    "护理/沟通": (1, 1, 1)}


def test_rename_moves_sub_categories_and_refuses_clashes(app):
    bank, questions = _bank_with_questions()
    assert ba.rename_category(bank, "护理/注射", " 术后 / 注射类 ") == 2
    assert ba.rename_category(bank, "护理", "护理/全部") == 1  # into its own subtree
    paths = set(db.session.scalars(select(QuestionCategory.path)))
    assert paths == {"术后/注射类", "术后/注射类/填充", "护理/全部/沟通"}
    assert questions["填充后冰敷多久？"].category.path == "术后/注射类/填充"
    for old, new in (("术后/注射类/填充", "护理/全部/沟通"), ("不存在", "新"), ("术后", "")):
        with pytest.raises(DomainError) as caught:
            ba.rename_category(bank, old, new)
        assert caught.value.field == "path"
    ba.add_category(bank, "空分类/子类")
    with pytest.raises(DomainError):
        ba.add_category(bank, "空分类 / 子类")
    assert db.session.scalar(select(func.count(QuestionBank.id))) == 1
    assert db.session.scalar(select(func.count(Question.id))) == 4
