"""`flask questions import FILE --bank SLUG [--format] [--dry-run] [--json]`: the JSON
contract, banks and categories created on the way, all or nothing, format by extension."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.quiz import Question, QuestionBank, QuestionCategory, QuestionVersion
from app.services.quiz.banks import import_questions
from app.services.quiz.data import QuestionData

REPORT_KEYS = {"imported", "by_type", "skipped", "errors"}

GIFT = """// 术后护理题库
$CATEGORY: 术后护理/注射

::q1:: 玻尿酸注射后多久可以化妆？ {=24小时后 ~立即 ~一周后}

::q2:: 以下哪些是术后注意事项？ {~%50%冰敷 ~%50%防晒 ~%-100%桑拿}

::q3:: 术后可以立即饮酒。 {F}

$CATEGORY: 术后护理/沟通

::q4:: 术后第 {=3} 天复诊。

::q5:: 一疗程几次？ {#3:1}

::q6:: 配对 { =冰敷 -> 消肿 =防晒 -> 防色沉 }

::q7:: 请描述回访话术。 {}

这是一段说明，不是题目。
"""

GIFT_WITH_ERRORS = ("好题 {T}\n\n"
                    "未闭合 {=a ~b\n\n"
                    "也是好题 {=yes ~no}\n\n"
                    "权重错误 {~%150%a =b}\n")

AIKEN = """玻尿酸注射后多久可以化妆？
A. 立即
B. 24小时后
C. 一周后
ANSWER: B

术后需要防晒吗？
A) 需要
B) 不需要
ANSWER: A
"""


@pytest.fixture
def question_file(tmp_path):
    def write(text: str | bytes, name: str = "题库.gift") -> str:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return str(path)

    return write


def invoke(runner, path: str, *extra: str, bank: str = "post-care"):
    result = runner.invoke(args=["questions", "import", path, "--bank", bank, *extra])
    return result


def invoke_json(runner, path: str, *extra: str, bank: str = "post-care"):
    result = invoke(runner, path, "--json", *extra, bank=bank)
    payload = json.loads(result.stdout)
    assert set(payload) == REPORT_KEYS
    return result, payload


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_gift_import_counts_by_type_and_creates_bank_and_categories(runner, app, question_file):
    result, payload = invoke_json(runner, question_file(GIFT))
    assert result.exit_code == 0, result.output
    assert payload == {
        "imported": 7,
        "by_type": {"single_choice": 1, "multiple_choice": 1, "true_false": 1, "fill_blank": 1,
                    "numerical": 1, "matching": 1, "short_answer": 1},
        "skipped": 1,
        "errors": [],
    }
    bank = db.session.execute(select(QuestionBank)).scalar_one()
    assert (bank.slug, bank.title) == ("post-care", "post-care")
    assert bank.created_at.tzinfo is not None
    paths = db.session.execute(select(QuestionCategory.path)).scalars()
    assert set(paths) == {"术后护理/注射", "术后护理/沟通"}
    questions = db.session.execute(select(Question).order_by(Question.id)).scalars().all()
    assert [q.current_version for q in questions] == [1] * 7
    first = questions[0]
    assert first.category.path == "术后护理/注射" and first.type == "single_choice"
    (version,) = first.versions
    assert version.number == 1
    data = QuestionData.from_dict(version.data)
    assert data.title == "q1" and data.payload["options"][0]["text"] == "24小时后"


def test_importing_the_same_file_again_adds_nothing_and_a_changed_question_once(
        runner, app, question_file):
    path = question_file(GIFT)
    first = invoke_json(runner, path)[1]
    assert first["imported"] == 7
    result, payload = invoke_json(runner, path)
    assert result.exit_code == 0, result.output
    assert (payload["imported"], payload["skipped"]) == (0, first["skipped"] + 7)
    assert count(QuestionBank) == 1 and count(QuestionCategory) == 2
    assert count(Question) == 7 and count(QuestionVersion) == 7
    result, payload = invoke_json(runner, question_file(  # the file with one question added
        GIFT + "\n\n::新题:: 私域运营的第一步是加好友。{T}\n"))
    assert (payload["imported"], payload["skipped"], payload["by_type"]) == (
        1, first["skipped"] + 7, {"true_false": 1})
    assert count(Question) == 8


def test_errors_stop_the_import_and_name_their_lines(runner, app, question_file):
    result, payload = invoke_json(runner, question_file(GIFT_WITH_ERRORS))
    assert result.exit_code == 1
    assert payload["imported"] == 0 and payload["by_type"] == {}
    assert [e["line"] for e in payload["errors"]] == [3, 7]
    assert all(e["message"] for e in payload["errors"])
    assert count(QuestionBank) == 0 and count(Question) == 0


def test_errors_in_plain_output_go_to_stderr(runner, app, question_file):
    result = invoke(runner, question_file(GIFT_WITH_ERRORS))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "3" in result.stderr and "7" in result.stderr


def test_dry_run_reports_counts_and_writes_nothing(runner, app, question_file):
    result, payload = invoke_json(runner, question_file(GIFT), "--dry-run")
    assert result.exit_code == 0
    assert payload["imported"] == 7 and payload["errors"] == []
    assert count(QuestionBank) == 0 and count(QuestionCategory) == 0 and count(Question) == 0


def test_plain_summary(runner, app, question_file):
    result = invoke(runner, question_file(GIFT))
    assert result.exit_code == 0
    assert "post-care" in result.stdout and "single_choice\t1" in result.stdout


def test_aiken_file_into_existing_bank(runner, app, question_file):
    db.session.add(QuestionBank(slug="post-care", title="术后护理"))
    db.session.commit()
    result, payload = invoke_json(runner, question_file(AIKEN, "题库.aiken"))
    assert result.exit_code == 0, result.output
    assert payload == {"imported": 2, "by_type": {"single_choice": 2}, "skipped": 0,
                       "errors": []}
    bank = db.session.execute(select(QuestionBank)).scalar_one()
    assert bank.title == "术后护理"  # the existing bank is kept as it is
    assert count(QuestionCategory) == 0
    assert {q.category_id for q in db.session.execute(select(Question)).scalars()} == {None}


@pytest.mark.parametrize(("name", "text", "fmt"), [
    ("a.txt", GIFT, None),
    ("A.GIFT", GIFT, None),
    ("a.aiken", AIKEN, None),
    ("a.txt", AIKEN, "aiken"),
])
def test_format_from_extension_or_option(runner, app, question_file, name, text, fmt):
    extra = ["--format", fmt] if fmt else []
    result, payload = invoke_json(runner, question_file(text, name), *extra)
    assert result.exit_code == 0, result.output
    assert payload["imported"] == (7 if text is GIFT else 2)


def test_gb18030_and_bom_are_decoded(app):
    for data in (AIKEN.encode("gb18030"), b"\xef\xbb\xbf" + AIKEN.encode("utf-8")):
        report = import_questions("post-care", "a.aiken", data, None, dry_run=True)
        assert report.errors == [] and report.imported == 2


@pytest.mark.parametrize(("name", "fmt", "needle"), [
    ("题库.docx", None, ".docx"),
    ("题库", None, "?"),
    ("题库.xlsx", None, "xlsx"),
    ("题库.gift", "xlsx", "xlsx"),
])
def test_unusable_format_gives_a_clear_message(runner, app, question_file, name, fmt, needle):
    extra = ["--format", fmt] if fmt else []
    result, payload = invoke_json(runner, question_file(GIFT, name), *extra)
    assert result.exit_code == 1
    assert payload["imported"] == 0
    (error,) = payload["errors"]
    assert error["line"] == 0 and needle in error["message"]
    assert count(QuestionBank) == 0


@pytest.mark.parametrize(("data", "bank"), [
    (b"", "post-care"),
    (b"// only a comment\n", "post-care"),
    (GIFT.encode(), "Bad Slug"),
])
def test_empty_file_or_bad_slug_is_refused(app, data, bank):
    report = import_questions(bank, "a.gift", data, None, dry_run=False)
    assert len(report.errors) == 1 and report.errors[0].line == 0
    assert count(QuestionBank) == 0
