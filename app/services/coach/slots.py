"""Slot rules of the term list: patterns built from named word lists ([slots]), so one rule
covers a family of wordings — a number + % near 成功率, 保/包 + 效果, a time word + a change in
the face. A rule's pattern names a slot as `{slot}` and a short gap inside one clause as
`{~N}` (at most N characters, no 。！？；，, line break or quote mark). docs/coach.md
describes the format."""

from __future__ import annotations

import re
from dataclasses import dataclass

SLOT_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
GAP = re.compile(r"\{~(\d{1,2})\}")
CLAUSE_CHARS = r"[^。！？；，,!?;\n`“”‘’「」『』\"]"  # nor into or out of a quote
SENTENCE_BREAKS = "。！？!?\n"


class SlotError(ValueError):
    """A slot or a slot rule cannot be used; the message says which and why."""


def expand_slots(raw: dict, *, where) -> dict[str, str]:
    """[slots] as regex alternations: name → '(?:a|b|c)'. A slot is a list of words or
    patterns (a string is one pattern); a slot may use slots defined before it."""
    slots: dict[str, str] = {}
    for name, value in raw.items():
        if not SLOT_NAME.fullmatch("{" + str(name) + "}"):
            raise SlotError(f"{where(name)}: a slot name is letters, digits and _")
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(
                isinstance(item, str) and item for item in items):
            raise SlotError(f"{where(name)}: slot '{name}' must be a non-empty list of words")
        parts = [fill(item, slots, where=where(name)) for item in items]
        joined = "(?:" + "|".join(parts) + ")"
        check_pattern(joined, where(name))
        slots[str(name)] = joined
    return slots


def fill(pattern: str, slots: dict[str, str], *, where: str) -> str:
    """`pattern` with its {slot} and {~N} written out; an unknown slot is an error."""
    def slot(match: re.Match) -> str:
        name = match.group(1)
        if name not in slots:
            raise SlotError(f"{where}: unknown slot '{{{name}}}'")
        return slots[name]

    pattern = GAP.sub(lambda m: f"{CLAUSE_CHARS}{{0,{m.group(1)}}}?", pattern)
    return SLOT_NAME.sub(slot, pattern)


def check_pattern(pattern: str, where: str) -> re.Pattern:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise SlotError(f"{where}: bad pattern: {exc}") from None
    if regex.search(""):
        raise SlotError(f"{where}: the pattern matches empty text")
    return regex


@dataclass(frozen=True)
class Unless:
    """Patterns that, found anywhere in the hit's sentence, show the line is lawful (a stated
    rule for a limited offer, photos kept for the medical record)."""

    patterns: tuple[re.Pattern, ...] = ()

    def applies(self, text: str, start: int, end: int) -> bool:
        if not self.patterns:
            return False
        lo = max(text.rfind(ch, 0, start) for ch in SENTENCE_BREAKS) + 1
        his = [at for at in (text.find(ch, end) for ch in SENTENCE_BREAKS) if at != -1]
        sentence = text[lo:min(his) if his else len(text)]
        return any(p.search(sentence) for p in self.patterns)


def header_lines(source: str, table: str) -> list[int]:
    """The line numbers (from 1) of each `[[table]]` header in the TOML source."""
    header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
    return [n for n, line in enumerate(source.splitlines(), start=1) if header.match(line)]


def key_line(source: str, key: str, default: int = 0) -> int:
    """The first line (from 1) assigning `key`, for an error message."""
    pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for number, line in enumerate(source.splitlines(), start=1):
        if pattern.match(line):
            return number
    return default
