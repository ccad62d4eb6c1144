"""The review rubric of an SOP module: the criteria a supervisor scores 1–5 on each run.

`SopModule.rubric` is None for the default rubric — accuracy, timeliness, communication
(准确性、及时性、沟通) — or the trainer's own list of criteria, as labels.

Keys: a review stores its scores as {criterion key: 1..5}. The default criteria have stable
keys ("accuracy", "timeliness", "communication") shown in the reader's language, so a review
reads the same in Chinese and English; a trainer's criterion is its own key (its label as
worded when the review was made). Changing a rubric never rewrites a past review: history shows
the criteria the run was scored on.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models import SopModule, User
from app.permissions import Permission, has_permission
from app.services.errors import DomainError

SCORES = (1, 2, 3, 4, 5)
MAX_CRITERIA = 8
MAX_LABEL = 30
DEFAULT_LABELS = {
    "accuracy": _l("Accuracy"),
    "timeliness": _l("Timeliness"),
    "communication": _l("Communication"),
}


@dataclass(frozen=True)
class Criterion:
    key: str
    label: object  # str, or a lazy translation for the default criteria


DEFAULT_RUBRIC: tuple[Criterion, ...] = tuple(Criterion(k, v) for k, v in DEFAULT_LABELS.items())


def criterion_label(key: str):
    """How a stored score's criterion is shown: the default ones translated, others as is."""
    return DEFAULT_LABELS.get(key, key)


def rubric_of(module: SopModule) -> list[Criterion]:
    """The criteria a run of this module is scored on."""
    if not module.rubric:
        return list(DEFAULT_RUBRIC)
    return [Criterion(label, label) for label in module.rubric]


def rubric_lines(module: SopModule) -> str:
    """The trainer's criteria, one per line ("" for the default rubric)."""
    return "\n".join(module.rubric or [])


def split_lines(text: str | None) -> list[str]:
    """Criteria typed one per line; blank lines are skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def clean_rubric(labels: list[str]) -> list[str] | None:
    """Checked criteria (None: none given, the default rubric). 1–8 criteria of 1–30
    characters, no control characters, no criterion twice."""
    labels = [(label or "").strip() for label in labels]
    labels = [label for label in labels if label]
    if not labels:
        return None
    if len(labels) > MAX_CRITERIA:
        raise DomainError(_l("A rubric has at most %(max)d criteria.", max=MAX_CRITERIA),
                          "rubric")
    seen: set[str] = set()
    for label in labels:
        _check_label(label)
        folded = unicodedata.normalize("NFKC", label).casefold()
        if folded in seen:
            raise DomainError(_l("The criterion “%(label)s” is listed twice.", label=label),
                              "rubric")
        seen.add(folded)
    return labels


def _check_label(label: str) -> None:
    if len(label) > MAX_LABEL:
        raise DomainError(_l("The criterion “%(label)s” is longer than %(max)d characters.",
                             label=label[:MAX_LABEL] + "…", max=MAX_LABEL), "rubric")
    if any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in label):
        raise DomainError(_l("A criterion contains invisible control characters; please "
                             "remove them."), "rubric")


def set_rubric(actor: User, module: SopModule, labels: list[str]) -> list[Criterion]:
    """Give the module its own rubric (no labels: back to the default one). Runs already
    reviewed keep the scores they were given."""
    if not has_permission(actor, Permission.AUTHOR_CONTENT):
        raise DomainError(_l("Only trainers may change a rubric."))
    module.rubric = clean_rubric(labels)
    return rubric_of(module)
