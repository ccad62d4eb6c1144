"""Key points a reply should cover: the trainer's points for an SOP step (each with
synonyms), or a short-answer question's rubric."""

from __future__ import annotations

import re

from app.services.coach.context_rules import fold
from app.services.coach.model import KEY_POINT, Finding

# Rubric points are sentences for graders ("说明不必当天决定"); without synonyms their
# fragments, minus the instruction verb in front, are what a reply would contain.
RUBRIC_SPLIT = re.compile(r"[，,、；;/（）()]|以及|或者|和|及|或")
RUBRIC_VERBS = re.compile(
    r"^(?:先|再|要|能|并)?(?:说明|指出|提供|写明|写出|使用|给出|约定|讲清楚?|讲明|结合|补充|删除|"
    r"改写后?|提醒|询问|确认|告知|表达|说出|介绍|强调|邀请|安排|记录|尊重|保持)")
SYNONYMS_AFTER = re.compile(r"[：:]")
MIN_FRAGMENT = 2


def normalise(text: str) -> str:
    """For matching: full-width folded, no spaces, lower case."""
    return re.sub(r"\s+", "", fold(text or "")).lower()


def clean_key_points(raw) -> list[dict]:
    """SopStep.key_points as stored, with anything malformed left out."""
    points = []
    for item in raw or []:
        if not isinstance(item, dict) or not isinstance(item.get("point"), str):
            continue
        synonyms = [s for s in item.get("synonyms") or [] if isinstance(s, str) and s.strip()]
        if item["point"].strip():
            points.append({"point": item["point"].strip(), "synonyms": synonyms})
    return points


def rubric_key_points(rubric) -> list[dict]:
    """A short-answer rubric as key points. "要点：词1，词2" gives its own synonyms (the format
    the SOP editor uses); otherwise the point's fragments are its synonyms."""
    points = []
    for item in rubric or []:
        if not isinstance(item, str) or not item.strip():
            continue
        head, _sep, tail = _split(item)
        synonyms = [s.strip() for s in re.split(r"[，,、；;]", tail) if s.strip()] if tail else []
        points.append({"point": head, "synonyms": synonyms or _fragments(head)})
    return points


def _split(item: str) -> tuple[str, str, str]:
    match = SYNONYMS_AFTER.search(item)
    if not match:
        return item.strip(), "", ""
    return item[:match.start()].strip(), match.group(), item[match.end():].strip()


def _fragments(point: str) -> list[str]:
    fragments = []
    for piece in RUBRIC_SPLIT.split(point):
        piece = RUBRIC_VERBS.sub("", piece.strip())
        if len(piece) >= MIN_FRAGMENT and piece not in fragments:
            fragments.append(piece)
    return fragments


def check_key_points(text: str, key_points) -> list[Finding]:
    """One finding per key point, in order: `matched` is the phrase found ('' = missing),
    `start`/`end` where it was found."""
    folded = fold(text or "").lower()
    results = []
    for item in clean_key_points(key_points):
        found = _first_match(folded, [item["point"], *item["synonyms"]])
        start, end, phrase = found if found else (-1, -1, "")
        results.append(Finding(term=item["point"], start=start, end=end, kind=KEY_POINT,
                               checker="key_points", matched=phrase))
    return results


def _first_match(folded: str, phrases: list[str]) -> tuple[int, int, str] | None:
    squeezed, positions = _squeeze(folded)
    for phrase in phrases:
        needle = normalise(phrase)
        at = squeezed.find(needle) if needle else -1
        if at != -1:
            return positions[at], positions[at + len(needle) - 1] + 1, phrase
    return None


def _squeeze(folded: str) -> tuple[str, list[int]]:
    """The text without white space, and where each remaining character was."""
    kept = [(i, ch) for i, ch in enumerate(folded) if not ch.isspace()]
    return "".join(ch for _i, ch in kept), [i for i, _ch in kept]
