"""The registry of checkers (configured by settings, extensible), the editable term list
(COACH_TERMS_FILE), and the optional AI reviewer against a local chat-completions server:
its findings placed in the reply, and every failure turned into a note."""

from __future__ import annotations

import json

import pytest

from app.services.coach import (
    CHECKERS,
    Finding,
    TermsFileError,
    active_checkers,
    find_terms,
    load_terms,
    review_reply,
)
from app.services.coach.llm import LlmChecker
from app.services.coach.model import NOTE
from tests.reminder_servers import free_port
from tests.unit.coach.chat_server import ChatServer, completion

REPLY = "您好，做完效果很自然，手机13800138000随时联系我。"


def _settings(server_url: str, **extra) -> dict:
    return {"COACH_LLM_URL": server_url, "COACH_LLM_MODEL": "test-model",
            "COACH_LLM_TIMEOUT": 2, **extra}


def test_offline_checkers_are_on_and_the_llm_only_when_configured():
    assert [c.name for c in active_checkers({})] == ["terms", "key_points", "placeholders"]
    assert [c.name for c in active_checkers({"COACH_LLM_URL": "http://x/v1"})] == [
        "terms", "key_points", "placeholders"]  # a model is needed too
    names = [c.name for c in active_checkers(_settings("http://x/v1"))]
    assert names == ["terms", "key_points", "placeholders", "llm"]


def test_a_new_checker_is_one_register_call(monkeypatch):
    class Shouting:
        name = "shouting"

        def check(self, text, context):
            at = text.find("！！！")
            return [] if at == -1 else [Finding("！！！", at, at + 3, "语气太重", "用句号")]

    monkeypatch.setitem(CHECKERS, "shouting", lambda settings: Shouting())
    report = review_reply("欢迎来院！！！", settings={})
    assert [(f.term, f.reason) for f in report.findings] == [("！！！", "语气太重")]


def test_the_term_list_can_be_replaced_by_a_clinic_file(tmp_path):
    terms = tmp_path / "terms.toml"
    terms.write_text("""
[rules]
negation_cues = ["不要"]
[categories]
house = "院内禁用词"
[[terms]]
id = "vip"
term = "VIP专享"
category = "house"
reason = "本院不区别对待客户。"
suggestion = "说“会员权益”。"
""", encoding="utf-8")
    [finding] = find_terms("最好的VIP专享服务", terms_file=terms)
    assert (finding.term, finding.category) == ("VIP专享", "院内禁用词")
    report = review_reply("VIP专享", settings={"COACH_TERMS_FILE": str(terms)})
    assert [f.term for f in report.findings] == ["VIP专享"]


@pytest.mark.parametrize("content,message", [
    ("[[terms]]\nid = 'a'\n", "'term' is missing"),
    ("[categories]\nx = 'X'\n[[terms]]\nid='a'\nterm='a'\ncategory='y'\nreason='r'\n"
     "suggestion='s'\n", "unknown category"),
    ("[categories]\nx = 'X'\n[[terms]]\nid='a'\nterm='a'\npattern='(a'\ncategory='x'\n"
     "reason='r'\nsuggestion='s'\n", "bad pattern"),
    ("[categories]\nx = 'X'\n[[terms]]\nid='a'\nterm='a'\npattern='a*'\ncategory='x'\n"
     "reason='r'\nsuggestion='s'\n", "matches empty text"),
    ("not toml at all [", "Expected"),
])
def test_a_broken_term_list_names_the_problem(tmp_path, content, message):
    terms = tmp_path / "terms.toml"
    terms.write_text(content, encoding="utf-8")
    with pytest.raises(TermsFileError, match=message.replace("[", r"\[")):
        load_terms(terms)


def test_a_broken_term_list_is_a_note_in_the_web_report_not_an_error(tmp_path):
    report = review_reply("保证效果", settings={"COACH_TERMS_FILE": str(tmp_path / "no.toml")})
    assert report.findings == [] and len(report.notes) == 1


def test_the_llm_findings_are_placed_in_the_reply():
    content = json.dumps({"findings": [
        {"quote": "效果很自然", "reason": "暗示效果", "suggestion": "效果因人而异"},
        {"quote": "不在原文里", "reason": "别处", "suggestion": ""}]}, ensure_ascii=False)
    with ChatServer() as server:
        server.replies.append((200, completion(f"```json\n{content}\n```"), 0))
        report = review_reply(REPLY, settings=_settings(server.url, COACH_LLM_API_KEY="k-1"))
        path, headers, body = server.received[0]
    [finding] = report.findings
    assert (finding.term, finding.checker) == ("效果很自然", "llm")
    assert REPLY[finding.start:finding.end] == "效果很自然"
    assert report.notes == ["不在原文里：别处"]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer k-1"
    assert body["model"] == "test-model" and body["messages"][-1]["role"] == "user"
    assert "13800138000" not in json.dumps(body, ensure_ascii=False)  # numbers stay home


def test_a_term_finding_wins_over_an_overlapping_llm_finding():
    content = json.dumps({"findings": [{"quote": "保证效果", "reason": "r", "suggestion": "s"}]},
                         ensure_ascii=False)
    with ChatServer() as server:
        server.replies.append((200, completion(content), 0))
        report = review_reply("我们保证效果", settings=_settings(server.url))
    assert [(f.term, f.checker) for f in report.findings] == [("保证", "terms")]


@pytest.mark.parametrize("reply", [
    (500, {"error": "boom"}, 0),
    (200, b"<html>not json</html>", 0),
    (200, completion("好的，我看了一下，没什么问题。"), 0),
    (200, completion('{"findings": "none"}'), 0),
    (200, {"choices": []}, 0),
    (200, {"choices": [{"message": {"content": None}}]}, 0),
    (200, completion('{"findings": []}'), 3),  # slower than the timeout
])
def test_the_llm_fails_soft(reply):
    with ChatServer() as server:
        server.replies.append(reply)
        report = review_reply("我们保证效果", settings=_settings(server.url, COACH_LLM_TIMEOUT=0.5))
    assert [f.term for f in report.findings] == ["保证"]  # the offline checks still ran
    assert len(report.notes) == 1


def test_the_llm_unreachable_is_a_note():
    checker = LlmChecker(f"http://127.0.0.1:{free_port()}/v1", "m", timeout=1)
    [note] = checker.check("你好", None)
    assert note.kind == NOTE and note.reason


def test_the_endpoint_may_be_given_in_full():
    assert LlmChecker("http://h/v1/chat/completions/", "m").url == "http://h/v1/chat/completions"
    assert LlmChecker("http://h/v1/", "m").url == "http://h/v1/chat/completions"
