"""A learned second layer for the coach, measured honestly (docs/coach.md, "Learned second
layer"): a character n-gram (1–3) multinomial Naive Bayes trained on the labelled sets
(risky vs safe), pure Python and deterministic. A line is scored sentence by sentence
(split at 。！？；, line breaks) and flagged when one sentence's score reaches the threshold.

The score of a piece is the mean, over its n-grams, of log P(g|risky) − log P(g|safe), plus
the log prior ratio: a length-normalised log-odds, so long and short sentences compare.
The threshold is chosen on the training sets only: each training set is scored by a model
trained on the other training sets (inner leave-one-set-out), and the threshold is the
lowest score that keeps the pooled false alarms at or under `alarm_rate` of the safe lines.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.services.coach.context_rules import fold
from app.services.coach.variants import simplified

SENTENCE_SPLIT = re.compile(r"[。！？!?；;\n]+")
DIGITS = re.compile(r"\d+")
PLACEHOLDER = re.compile(r"[{｛【][^{}｛｝【】\n]{0,20}[}｝】]")  # template slots: no signal
ORDERS = (1, 2, 3)
ALPHA = 1.0
ALARM_RATE = 1 / 45  # a margin under the goal's 1 per 30 on unseen lines


def normalise(text: str) -> str:
    return DIGITS.sub("0", PLACEHOLDER.sub("", simplified(fold(text or "")).lower()))


@lru_cache(maxsize=8192)
def grams(text: str) -> tuple[str, ...]:
    """The 1–3-grams of a normalised line (cached: training and scoring see the same lines
    many times, and the leave-one-set-out evaluation trains ~200 models on them)."""
    padded = f"^{normalise(text)}$"
    return tuple(padded[i:i + n] for n in ORDERS for i in range(len(padded) - n + 1)
                 if padded[i:i + n].strip())


def piece_grams(lines: list[str]) -> set[str]:
    """Every n-gram a model reads when it scores `lines` sentence by sentence."""
    return {g for line in lines for s, e in pieces(line) for g in grams(line[s:e])}


def pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of `text`, offsets into the text as given."""
    spans, at = [], 0
    for match in SENTENCE_SPLIT.finditer(text):
        if match.start() > at:
            spans.append((at, match.start()))
        at = match.end()
    if at < len(text):
        spans.append((at, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


@dataclass
class NaiveBayes:
    weights: dict[str, float] = field(default_factory=dict)
    unseen: float = 0.0
    prior: float = 0.0
    threshold: float = math.inf

    @classmethod
    def train(cls, risky: list[str], safe: list[str],
              only: set[str] | None = None) -> NaiveBayes:
        """`only`: weigh just these n-grams (the model then scores exactly as the full one
        on text made of them; the evaluation scores a few held-out lines with each of its
        ~200 models, and weighing every n-gram of the vocabulary was most of its time)."""
        counts = {1: Counter(), 0: Counter()}
        for label, lines in ((1, risky), (0, safe)):
            for line in lines:
                counts[label].update(grams(line))
        vocab = set(counts[1]) | set(counts[0])
        total = {k: sum(c.values()) + ALPHA * (len(vocab) + 1) for k, c in counts.items()}
        weighed = sorted(vocab if only is None else vocab & only)
        weights = {g: math.log((counts[1][g] + ALPHA) / total[1])
                   - math.log((counts[0][g] + ALPHA) / total[0]) for g in weighed}
        unseen = math.log(ALPHA / total[1]) - math.log(ALPHA / total[0])
        prior = math.log(len(risky) / len(safe)) if risky and safe else 0.0
        return cls(weights, unseen, prior)

    def score(self, text: str) -> float:
        found = grams(text)
        if not found:
            return -math.inf
        return self.prior + sum(self.weights.get(g, self.unseen) for g in found) / len(found)

    def line_score(self, text: str) -> float:
        return max((self.score(text[s:e]) for s, e in pieces(text)), default=-math.inf)

    def flags(self, text: str) -> bool:
        return self.line_score(text) >= self.threshold


def choose_threshold(sets: list[dict[str, list[str]]], alarm_rate: float = ALARM_RATE) -> float:
    """The lowest threshold that keeps the out-of-set false alarms, pooled over `sets`
    (each scored by a model trained on the others), at or under `alarm_rate`."""
    safe_scores: list[float] = []
    for index, held in enumerate(sets):
        risky, safe = _pool([s for i, s in enumerate(sets) if i != index])
        if not risky or not safe:
            continue  # nothing to learn from without this set
        model = NaiveBayes.train(risky, safe, only=piece_grams(held["safe"]))
        safe_scores += [model.line_score(line) for line in held["safe"]]
    allowed = int(alarm_rate * len(safe_scores))
    ranked = sorted(safe_scores, reverse=True)
    # flag only above the (allowed + 1)-th highest safe score
    return math.nextafter(ranked[allowed], math.inf) if allowed < len(ranked) else -math.inf


def train_with_threshold(sets: list[dict[str, list[str]]], alarm_rate: float = ALARM_RATE,
                         only: set[str] | None = None) -> NaiveBayes:
    model = NaiveBayes.train(*_pool(sets), only=only)
    model.threshold = choose_threshold(sets, alarm_rate)
    return model


def _pool(sets: list[dict[str, list[str]]]) -> tuple[list[str], list[str]]:
    return ([line for s in sets for line in s["risky"]],
            [line for s in sets for line in s["safe"]])


# ── the shipped model: built by `flask coach build-model`, read by the term checker ──

MODEL_FILE = Path(__file__).resolve().parents[2] / "coach_model.json"
_loaded: dict[Path, tuple[float, ShippedModel | None]] = {}


@dataclass
class ShippedModel:
    """The risky/safe model and, for the family shown with a finding, per-family counts of
    the n-grams that lean risky (families: the rule categories that mark the training
    lines)."""

    model: NaiveBayes
    families: dict[str, int]  # family -> its total n-gram count
    family_counts: dict[str, dict[str, int]]  # gram -> {family: count}

    def family(self, text: str) -> str:
        found = [g for g in grams(text) if g in self.family_counts]
        size = len(self.family_counts) + 1

        def loglik(name: str) -> float:
            total = self.families[name] + size
            return sum(math.log((self.family_counts[g].get(name, 0) + 1) / total)
                       for g in found)
        return max(sorted(self.families), key=loglik) if self.families else ""

    def as_dict(self) -> dict:
        return {"format": 1, "threshold": self.model.threshold, "prior": self.model.prior,
                "unseen": self.model.unseen,
                "weights": {g: round(w, 4) for g, w in sorted(self.model.weights.items())},
                "families": self.families, "family_counts": self.family_counts}

    @classmethod
    def from_dict(cls, data: dict) -> ShippedModel:
        model = NaiveBayes(dict(data["weights"]), float(data["unseen"]),
                           float(data["prior"]), float(data["threshold"]))
        return cls(model, dict(data["families"]), dict(data["family_counts"]))


def build(sets: list[dict[str, list[str]]], family_of) -> ShippedModel:
    """Train on every set (threshold by inner leave-one-set-out); `family_of(line)` names
    a risky line's family ("" when unknown)."""
    model = train_with_threshold(sets)
    families: Counter = Counter()
    counts: dict[str, Counter] = {}
    for line in _pool(sets)[0]:
        name = family_of(line)
        if not name:
            continue
        for gram in grams(line):
            if model.weights.get(gram, 0.0) > 0:
                counts.setdefault(gram, Counter())[name] += 1
                families[name] += 1
    return ShippedModel(model, dict(sorted(families.items())),
                        {g: dict(sorted(c.items())) for g, c in sorted(counts.items())})


def load_model(path: Path | None = None) -> ShippedModel | None:
    """The shipped model (None when the file is missing or unreadable: the rules alone
    then), re-read when the file changes."""
    path = path or MODEL_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    cached = _loaded.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        shipped = ShippedModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        shipped = None
    _loaded[path] = (mtime, shipped)
    return shipped
