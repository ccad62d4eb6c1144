"""The learned second layer as a checker step (docs/coach.md, "Learned second layer"): in
a reply, each sentence where the rules marked nothing is scored by the shipped model
(app/coach_model.json); a sentence at or over its threshold is marked as a whole, with the
reason and safer wording of its family from the term file's [learned.<family>] tables. A
sentence that states the rules to nobody (属于违规… with no 您/你) is not marked, as for
the rules. Teaching mode (course material) does not use the model: it was trained on
replies, not on lessons that describe banned practices.

The model reads n-grams, so a short "don't say" in front of a claim barely moves its score.
A sentence is therefore left to the rules (never marked by the model) when it holds a
reported-speech, "talk about the phrase" or rules-statement cue of the term file's [rules]
(有人说 / 这种话 / 属于违规…) or a "don't say / don't promise" cue (DONT_SAY)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.services.coach.learned import NaiveBayes, ShippedModel, load_model, pieces
from app.services.coach.model import RISK, Finding

if TYPE_CHECKING:
    from app.services.coach.terms import TermBook

DONT_SAY = re.compile(
    r"(?:不要|不能|不可以|不可|不会|不敢|别|勿|避免|禁止|严禁|不得|不许|不准|谁也|没人|无法|没法)"
    r"(?:跟[^，。,]{0,6}|对[^，。,]{0,6}|随便|轻易|乱|再)?"
    r"(?:说|讲|承诺|保证|许诺|答应|宣传|夸|吹|发|写|提|用)"
    r"|不承诺|不保证|不许诺|不做[^，。,]{0,4}承诺")


def gated(book: TermBook, sentence: str) -> bool:
    """The sentence is talk about a claim, not a claim: the model stays out of it."""
    rules = book.context
    cues = rules.reported_cues + rules.mention_cues + rules.statement_cues
    return bool(DONT_SAY.search(sentence)) or any(cue in sentence for cue in cues)


def model_flags(book: TermBook, model: NaiveBayes, text: str) -> bool:
    """The model alone on a line: one sentence, not gated, at or over the threshold."""
    return any(not gated(book, text[s:e]) and model.score(text[s:e]) >= model.threshold
               for s, e in pieces(text))


def learned_findings(text: str, folded: str, book: TermBook, found: list[Finding],
                     shipped: ShippedModel | None = None) -> list[Finding]:
    shipped = shipped or load_model()
    if shipped is None:
        return []
    out = []
    for start, end in pieces(folded):
        start, end = _trim(folded, start, end)
        if any(start < f.end and f.start < end for f in found):
            continue
        piece = folded[start:end]
        if gated(book, piece):
            continue
        if shipped.model.score(piece) < shipped.model.threshold:
            continue
        family = shipped.family(piece)
        texts = book.learned.get(family) or book.learned.get("default") or {}
        out.append(Finding(term=text[start:end], start=start, end=end,
                           reason=texts.get("reason", ""),
                           suggestion=texts.get("suggestion", ""), checker="learned",
                           kind=RISK, rule=f"learned:{family}",
                           category=book.categories.get(family, family)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
