"""The learned second layer as a checker step (docs/coach.md, "Learned second layer"): in
a reply, each sentence where the rules marked nothing is scored by the shipped model
(app/coach_model.json); a sentence at or over its threshold is marked as a whole, with the
reason and safer wording of its family from the term file's [learned.<family>] tables. A
sentence that states the rules to nobody (属于违规… with no 您/你) is not marked, as for
the rules. Teaching mode (course material) does not use the model: it was trained on
replies, not on lessons that describe banned practices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.services.coach.learned import load_model, pieces
from app.services.coach.model import RISK, Finding

if TYPE_CHECKING:
    from app.services.coach.terms import TermBook


def learned_findings(text: str, folded: str, book: TermBook,
                     found: list[Finding]) -> list[Finding]:
    shipped = load_model()
    if shipped is None:
        return []
    out = []
    for start, end in pieces(folded):
        start, end = _trim(folded, start, end)
        if any(start < f.end and f.start < end for f in found):
            continue
        if book.context.is_taught(folded, start, end, teaching=False):
            continue
        piece = folded[start:end]
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
