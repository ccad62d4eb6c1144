"""Placeholders of a script template left unfilled in a reply: {客户称呼}, ｛客户称呼｝,
【客户称呼】, a placeholder's name left as plain text, and blanks such as XX or 某某."""

from __future__ import annotations

import re

from app.services.coach.model import PLACEHOLDER, Finding

BRACED = re.compile(r"\{([^{}\n]{1,30})\}|｛([^｛｝\n]{1,30})｝")
BRACKETED = re.compile(r"【([^【】\n]{1,30})】")
BLANKS = re.compile(r"(?<![A-Za-z])(?:XX|xx|ＸＸ|××)(?![A-Za-z])|某某|_{3,}|＿{2,}|○○")
# 【…】 is also used for headings in WeChat messages (【温馨提示】); it is a placeholder when
# the template has it, or when it names a slot to fill in.
SLOT_NOUNS = ("名称", "姓名", "称呼", "名字", "时间", "日期", "地址", "金额", "电话", "编号",
              "内容", "条件", "数量", "价格", "年限", "专长")
MIN_NAME = 3  # a template placeholder's name left in the text (客户称呼您好)


def template_names(template: str) -> list[str]:
    """The placeholder names of a template, in order, without repeats."""
    names: dict[str, None] = {}
    for regex in (BRACED, BRACKETED):
        for match in regex.finditer(template or ""):
            names.setdefault(next(g for g in match.groups() if g), None)
    return list(names)


def find_placeholders(text: str, template: str = "") -> list[Finding]:
    """Unfilled placeholders in `text`, in order."""
    names = template_names(template)
    spans = [(m.start(), m.end()) for m in BRACED.finditer(text)]
    for match in BRACKETED.finditer(text):
        name = match.group(1)
        if name in names or name.endswith(SLOT_NOUNS):
            spans.append(match.span())
    spans += [m.span() for m in BLANKS.finditer(text)]
    for name in names:
        if len(name) >= MIN_NAME:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    return [_finding(text, start, end) for start, end in _without_overlaps(spans)]


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept, until = [], -1
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= until:
            kept.append((start, end))
            until = end
    return kept


def _finding(text: str, start: int, end: int) -> Finding:
    return Finding(term=text[start:end], start=start, end=end, kind=PLACEHOLDER,
                   checker="placeholders")
