"""The question-bank import page with files as trainers bring them: an Excel sheet filled
the Chinese way, an Aiken file saved as .txt, a CSV, and a sheet whose rows each have
several problems (all listed at once, nothing written)."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models.quiz import Question, QuestionVersion
from tests.unit.quiz_import.xlsx_helpers import sheet_rows
from tests.web.authoring_helpers import post_form
from tests.web.question_bank_helpers import count

AIKEN = ("玻尿酸注射后多久可以化妆？\nA. 立即\nB. 24 小时后\nC. 一周后\nANSWER: B\n\n"
         "术后第一天应该？\nＡ．热敷\nＢ．冷敷\n答案：B\n")


def _import(client, bank_id: int, content: bytes, name: str, **fields):
    return post_form(client, f"/manage/banks/{bank_id}/import",
                     {"file": (io.BytesIO(content), name), "format": "auto", **fields})


def _chinese_sheet() -> bytes:
    return sheet_rows([
        ["术后护理考试题库（2024）"],
        ["题目类型", "题目", "A", "B", "C", "D", "正确答案", "答案解析", "分数"],
        ["单选题", "玻尿酸注射后多久可以化妆？", "立即", "24 小时后", "一周后", None, "B.",
         "24 小时内避免化妆", 2],
        [None, "术后第一天应该？", "热敷", "冷敷", None, None, "Ｂ"],
        [],
        ["多选题", "光子嫩肤术后正确的做法？", "严格防晒", "蒸桑拿", "加强保湿", "温和清洁",
         "A、C、D 少选得一半"],
        ["判断题", "术后可以立即桑拿。", "正确", "错误", None, None, "B"],
        ["判断题", "异常肿胀应立即上报。", None, None, None, None, "√"],
    ], merges=("A1:I1", "A3:A4"))


def _stored(bank_id: int) -> list[dict]:
    db.session.expire_all()
    return [version.data for version in db.session.scalars(
        select(QuestionVersion).join(Question).where(Question.bank_id == bank_id)
        .order_by(Question.id))]


def test_a_sheet_filled_the_chinese_way_is_imported_from_the_page(trainer, bank):
    response = _import(trainer, bank.id, _chinese_sheet(), "护理题库.xlsx")
    assert response.status_code == 200 and 'data-testid="imported"' in response.text
    stored = _stored(bank.id)
    assert [data["type"] for data in stored] == ["single_choice", "single_choice",
                                                 "multiple_choice", "true_false",
                                                 "true_false"]
    assert stored[0]["explanation"] == "24 小时内避免化妆" and stored[0]["points"] == 2
    assert stored[2]["payload"]["scoring"] == "half"
    assert [stored[3]["payload"]["answer"], stored[4]["payload"]["answer"]] == [False, True]


def test_every_problem_of_every_row_is_listed_and_nothing_is_written(trainer, bank):
    sheet = sheet_rows([["题型", "题干", "选项A", "选项B", "选项C", "答案", "分值"],
                        ["单选题", "选哪个？", "甲", None, "丙", "Z", "很多"],
                        ["怪题", "", None, None, None, None, None]])
    response = _import(trainer, bank.id, sheet, "题库.xlsx")
    rows = [int(n) for n in re.findall(r'data-line="(\d+)"', response.text)]
    assert rows == [2, 2, 2, 3, 3]
    for column in ("选项B", "答案", "分值", "题型", "题干"):
        assert f"“{column}”列" in response.text
    assert count(Question) == 0


def test_an_aiken_file_saved_as_txt_is_recognised_by_its_content(trainer, bank):
    response = _import(trainer, bank.id, AIKEN.encode(), "题库.txt")
    assert 'data-testid="imported"' in response.text
    assert [data["type"] for data in _stored(bank.id)] == ["single_choice"] * 2


def test_a_csv_sheet_is_imported(trainer, bank):
    text = "题目类型,题目,选项A,选项B,正确答案\n单选题,选哪个？,甲,乙,B\n判断题,对吗？,,,对\n"
    response = _import(trainer, bank.id, text.encode("gb18030"), "导出.csv")
    assert 'data-testid="imported"' in response.text
    assert count(Question) == 2


def test_moodle_partial_credit_and_any_other_number_show_and_edit(trainer, bank):
    gift = ("::q1:: 术后红肿怎么办？{=冷敷 ~%50%观察 ~热敷}\n\n"
            "::q2:: 3 加 0 等于几？{#3:2 ~#完全不对}\n")
    response = _import(trainer, bank.id, gift.encode(), "题库.gift")
    assert 'data-testid="imported"' in response.text
    ids = list(db.session.scalars(select(Question.id).where(Question.bank_id == bank.id)
                                  .order_by(Question.id)))
    shown = trainer.get(f"/manage/questions/{ids[1]}")
    assert shown.status_code == 200 and "其他任何数值" in shown.text and "完全不对" in shown.text
    for question_id in ids:
        assert trainer.get(f"/manage/questions/{question_id}/edit").status_code == 200
    assert "* # 完全不对" in trainer.get(f"/manage/questions/{ids[1]}/edit").text


def test_the_same_sheet_imported_twice_adds_each_question_once(trainer, bank):
    assert 'data-testid="imported"' in _import(trainer, bank.id, _chinese_sheet(),
                                               "护理题库.xlsx").text
    again = _import(trainer, bank.id, _chinese_sheet(), "护理题库.xlsx")
    assert again.status_code == 200
    assert re.search(r'data-testid="duplicates">[^<]*5', again.text)
    assert len(_stored(bank.id)) == 5
