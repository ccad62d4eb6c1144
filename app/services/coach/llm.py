"""An optional reviewer: any OpenAI-compatible chat-completions endpoint (an intranet model,
a hosted one), switched on by COACH_LLM_URL and COACH_LLM_MODEL. It fails soft: a timeout,
an HTTP error or an answer that is not the JSON asked for becomes a note, never an error."""

from __future__ import annotations

import http.client
import json
import re
import urllib.request
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from app.services.coach.model import NOTE, RISK, CoachContext, Finding
from app.services.privacy import mask_pii

MAX_ANSWER_BYTES = 256 * 1024
MAX_FINDINGS = 20
LONG_NUMBER = re.compile(r"\d{7,}")  # phone, ID-card or account numbers never leave the server
FAILURES = (OSError, http.client.HTTPException, ValueError, KeyError, IndexError, TypeError,
            AttributeError)  # timeouts and HTTP errors are OSErrors; bad JSON a ValueError
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
SYSTEM_PROMPT = (
    "你是医疗美容机构的合规审核员。员工会发来一段准备发给客户的话术。请找出其中违反《广告法》"
    "和《医疗广告管理办法》的说法：极限用语、对效果或安全性的断言和保证、宣传治愈率有效率、"
    "与其他机构比较、利用名人专家作证明、虚构紧迫和诱导消费。只返回 JSON，格式为 "
    '{"findings": [{"quote": "原文中的一段（逐字摘录）", "reason": "原因", '
    '"suggestion": "更稳妥的说法"}]}；没有问题就返回 {"findings": []}。'
)


class LlmChecker:
    name = "llm"

    def __init__(self, url: str, model: str, api_key: str | None = None,
                 timeout: float = 10.0):
        self.url = _endpoint(url)
        self.model, self.api_key, self.timeout = model, api_key, timeout

    @classmethod
    def from_settings(cls, settings: Mapping) -> LlmChecker | None:
        """The checker when COACH_LLM_URL and COACH_LLM_MODEL are set; None otherwise."""
        url, model = settings.get("COACH_LLM_URL"), settings.get("COACH_LLM_MODEL")
        if not url or not model:
            return None
        return cls(url, model, settings.get("COACH_LLM_API_KEY"),
                   float(settings.get("COACH_LLM_TIMEOUT") or 10))

    def check(self, text: str, context: CoachContext) -> list[Finding]:
        try:  # the coach page refuses phone/ID numbers first; these never leave either
            items = self._ask(LONG_NUMBER.sub("[数字]", mask_pii(text, "[号码]")))
        except FAILURES:
            return [_note(_l("The AI reviewer is not available right now; the checks above "
                             "work without it."))]
        return [_finding(text, item) for item in items[:MAX_FINDINGS]]

    def _ask(self, text: str) -> list[dict]:
        body = json.dumps({"model": self.model, "temperature": 0, "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": text}]}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            answer = json.loads(response.read(MAX_ANSWER_BYTES))
        content = answer["choices"][0]["message"]["content"]
        findings = json.loads(FENCE.sub("", content.strip()))["findings"]
        if not isinstance(findings, list):
            raise ValueError("findings is not a list")
        return [item for item in findings if isinstance(item, dict)]


def _endpoint(url: str) -> str:
    """A base URL (…/v1) or the full chat-completions address."""
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def _finding(text: str, item: dict) -> Finding:
    quote = str(item.get("quote") or "").strip()
    reason = str(item.get("reason") or "").strip()[:300]
    suggestion = str(item.get("suggestion") or "").strip()[:300]
    start = text.find(quote) if quote else -1
    if start == -1:  # not a quote of the reply: shown as a remark
        return _note(f"{quote}：{reason}" if quote else reason, suggestion)
    return Finding(term=quote, start=start, end=start + len(quote), reason=reason,
                   suggestion=suggestion, category=str(_l("AI reviewer")), kind=RISK,
                   checker="llm")


def _note(message, suggestion: str = "") -> Finding:
    return Finding(term="", reason=str(message), suggestion=suggestion, kind=NOTE,
                   checker="llm")
