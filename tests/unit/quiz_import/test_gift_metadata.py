"""The `// sop-academy: {json}` comment: our fields beyond GIFT, ignored by Moodle."""

from __future__ import annotations

from tests.unit.quiz_import.helpers import only


def test_metadata_sets_fields_gift_has_no_place_for():
    question = only('// sop-academy: {"scenario": "客户：能化妆吗？", "tags": ["术后"], '
                    '"difficulty": 4, "points": 2}\n'
                    "玻尿酸注射后多久可以化妆？{=24小时后 ~立即}")
    assert question.scenario == "客户：能化妆吗？"
    assert question.tags == ["术后"] and question.difficulty == 4
    assert question.points == 2.0


def test_ordering_is_a_numbered_matching_block():
    question = only('// sop-academy: {"type": "ordering"}\n'
                    "Put the steps in order {\n=1 -> 清洁\n=2 -> 敷麻\n=3 -> 注射\n}")
    assert question.type == "ordering"
    assert question.payload == {"items": ["清洁", "敷麻", "注射"]}


def test_short_answer_reference_and_rubric():
    question = only('// sop-academy: {"payload": {"reference": "冰敷", "rubric": ["冰敷", '
                    '"防晒"]}}\n术后如何护理？{}')
    assert question.type == "short_answer"
    assert question.payload == {"reference": "冰敷", "rubric": ["冰敷", "防晒"]}
