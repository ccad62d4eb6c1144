"""The registry of checkers: name → a factory that builds the checker from the settings, or
returns None when it is not configured. Built in: terms, key_points, placeholders (always on,
offline); llm (only when COACH_LLM_URL and COACH_LLM_MODEL are set). A new checker is a class
with `name` and `check(text, context) -> list[Finding]`, plus one `register` call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from flask_babel import lazy_gettext as _l

from app.services.coach.key_points import check_key_points
from app.services.coach.llm import LlmChecker
from app.services.coach.model import (
    KEY_POINT,
    NOTE,
    PLACEHOLDER,
    RISK,
    CoachContext,
    CoachReport,
    Finding,
)
from app.services.coach.placeholders import find_placeholders
from app.services.coach.terms import TermsFileError, find_terms


class Checker(Protocol):
    name: str

    def check(self, text: str, context: CoachContext) -> list[Finding]: ...


Factory = Callable[[Mapping], "Checker | None"]
CHECKERS: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> Factory:
    CHECKERS[name] = factory
    return factory


class TermsChecker:
    name = "terms"

    def __init__(self, terms_file: str | None = None):
        self.terms_file = terms_file

    def check(self, text: str, context: CoachContext) -> list[Finding]:
        try:
            return find_terms(text, teaching=context.teaching, terms_file=self.terms_file)
        except TermsFileError as exc:
            return [Finding(term="", kind=NOTE, checker=self.name, reason=str(_l(
                "The list of risky terms could not be read, so terms were not checked: "
                "%(error)s", error=str(exc))))]


class KeyPointsChecker:
    name = "key_points"

    def check(self, text: str, context: CoachContext) -> list[Finding]:
        return check_key_points(text, context.key_points)


class PlaceholdersChecker:
    name = "placeholders"

    def check(self, text: str, context: CoachContext) -> list[Finding]:
        if context.placeholders_expected:
            return []
        return find_placeholders(text, context.template)


register("terms", lambda settings: TermsChecker(settings.get("COACH_TERMS_FILE")))
register("key_points", lambda settings: KeyPointsChecker())
register("placeholders", lambda settings: PlaceholdersChecker())
register("llm", LlmChecker.from_settings)


def active_checkers(settings: Mapping | None = None) -> list[Checker]:
    """The checkers the settings switch on, in registration order."""
    settings = settings or {}
    built = (factory(settings) for factory in CHECKERS.values())
    return [checker for checker in built if checker is not None]


def review_reply(text: str, *, key_points=(), template: str = "",
                 placeholders_expected: bool = False, settings: Mapping | None = None,
                 checkers: list[Checker] | None = None) -> CoachReport:
    """Check a reply an employee would send: risky terms, key points covered, placeholders
    left unfilled (and the AI reviewer's remarks when one is configured)."""
    context = CoachContext(key_points=tuple(key_points or ()), template=template or "",
                           placeholders_expected=placeholders_expected)
    found: list[Finding] = []
    for checker in checkers if checkers is not None else active_checkers(settings):
        found.extend(checker.check(text, context))
    return _report(text, found)


def _report(text: str, found: list[Finding]) -> CoachReport:
    report = CoachReport(text=text)
    taken: list[tuple[int, int]] = []
    for finding in found:  # the offline checkers first: a later overlapping risk is dropped
        if finding.kind == RISK and not any(finding.start < e and s < finding.end
                                            for s, e in taken):
            taken.append((finding.start, finding.end))
            report.findings.append(finding)
        elif finding.kind == KEY_POINT:
            report.key_points.append(finding)
        elif finding.kind == PLACEHOLDER:
            report.placeholders.append(finding)
        elif finding.kind == NOTE:
            report.notes.append(finding.reason + (f"（{finding.suggestion}）"
                                                  if finding.suggestion else ""))
    report.findings.sort(key=lambda f: f.start)
    return report
