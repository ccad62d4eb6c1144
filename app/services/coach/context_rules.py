"""The rules that decide whether a matched term is a claim or only a mention: negation,
talk about the phrase ("这种话"), and, in course material, quoted examples and lines marked
❌. The word lists live in app/coach_terms.toml ([rules]); docs/coach.md explains them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CLAUSE_BREAKS = frozenset("。！？!?；;，,\n")
SENTENCE_BREAKS = frozenset("。！？!?\n")  # a table row is one sentence
LIST_MARK = re.compile(r"^[\s>*#\-+]*(?:\d+[.、．)]\s*)?")
QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
SYMMETRIC_QUOTES = frozenset('"`')


def fold(text: str) -> str:
    """Full-width letters, digits and signs as their ASCII forms, one character for one (so
    offsets into the folded text are offsets into the original)."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


@dataclass(frozen=True)
class ContextRules:
    negation_window: int
    negation_cues: tuple[str, ...]  # with the reported-speech cues (有人承诺…)
    negation_prefixes: tuple[str, ...]
    not_negation: tuple[str, ...]
    mention_window: int
    mention_cues: tuple[str, ...]
    example_markers: tuple[str, ...]
    teaching_cues: tuple[str, ...] = ()
    statement_cues: tuple[str, ...] = ()
    address_cues: tuple[str, ...] = ()
    rule_openers: tuple[str, ...] = ()
    reported_cues: tuple[str, ...] = ()  # also in negation_cues; apart for the learned layer

    @classmethod
    def from_data(cls, data: dict) -> ContextRules:
        def words(key: str) -> tuple[str, ...]:
            return tuple(sorted({str(w) for w in data.get(key, []) if str(w)}, key=len,
                                reverse=True))

        return cls(int(data.get("negation_window", 12)),
                   words("negation_cues") + words("reported_cues"),
                   words("negation_prefixes"), words("not_negation"),
                   int(data.get("mention_window", 12)), words("mention_cues"),
                   words("example_markers"), words("teaching_cues"), words("statement_cues"),
                   words("address_cues"), words("rule_openers"), words("reported_cues"))

    def is_negated(self, text: str, start: int) -> bool:
        """A negation (or reported-speech) cue lies within the window before `start`, in the
        same clause, or a negating character touches the term (不保证)."""
        if any(text.endswith(prefix, 0, start) for prefix in self.negation_prefixes):
            return True
        before = _clause_before(text, start, self.negation_window)
        for cue in self.negation_cues:
            at = before.find(cue)
            while at != -1:
                rest = before[at + len(cue):]
                if not any(rest.startswith(word) for word in self.not_negation):
                    return True
                at = before.find(cue, at + 1)
        return False

    def is_mentioned(self, text: str, end: int) -> bool:
        """Talk about the phrase follows it in the same clause: “保证效果”这种话, …是不存在的."""
        after = _clause_after(text, end, self.mention_window)
        return any(cue in after for cue in self.mention_cues)

    def is_taught(self, text: str, start: int, end: int, *, teaching: bool) -> bool:
        """The sentence describes the practice instead of doing it: in course material a
        teaching cue (属于/违法/诱导/不得/包括…) or a rule opener (不…/禁止…) in the sentence,
        unless the hit's own clause speaks to a client (您/你/亲/宝子); in a reply only a
        statement about the rules (属于违规/违法/诱导…) in a sentence that addresses nobody."""
        sentence = _sentence(text, start, end)
        if not teaching:
            return (any(cue in sentence for cue in self.statement_cues)
                    and not any(cue in sentence for cue in self.address_cues))
        clause = _clause_before(text, start, 40) + text[start:end] + _clause_after(text, end, 40)
        if any(cue in clause for cue in self.address_cues):
            return False
        opening = LIST_MARK.sub("", sentence, count=1)
        return (any(cue in sentence for cue in self.teaching_cues)
                or any(opening.startswith(cue) for cue in self.rule_openers))

    def is_example(self, text: str, start: int) -> bool:
        """Course material: the line marks a counter-example (❌ …) before the term."""
        line_start = text.rfind("\n", 0, start) + 1
        return any(marker in text[line_start:start] for marker in self.example_markers)


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(ch, 0, start) for ch in SENTENCE_BREAKS) + 1
    his = [at for at in (text.find(ch, end) for ch in SENTENCE_BREAKS) if at != -1]
    return text[lo:min(his) if his else len(text)]


def _clause_before(text: str, start: int, window: int) -> str:
    lo = max(0, start - window)
    piece = text[lo:start]
    cut = max((piece.rfind(ch) for ch in CLAUSE_BREAKS), default=-1)
    return piece[cut + 1:]


def _clause_after(text: str, end: int, window: int) -> str:
    piece = text[end:end + window]
    cuts = [i for i, ch in enumerate(piece) if ch in CLAUSE_BREAKS]
    return piece[:cuts[0]] if cuts else piece


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the insides of quotes and `code`, each within one line: “…” ‘…’ 「…」
    『…』 "…" `…`. An unclosed quote ends at the end of its line."""
    spans: list[tuple[int, int]] = []
    closing: str | None = None
    opened = 0
    for index, char in enumerate(text):
        if char == "\n":
            closing = None
        elif closing is not None:
            if char == closing:
                spans.append((opened, index))
                closing = None
        elif char in QUOTE_PAIRS:
            closing, opened = QUOTE_PAIRS[char], index + 1
        elif char in SYMMETRIC_QUOTES:
            closing, opened = char, index + 1
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(lo <= start and end <= hi for lo, hi in spans)
