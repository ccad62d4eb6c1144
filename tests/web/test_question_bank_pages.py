"""What a trainer does on the question-bank pages (题库): banks, the eight question types
through the form, versions, categories, filters, import / export, statement counts.
Refused and hostile input: test_question_bank_input.py."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion
from app.services.quiz.banks import import_questions
from tests.web.authoring_helpers import post_form
from tests.web.question_bank_helpers import (
    COMMON,
    GIFT,
    TYPE_FORMS,
    add_question,
    count,
    create,
    edit,
    errors,
    form_values,
    listed,
    newest_question,
    versions,
)

BAD_GIFT = "好题 {T}\n\n未闭合 {=a ~b\n\n也是好题 {=yes ~no}\n\n权重错误 {~%150%a =b}\n"




def test_trainer_desk_links_to_the_banks_and_a_bank_is_created(trainer):
    assert "/manage/banks" in trainer.get("/manage/").text
    response = trainer.post("/manage/banks", data={"title": "术后护理题库", "slug": ""})
    assert response.status_code == 302
    created = db.session.scalar(select(QuestionBank))
    assert (created.title, created.slug) == ("术后护理题库", "shu-hou-hu-li-ti-ku")
    assert response.location.endswith(f"/manage/banks/{created.id}")
    assert trainer.post("/manage/banks", data={"title": "Injections", "slug": "inj-101"}
                        ).status_code == 302
    listing = trainer.get("/manage/banks").text
    assert "术后护理题库" in listing and "inj-101" in listing and 'data-count="0"' in listing


@pytest.mark.parametrize("data", [{"title": "", "slug": ""}, {"title": "题库", "slug": "Bad Slug"},
                                  {"title": "题库", "slug": "shu-hou-hu-li"}, {}])
def test_a_bad_bank_form_shows_a_message_and_writes_nothing(trainer, bank, data):
    response = trainer.post("/manage/banks", data=data)
    assert response.status_code == 200
    assert errors(response.text) and 'class="field has-error"' in response.text
    assert count(QuestionBank) == 1


@pytest.mark.parametrize("kind", list(TYPE_FORMS))
def test_each_type_is_written_through_the_form(trainer, bank, kind):
    assert trainer.get(f"/manage/banks/{bank.id}/questions/new?type={kind}").status_code == 200
    response = create(trainer, bank.id, kind)
    assert response.status_code == 302, errors(response.text)
    question = newest_question()
    assert response.location.endswith(f"/manage/questions/{question.id}")
    assert (question.type, question.current_version, question.tags, question.points) == (
        kind, 1, ["术后", "注射"], 2.0)
    assert question.category.path == "术后护理/注射"
    data = versions(question.id)[0].data
    assert data["payload"] == TYPE_FORMS[kind][1]
    assert data["scenario"] == COMMON["scenario"] and data["text_format"] == "markdown"
    page = trainer.get(f"/manage/questions/{question.id}")
    assert page.status_code == 200 and "<strong>24 小时</strong>" in page.text


def test_new_question_asks_for_a_type_first(trainer, bank):
    page = trainer.get(f"/manage/banks/{bank.id}/questions/new")
    assert page.status_code == 200 and page.text.count('data-type="') == 8
    assert trainer.post(f"/manage/banks/{bank.id}/questions/new", data={}).status_code == 200
    assert count(Question) == 0


def test_more_option_rows_adds_rows_and_saves_nothing(trainer, bank):
    data = {**COMMON, **TYPE_FORMS["single_choice"][0], "type": "single_choice",
            "more_options": "y"}
    page = trainer.post(f"/manage/banks/{bank.id}/questions/new", data=data)
    assert page.status_code == 200 and page.text.count("data-option=") == 7
    assert count(Question) == 0


# ---- versions --------------------------------------------------------------------------------

def test_an_edit_adds_a_version_and_leaves_version_one_alone(trainer, bank):
    create(trainer, bank.id, "single_choice")
    question = newest_question()
    first = json.loads(json.dumps(versions(question.id)[0].data))
    response = edit(trainer, question.id, stem="注射玻尿酸后多久能化妆？", tags="术后",
                     difficulty="4", points="3", category="", new_category="术后护理/沟通")
    assert response.status_code == 302, errors(trainer.get(response.location).text)
    old, new = versions(question.id)
    assert old.number == 1 and old.data == first
    assert new.number == 2 and new.data["stem"] == "注射玻尿酸后多久能化妆？"
    question = newest_question()
    assert (question.current_version, question.tags, question.difficulty, question.points,
            question.category.path) == (2, ["术后"], 4, 3.0, "术后护理/沟通")
    edit_page = trainer.get(f"/manage/questions/{question.id}/edit").text
    assert 'data-version="1"' in edit_page and 'data-version="2"' in edit_page
    old_page = trainer.get(f"/manage/questions/{question.id}?version=1")
    assert old_page.status_code == 200 and "玻尿酸注射后多久可以化妆？" in old_page.text
    assert trainer.get(f"/manage/questions/{question.id}?version=9").status_code == 404


@pytest.mark.parametrize("kind", list(TYPE_FORMS))
def test_saving_an_unchanged_form_adds_no_version(trainer, bank, kind):
    create(trainer, bank.id, kind)
    question = newest_question()
    response = edit(trainer, question.id)
    assert response.status_code == 302
    assert [v.number for v in versions(question.id)] == [1]


def test_imported_questions_save_unchanged_without_a_new_version(trainer, bank):
    assert not import_questions(bank.slug, "q.gift", GIFT.encode(), None, dry_run=False).errors
    db.session.commit()
    for question in db.session.scalars(select(Question)).all():
        assert edit(trainer, question.id).status_code == 302
    assert count(QuestionVersion) == 7


def test_changing_the_type_of_a_question(trainer, bank):
    create(trainer, bank.id, "single_choice")
    question = newest_question()
    page = trainer.get(f"/manage/questions/{question.id}/edit?type=multiple_choice")
    values = form_values(page.text)
    assert values["type"] == "multiple_choice" and values["options-1-text"] == "24小时后"
    values["options-0-credit"] = ""
    response = trainer.post(f"/manage/questions/{question.id}/edit", data=values)
    assert response.status_code == 302
    assert newest_question().type == "multiple_choice"
    assert [v.data["type"] for v in versions(question.id)] == ["single_choice",
                                                               "multiple_choice"]


# ---- the bank page ---------------------------------------------------------------------------
def test_filters_on_the_bank_page(trainer, bank):
    a = add_question(bank, "玻尿酸注射后多久可以化妆？", "护理/注射", "术后")
    b = add_question(bank, "填充后冰敷多久？", "护理/注射/填充", "注射", difficulty="5")
    c = add_question(bank, "术后可以立即饮酒。", "护理/沟通", "术后", kind="true_false")
    d = add_question(bank, "没有分类的题")
    db.session.commit()
    assert listed(trainer, bank.id) == {a.id, b.id, c.id, d.id}
    assert listed(trainer, bank.id, "?category=护理/注射") == {a.id, b.id}
    assert listed(trainer, bank.id, "?category=护理") == {a.id, b.id, c.id}
    assert listed(trainer, bank.id, "?tag=术后") == {a.id, c.id}
    assert listed(trainer, bank.id, "?type=true_false") == {c.id}
    assert listed(trainer, bank.id, "?difficulty=5") == {b.id}
    assert listed(trainer, bank.id, "?q=冰敷") == {b.id}
    assert listed(trainer, bank.id, "?q=冰敷&tag=术后") == set()
    assert listed(trainer, bank.id, "?type=bogus&difficulty=x&status=x&page=x") == {
        a.id, b.id, c.id, d.id}
    page = trainer.get(f"/manage/banks/{bank.id}").text
    assert 'data-category="护理"' in page and 'data-category="护理/注射/填充"' in page


def test_archive_hides_a_question_and_restore_brings_it_back(trainer, bank):
    question = add_question(bank, "要归档的题")
    db.session.commit()
    url = f"/manage/questions/{question.id}/archive"
    assert trainer.post(url, data={"archived": "1"}).status_code == 302
    assert listed(trainer, bank.id) == set()
    assert listed(trainer, bank.id, "?status=archived") == {question.id}
    assert trainer.post(url, data={"archived": "0"}).status_code == 302
    assert listed(trainer, bank.id) == {question.id}
    assert count(QuestionVersion) == 1


def test_categories_are_added_and_renamed_with_their_children(trainer, bank):
    question = add_question(bank, "填充后冰敷多久？", "护理/注射/填充")
    db.session.commit()
    assert trainer.post(f"/manage/banks/{bank.id}/categories",
                        data={"path": "护理/沟通"}).status_code == 302
    page = trainer.get(f"/manage/banks/{bank.id}/categories/rename?path=护理")
    assert page.status_code == 200 and 'value="护理"' in page.text
    response = trainer.post(f"/manage/banks/{bank.id}/categories/rename",
                            data={"old_path": "护理", "path": "术后护理"})
    assert response.status_code == 302
    db.session.expire_all()
    assert set(db.session.scalars(select(QuestionCategory.path))) == {
        "术后护理/注射/填充", "术后护理/沟通"}
    assert db.session.get(Question, question.id).category.path == "术后护理/注射/填充"
    clash = trainer.post(f"/manage/banks/{bank.id}/categories/rename",
                         data={"old_path": "术后护理/沟通", "path": "术后护理/注射/填充"})
    assert clash.status_code == 200 and errors(clash.text)


# ---- import and export -----------------------------------------------------------------------

def _import(client, bank_id: int, content: bytes, name: str = "题库.gift", **fields):
    return post_form(client, f"/manage/banks/{bank_id}/import",
                     {"file": (io.BytesIO(content), name), "format": "auto", **fields})


def test_a_gift_file_is_imported_from_the_page(trainer, bank):
    assert trainer.get(f"/manage/banks/{bank.id}/import").status_code == 200
    response = _import(trainer, bank.id, GIFT.encode())
    assert response.status_code == 200 and 'data-testid="imported"' in response.text
    assert 'data-type="single_choice"' in response.text
    assert count(Question) == 7
    assert len(listed(trainer, bank.id)) == 7


def test_a_bad_file_lists_its_lines_and_writes_nothing(trainer, bank):
    response = _import(trainer, bank.id, BAD_GIFT.encode(), format="gift")
    assert response.status_code == 200
    lines = {int(n) for n in re.findall(r'data-line="(\d+)"', response.text)}
    assert {3, 7} <= lines
    assert count(Question) == 0


def test_a_dry_run_writes_nothing(trainer, bank):
    response = _import(trainer, bank.id, GIFT.encode(), dry_run="y")
    assert response.status_code == 200 and 'data-testid="import-report"' in response.text
    assert 'data-testid="imported"' not in response.text
    assert count(Question) == 0 and count(QuestionCategory) == 0


def test_an_import_without_a_file_says_so(trainer, bank):
    response = post_form(trainer, f"/manage/banks/{bank.id}/import", {"format": "auto"})
    assert response.status_code == 200 and 'data-testid="file-error"' in response.text


def test_export_downloads(trainer, bank):
    add_question(bank, "玻尿酸注射后多久可以化妆？", "护理/注射", "术后")
    db.session.commit()
    gift = trainer.get(f"/manage/banks/{bank.id}/export.gift")
    assert gift.status_code == 200 and "attachment" in gift.headers["Content-Disposition"]
    assert "玻尿酸注射后多久可以化妆？" in gift.data.decode("utf-8")
    for url in (f"/manage/banks/{bank.id}/export.xlsx", "/manage/banks/template.xlsx"):
        response = trainer.get(url)
        assert response.status_code == 200 and response.data[:2] == b"PK", url
        assert "attachment" in response.headers["Content-Disposition"]


# ---- statements ------------------------------------------------------------------------------

def _statements(client, count_statements, url: str) -> int:
    with count_statements() as counted:
        assert client.get(url).status_code == 200
    return counted()


def test_bank_pages_run_a_constant_number_of_statements(trainer, bank, count_statements):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            add_question(bank, f"第{i}题", f"分类{i % 4}/子类{i % 3}", f"标签{i % 5}")
        db.session.commit()

    add(5, 0)
    urls = [f"/manage/banks/{bank.id}", f"/manage/banks/{bank.id}?tag=标签1&q=题",
            "/manage/banks"]
    few = [_statements(trainer, count_statements, url) for url in urls]
    add(45, 5)
    many = [_statements(trainer, count_statements, url) for url in urls]
    assert many == few
