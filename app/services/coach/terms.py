"""Banned and risky advertising and medical claims, read from one editable data file
(app/coach_terms.toml, or the file COACH_TERMS_FILE names) and found in a text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from app.services.coach.context_rules import ContextRules, fold, inside, quoted_spans
from app.services.coach.learned_layer import learned_findings
from app.services.coach.model import RISK, Finding
from app.services.coach.slots import (
    SlotError,
    Unless,
    check_pattern,
    expand_slots,
    fill,
    header_lines,
    key_line,
)
from app.services.coach.variants import simplified

DEFAULT_TERMS_FILE = Path(__file__).resolve().parents[2] / "coach_terms.toml"
EXCEPTION_REACH = 30  # characters around a hit an exception may cover
_cache: dict[Path, tuple[float, TermBook]] = {}


class TermsFileError(ValueError):
    """The term list cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class TermRule:
    id: str
    term: str
    regex: re.Pattern
    category: str
    reason: str
    suggestion: str
    exceptions: tuple[re.Pattern, ...] = ()
    unless: Unless = Unless()

    def excepted(self, text: str, start: int, end: int) -> bool:
        lo, hi = max(0, start - EXCEPTION_REACH), end + EXCEPTION_REACH
        return self.unless.applies(text, start, end) or any(
            m.start() <= start and end <= m.end()
            for pattern in self.exceptions for m in pattern.finditer(text, lo, hi))


@dataclass(frozen=True)
class TermBook:
    path: Path
    rules: tuple[TermRule, ...]
    context: ContextRules
    categories: dict[str, str]
    slot_rules: tuple[TermRule, ...] = ()
    learned: dict[str, dict[str, str]] | None = None  # [learned.<family>] reason, suggestion


def load_terms(path: str | Path | None = None) -> TermBook:
    """The term list at `path` (default: the shipped one), re-read when the file changes."""
    path = Path(path) if path else DEFAULT_TERMS_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise TermsFileError(f"{path}: {exc.strerror or exc}") from None
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    book = _parse(path)
    _cache[path] = (mtime, book)
    return book


def _parse(path: Path) -> TermBook:
    try:
        source = path.read_text(encoding="utf-8-sig")
        data = tomllib.loads(source)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TermsFileError(f"{path}: {exc}") from None
    categories = {str(k): str(v) for k, v in data.get("categories", {}).items()}
    entries = data.get("terms")
    if not isinstance(entries, list) or not entries:
        raise TermsFileError(f"{path}: no [[terms]]")
    lines = header_lines(source, "terms")
    rules = tuple(_rule(_where(path, "terms", index, entry, lines), entry, categories)
                  for index, entry in enumerate(entries))
    slot_rules = _slot_rules(path, source, data, categories)
    ids = [rule.id for rule in rules + slot_rules]
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise TermsFileError(f"{path}: the id '{twice}' is used twice")
    return TermBook(path, rules, _context_rules(path, source, data.get("rules", {})),
                    categories, slot_rules, _learned_texts(path, data.get("learned", {})))


def _learned_texts(path: Path, data) -> dict[str, dict[str, str]]:
    """[learned.<family>]: the reason and safer wording shown with a finding of the learned
    layer (family: a category key, or "default")."""
    if not isinstance(data, dict) or not all(
            isinstance(v, dict) and all(isinstance(v.get(k), str) and v[k].strip()
                                        for k in ("reason", "suggestion"))
            for v in data.values()):
        raise TermsFileError(f"{path}: [learned.<family>] needs a reason and a suggestion")
    return {str(k): {"reason": v["reason"].strip(), "suggestion": v["suggestion"].strip()}
            for k, v in data.items()}


def _context_rules(path: Path, source: str, data) -> ContextRules:
    """[rules]: every word list (negation_cues, teaching_cues, address_cues…) is a list of
    words; a broken one is refused naming its line."""
    if not isinstance(data, dict):
        raise TermsFileError(f"{path}: [rules] must be a table")
    for key, value in data.items():
        if key.endswith("_window"):
            if not isinstance(value, int) or value < 0:
                raise TermsFileError(f"{path}:{key_line(source, key)}: [rules] {key}: "
                                     "must be a whole number")
        elif not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise TermsFileError(f"{path}:{key_line(source, key)}: [rules] {key}: "
                                 "must be a list of words")
    return ContextRules.from_data(data)


def _where(path: Path, table: str, index: int, entry, lines: list[int]) -> str:
    name = entry.get("id", "?") if isinstance(entry, dict) else "?"
    line = f":{lines[index]}" if index < len(lines) else ""
    return f"{path}{line}: [[{table}]] #{index + 1} ({name})"


def _slot_rules(path: Path, source: str, data: dict,
                categories: dict[str, str]) -> tuple[TermRule, ...]:
    """[[slot_rules]]: patterns written with the [slots] word lists (see slots.py)."""
    raw_slots, entries = data.get("slots", {}), data.get("slot_rules", [])
    if not isinstance(raw_slots, dict) or not isinstance(entries, list):
        raise TermsFileError(f"{path}: [slots] must be a table and [[slot_rules]] a list")
    try:
        slots = expand_slots(raw_slots, where=lambda name: (
            f"{path}:{key_line(source, str(name))}: [slots] {name}"))
    except SlotError as exc:
        raise TermsFileError(str(exc)) from None
    lines = header_lines(source, "slot_rules")
    return tuple(_rule(_where(path, "slot_rules", index, entry, lines), entry, categories,
                       slots) for index, entry in enumerate(entries))


def _rule(where: str, entry: dict, categories: dict[str, str],
          slots: dict[str, str] | None = None) -> TermRule:
    if not isinstance(entry, dict):
        raise TermsFileError(f"{where}: not a table")
    required = ("id", "term", "category", "reason", "suggestion") + (
        ("pattern",) if slots is not None else ())
    for key in required:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise TermsFileError(f"{where}: '{key}' is missing")
    if entry["category"] not in categories:
        raise TermsFileError(f"{where}: unknown category '{entry['category']}'")
    lists = {}
    for key in ("exceptions", "unless"):
        lists[key] = entry.get(key, [])
        if not isinstance(lists[key], list):
            raise TermsFileError(f"{where}: '{key}' must be a list")
    slots = slots or {}
    return TermRule(
        id=entry["id"], term=entry["term"],
        regex=_compile(where, entry.get("pattern") or re.escape(entry["term"]), slots),
        category=entry["category"], reason=entry["reason"].strip(),
        suggestion=entry["suggestion"].strip(),
        exceptions=tuple(_compile(where, str(p), slots) for p in lists["exceptions"]),
        unless=Unless(tuple(_compile(where, str(p), slots) for p in lists["unless"])),
    )


def _compile(where: str, pattern: str, slots: dict[str, str]) -> re.Pattern:
    try:
        return check_pattern(fill(pattern, slots, where=where), where)
    except SlotError as exc:
        message = str(exc).replace("bad pattern:", f"bad pattern {pattern!r}:")
        raise TermsFileError(message) from None


def find_terms(text: str, *, teaching: bool = False, book: TermBook | None = None,
               terms_file: str | Path | None = None, learned: bool = True) -> list[Finding]:
    """Every risky claim in `text` (not negated, not talked about; with `teaching`, not a
    quoted example either), in order, never overlapping. The [[terms]] are placed first;
    a slot rule's hit is added where no term was found; then, in a reply (not in teaching
    mode) and with `learned`, the learned layer marks a sentence where no rule marked
    anything (see learned_findings)."""
    book = book or load_terms(terms_file)
    folded = simplified(fold(text or ""))
    quotes = quoted_spans(folded) if teaching else []
    chosen: list[tuple[int, int, TermRule]] = []
    for rules in (book.rules, book.slot_rules):
        hits = [(m.start(), m.end(), rule) for rule in rules for m in rule.regex.finditer(folded)
                if _is_claim(book, rule, folded, m.start(), m.end(), teaching, quotes)]
        for start, end, rule in sorted(hits, key=lambda h: (h[0], -h[1])):
            if end > start and not any(start < e and s < end for s, e, _r in chosen):
                chosen.append((start, end, rule))
    found = [Finding(term=text[start:end], start=start, end=end, reason=rule.reason,
                     suggestion=rule.suggestion, checker="terms", kind=RISK, rule=rule.id,
                     category=book.categories.get(rule.category, rule.category))
             for start, end, rule in sorted(chosen, key=lambda c: c[0])]
    if learned and not teaching and book.learned:
        found = sorted(found + learned_findings(text, folded, book, found),
                       key=lambda f: f.start)
    return found


def _is_claim(book: TermBook, rule: TermRule, text: str, start: int, end: int,
              teaching: bool, quotes: list[tuple[int, int]]) -> bool:
    if rule.excepted(text, start, end):
        return False
    rules = book.context
    if rules.is_negated(text, start) or rules.is_mentioned(text, end):
        return False
    if rules.is_taught(text, start, end, teaching=teaching):
        return False
    return not (teaching and (inside(quotes, start, end) or rules.is_example(text, start)))
