"""`flask coach eval`: how well the term checker separates a labelled set of replies —
{"risky": [...], "safe": [...]} — recall on the risky lines, false alarms on the safe ones,
and the lines it got wrong (see docs/coach.md, "Measuring the coach")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from app.services.coach.terms import TermBook, find_terms

GOAL_RECALL = 0.90
GOAL_ALARMS_PER_30 = 1.0
PARTS = ("all", "dev", "held-out")


class EvalFileError(ValueError):
    """The labelled set cannot be read or is not {"risky": [...], "safe": [...]}."""


@dataclass
class EvalResult:
    risky: int = 0
    safe: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[dict] = field(default_factory=list)

    @property
    def caught(self) -> int:
        return self.risky - len(self.misses)

    @property
    def recall(self) -> float:
        return self.caught / self.risky if self.risky else 1.0

    @property
    def alarms_per_30(self) -> float:
        return 30 * len(self.false_alarms) / self.safe if self.safe else 0.0

    @property
    def goal_met(self) -> bool:
        return self.recall >= GOAL_RECALL and self.alarms_per_30 <= GOAL_ALARMS_PER_30

    def as_dict(self) -> dict:
        return {"risky": self.risky, "caught": self.caught, "recall": round(self.recall, 4),
                "safe": self.safe, "false_alarm_count": len(self.false_alarms),
                "false_alarms_per_30": round(self.alarms_per_30, 2),
                "goal_met": self.goal_met, "misses": self.misses,
                "false_alarms": self.false_alarms}


def read_labelled_set(path: str | Path, part: str = "all") -> dict[str, list[str]]:
    """The set's lines; part "dev" keeps the lines at even positions (0, 2, …) of each list,
    "held-out" the odd ones, "all" every line."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalFileError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or not all(
            isinstance(data.get(key), list) and all(isinstance(x, str) for x in data[key])
            for key in ("risky", "safe")):
        raise EvalFileError(f'{path}: expected {{"risky": [text, …], "safe": [text, …]}}')
    start = {"all": 0, "dev": 0, "held-out": 1}[part]
    step = 1 if part == "all" else 2
    return {key: data[key][start::step] for key in ("risky", "safe")}


def evaluate(lines: dict[str, list[str]], *, book: TermBook | None = None,
             terms_file: str | Path | None = None) -> EvalResult:
    """Each line checked as a reply: a risky line counts as caught when anything is marked,
    a safe line with anything marked is a false alarm."""
    result = EvalResult(risky=len(lines["risky"]), safe=len(lines["safe"]))
    for text in lines["risky"]:
        if not find_terms(text, book=book, terms_file=terms_file):
            result.misses.append(text)
    for text in lines["safe"]:
        found = find_terms(text, book=book, terms_file=terms_file)
        if found:
            result.false_alarms.append({"text": text, "terms": [f.term for f in found]})
    return result
