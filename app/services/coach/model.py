"""What the coach's checkers say: findings, the context they check in, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field

RISK, PLACEHOLDER, KEY_POINT, NOTE = "risk", "placeholder", "key_point", "note"


@dataclass(frozen=True)
class Finding:
    """One thing a checker found. `start`/`end` are character offsets into the checked text
    (end exclusive), -1 when the finding has no place in it (a missing key point, a note).

    kind: risk (a banned or risky claim), placeholder (left unfilled), key_point (one
    key point, covered when `matched` is not empty), note (a message, e.g. the AI reviewer
    was unavailable)."""

    term: str
    start: int = -1
    end: int = -1
    reason: str = ""
    suggestion: str = ""
    category: str = ""
    kind: str = RISK
    checker: str = ""
    matched: str = ""
    rule: str = ""  # the term list's id of the rule that matched

    def as_contract(self) -> dict:
        """The command line's JSON contract: exactly these five keys."""
        return {"term": self.term, "start": self.start, "end": self.end,
                "reason": self.reason, "suggestion": self.suggestion}


@dataclass(frozen=True)
class CoachContext:
    """What a reply is checked against.

    key_points: [{"point": str, "synonyms": [str]}] as SopStep.key_points stores them;
    template: the step's script (its placeholders are expected to be filled in);
    placeholders_expected: the task asks for placeholders (quiz answers), so none is
    reported; teaching: the text is course material that shows what not to say (quoted
    examples and lines marked ❌ are mentions, not claims)."""

    key_points: tuple = ()
    template: str = ""
    placeholders_expected: bool = False
    teaching: bool = False


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str = ""  # "" plain, risk, placeholder
    number: int = 0  # a risk's number in the list of findings


@dataclass
class CoachReport:
    text: str
    findings: list[Finding] = field(default_factory=list)
    key_points: list[Finding] = field(default_factory=list)
    placeholders: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No risky term, no unfilled placeholder and no missing key point."""
        return not self.findings and not self.placeholders and all(
            point.matched for point in self.key_points)

    def segments(self) -> list[Segment]:
        """The text cut into plain pieces and marked ones (risky terms numbered from 1 as
        listed in `findings`; unfilled placeholders), for a page to highlight."""
        marks = [(f.start, f.end, number, RISK)
                 for number, f in enumerate(self.findings, start=1) if 0 <= f.start < f.end]
        marks += [(p.start, p.end, 0, PLACEHOLDER) for p in self.placeholders
                  if 0 <= p.start < p.end]
        pieces, at = [], 0
        for start, end, number, kind in sorted(marks):
            if start < at or end > len(self.text):
                continue  # overlaps a mark already placed
            if start > at:
                pieces.append(Segment(self.text[at:start]))
            pieces.append(Segment(self.text[start:end], kind, number))
            at = end
        if at < len(self.text):
            pieces.append(Segment(self.text[at:]))
        return pieces

    def as_dict(self) -> dict:
        return {
            "findings": [{**f.as_contract(), "category": f.category, "checker": f.checker}
                         for f in self.findings],
            "key_points": [{"point": p.term, "covered": bool(p.matched), "matched": p.matched}
                           for p in self.key_points],
            "placeholders": [{"text": p.term, "start": p.start, "end": p.end}
                             for p in self.placeholders],
            "notes": list(self.notes),
        }
