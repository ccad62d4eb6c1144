"""Banned and risky advertising and medical claims, read from one editable data file
(app/coach_terms.toml, or the file COACH_TERMS_FILE names) and found in a text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from app.services.coach.context_rules import ContextRules, fold, inside, quoted_spans
from app.services.coach.model import RISK, Finding

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

    def excepted(self, text: str, start: int, end: int) -> bool:
        lo, hi = max(0, start - EXCEPTION_REACH), end + EXCEPTION_REACH
        return any(m.start() <= start and end <= m.end()
                   for pattern in self.exceptions for m in pattern.finditer(text, lo, hi))


@dataclass(frozen=True)
class TermBook:
    path: Path
    rules: tuple[TermRule, ...]
    context: ContextRules
    categories: dict[str, str]


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
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TermsFileError(f"{path}: {exc}") from None
    categories = {str(k): str(v) for k, v in data.get("categories", {}).items()}
    entries = data.get("terms")
    if not isinstance(entries, list) or not entries:
        raise TermsFileError(f"{path}: no [[terms]]")
    rules = tuple(_rule(path, index, entry, categories) for index, entry in enumerate(entries))
    ids = [rule.id for rule in rules]
    if len(set(ids)) != len(ids):
        raise TermsFileError(f"{path}: an id is used twice")
    return TermBook(path, rules, ContextRules.from_data(data.get("rules", {})), categories)


def _rule(path: Path, index: int, entry: dict, categories: dict[str, str]) -> TermRule:
    name = entry.get("id", "?") if isinstance(entry, dict) else "?"
    where = f"{path}: [[terms]] #{index + 1} ({name})"
    if not isinstance(entry, dict):
        raise TermsFileError(f"{where}: not a table")
    for key in ("id", "term", "category", "reason", "suggestion"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise TermsFileError(f"{where}: '{key}' is missing")
    if entry["category"] not in categories:
        raise TermsFileError(f"{where}: unknown category '{entry['category']}'")
    exceptions = entry.get("exceptions", [])
    if not isinstance(exceptions, list):
        raise TermsFileError(f"{where}: 'exceptions' must be a list")
    return TermRule(
        id=entry["id"], term=entry["term"],
        regex=_compile(where, entry.get("pattern") or re.escape(entry["term"])),
        category=entry["category"], reason=entry["reason"].strip(),
        suggestion=entry["suggestion"].strip(),
        exceptions=tuple(_compile(where, str(p)) for p in exceptions),
    )


def _compile(where: str, pattern: str) -> re.Pattern:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise TermsFileError(f"{where}: bad pattern {pattern!r}: {exc}") from None
    if regex.search(""):
        raise TermsFileError(f"{where}: the pattern {pattern!r} matches empty text")
    return regex


def find_terms(text: str, *, teaching: bool = False, book: TermBook | None = None,
               terms_file: str | Path | None = None) -> list[Finding]:
    """Every risky term in `text` that is a claim (not negated, not talked about; with
    `teaching`, not a quoted example either), in order, never overlapping."""
    book = book or load_terms(terms_file)
    folded = fold(text or "")
    quotes = quoted_spans(folded) if teaching else []
    hits = []
    for rule in book.rules:
        for match in rule.regex.finditer(folded):
            start, end = match.span()
            if _is_claim(book, rule, folded, start, end, teaching, quotes):
                hits.append((start, -end, rule))
    findings, taken_until = [], -1
    for start, negative_end, rule in sorted(hits, key=lambda h: (h[0], h[1])):
        if start < taken_until:
            continue
        end = -negative_end
        taken_until = end
        findings.append(Finding(term=text[start:end], start=start, end=end, reason=rule.reason,
                                suggestion=rule.suggestion, checker="terms", kind=RISK,
                                rule=rule.id,
                                category=book.categories.get(rule.category, rule.category)))
    return findings


def _is_claim(book: TermBook, rule: TermRule, text: str, start: int, end: int,
              teaching: bool, quotes: list[tuple[int, int]]) -> bool:
    if rule.excepted(text, start, end):
        return False
    rules = book.context
    if rules.is_negated(text, start) or rules.is_mentioned(text, end):
        return False
    return not (teaching and (inside(quotes, start, end) or rules.is_example(text, start)))
