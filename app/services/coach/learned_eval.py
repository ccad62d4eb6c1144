"""Leave-one-set-out evaluation of the learned layer (`flask coach eval --leave-one-out
DIR`): for each labelled set S in DIR, train on every other set (threshold chosen on those
sets only) and measure on S — the model alone, and the rules + model (a line is flagged when
the rules or the model flag it). The lawful replies of the curriculum (the blockquoted model
replies of the lessons, the SOP step scripts) join as two safe-only sets, so the model also
learns what ordinary replies look like and its false alarms on them are measured too.

Rules figures on the shipped sets are inflated (the rules were tuned on every set); the
model-alone figures are the honest unseen-set ones (docs/coach.md, "Learned second layer")."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from app.services.coach.evaluate import read_labelled_set
from app.services.coach.learned import ALARM_RATE, piece_grams, train_with_threshold
from app.services.coach.learned_layer import model_flags
from app.services.coach.terms import find_terms, load_terms

LESSON_REPLIES, SOP_SCRIPTS = "curriculum: lesson replies", "curriculum: SOP scripts"


@dataclass
class FoldResult:
    name: str
    risky: int
    safe: int
    model_caught: int
    model_alarms: int
    both_caught: int
    both_alarms: int


def labelled_sets(folder: str | Path, exclude: tuple[str, ...] = ()) -> dict[str, dict]:
    """Every {"risky", "safe"} JSON file of `folder`, by file name."""
    paths = sorted(Path(folder).glob("*.json"))
    return {p.name: read_labelled_set(p) for p in paths if p.name not in exclude}


def curriculum_sets(root: str | Path) -> dict[str, dict]:
    """The lawful replies of the shipped curriculum under `root` (courses/, sop/): lesson
    blockquotes not marked ❌ and every step script, as two safe-only sets."""
    root = Path(root)
    lessons = [line[2:].strip() for path in sorted(root.glob("courses/*/*.md"))
               for line in path.read_text(encoding="utf-8").splitlines()
               if line.startswith("> ") and "❌" not in line and len(line.strip()) > 6]
    scripts = [step["script"].strip() for path in sorted(root.glob("sop/*.toml"))
               for step in tomllib.loads(path.read_text(encoding="utf-8")).get("steps", [])
               if isinstance(step, dict) and str(step.get("script", "")).strip()]
    return {LESSON_REPLIES: {"risky": [], "safe": lessons},
            SOP_SCRIPTS: {"risky": [], "safe": scripts}}


def leave_one_out(sets: dict[str, dict], *, alarm_rate: float = ALARM_RATE,
                  terms_file=None) -> list[FoldResult]:
    results = []
    for name, held in sets.items():
        model = train_with_threshold([s for n, s in sets.items() if n != name], alarm_rate,
                                     only=piece_grams(held["risky"] + held["safe"]))
        results.append(measure(name, held, model, terms_file))
    return results


def measure(name: str, held: dict, model, terms_file=None) -> FoldResult:
    book = load_terms(terms_file)

    def rules(line: str) -> bool:
        return bool(find_terms(line, book=book, learned=False))

    risky_model = [model_flags(book, model, line) for line in held["risky"]]
    safe_model = [model_flags(book, model, line) for line in held["safe"]]
    return FoldResult(
        name, len(held["risky"]), len(held["safe"]), sum(risky_model), sum(safe_model),
        sum(m or rules(line) for m, line in zip(risky_model, held["risky"], strict=True)),
        sum(m or rules(line) for m, line in zip(safe_model, held["safe"], strict=True)))


def totals(results: list[FoldResult]) -> dict:
    """Sums over the labelled sets (risky and near-miss safe lines) and, apart, over the
    safe-only curriculum sets."""
    labelled = [r for r in results if r.risky]
    plain = [r for r in results if not r.risky]
    return {key: sum(getattr(r, key) for r in labelled)
            for key in ("risky", "safe", "model_caught", "model_alarms", "both_caught",
                        "both_alarms")} | {
        "plain_safe": sum(r.safe for r in plain),
        "plain_alarms": sum(r.model_alarms for r in plain)}
