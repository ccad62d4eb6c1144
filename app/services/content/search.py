"""Search the latest published courses and SOP modules meant for a learner.

Every word of the query must occur (case-insensitively for Latin letters) in the same course,
lesson, SOP module or step; % and _ are ordinary characters. Four statements per search.
Each hit carries its title and a short snippet around the first match, escaped and with the
matches wrapped in <mark>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    Course,
    CourseVersion,
    CourseVersionLesson,
    SopModule,
    SopVersion,
    SopVersionStep,
    User,
)
from app.services.content.audience import visible_courses, visible_sop_modules
from app.services.validation import like_contains

MAX_QUERY = 100
MAX_TERMS = 5
LIMIT = 30  # hits per kind
SNIPPET = 90  # characters
BEFORE = 25  # characters shown before the first match
MARKDOWN_NOISE = re.compile(  # Markdown punctuation left out of snippets
    r"^\s{0,3}(?:#{1,6}|>+|[-+*]|\d+\.)\s+|:?-{3,}:?|\]\([^)\s]*\)|\*{1,3}|`+|\||!?\[|\]",
    re.MULTILINE)


@dataclass
class SearchHit:
    kind: str  # course | lesson | sop | step
    slug: str  # the course's or the SOP module's slug
    title: Markup
    snippet: Markup
    parent: str = ""  # the course or SOP title of a lesson or step
    key: str = ""  # the lesson's or step's key


@dataclass
class SearchResult:
    query: str
    terms: list[str]
    hits: list[SearchHit]


def query_terms(query: str | None) -> list[str]:
    """The distinct words of a query, at most five, lowercased."""
    words = (query or "").strip()[:MAX_QUERY].lower().split()
    return list(dict.fromkeys(words))[:MAX_TERMS]


def _all_terms(terms: list[str], columns: list) -> ColumnElement[bool]:
    return and_(*[or_(*[func.lower(column).like(like_contains(term), escape="\\")
                        for column in columns]) for term in terms])


def _pattern(terms: list[str]) -> re.Pattern:
    alternatives = sorted((re.escape(term) for term in terms), key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> Markup:
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
    parts, last = [], 0
    for match in _pattern(terms).finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group(0))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def snippet(texts: list[str], terms: list[str]) -> Markup:
    """A short piece of the first text that contains a term, around the first match."""
    pattern = _pattern(terms)
    flats = [" ".join(MARKDOWN_NOISE.sub(" ", text or "").split()) for text in texts]
    for flat in flats:
        match = pattern.search(flat)
        if match:
            start = max(0, match.start() - BEFORE)
            end = max(start + SNIPPET, match.end())
            return _piece(flat, start, end, terms)
    first = next((flat for flat in flats if flat), "")
    return _piece(first, 0, SNIPPET, terms)


def _piece(flat: str, start: int, end: int, terms: list[str]) -> Markup:
    text = ("…" if start > 0 else "") + flat[start:end] + ("…" if end < len(flat) else "")
    return highlight(text, terms)


def search(user: User, query: str | None) -> SearchResult:
    """Courses, lessons, SOP modules and steps meant for the user that contain every word."""
    terms = query_terms(query)
    result = SearchResult(query=(query or "").strip()[:MAX_QUERY], terms=terms, hits=[])
    if terms:
        result.hits = (_courses(user, terms) + _lessons(user, terms) + _sop_modules(user, terms)
                       + _steps(user, terms))
    return result


def _courses(user: User, terms: list[str]) -> list[SearchHit]:
    query = visible_courses(user).where(_all_terms(terms, [CourseVersion.title,
                                                           CourseVersion.summary]))
    return [SearchHit("course", course.slug, highlight(version.title, terms),
                      snippet([version.summary, version.title], terms))
            for course, version in db.session.execute(query.limit(LIMIT))]


def _lessons(user: User, terms: list[str]) -> list[SearchHit]:
    versions = visible_courses(user).with_only_columns(
        Course.slug, Course.sort_order, CourseVersion.id, CourseVersion.title.label("course"),
    ).order_by(None).subquery()
    lesson = CourseVersionLesson
    query = (select(lesson, versions.c.slug, versions.c.course)
             .join(versions, versions.c.id == lesson.version_id)
             .where(_all_terms(terms, [lesson.title, lesson.body]))
             .order_by(versions.c.sort_order, versions.c.slug, lesson.rank).limit(LIMIT))
    return [SearchHit("lesson", slug, highlight(item.title, terms),
                      snippet([item.body, item.title], terms), parent=course, key=item.key)
            for item, slug, course in db.session.execute(query)]


def _sop_modules(user: User, terms: list[str]) -> list[SearchHit]:
    query = visible_sop_modules(user).where(_all_terms(terms, [SopVersion.title,
                                                           SopVersion.purpose]))
    return [SearchHit("sop", sop_module.slug, highlight(version.title, terms),
                      snippet([version.purpose, version.title], terms))
            for sop_module, version in db.session.execute(query.limit(LIMIT))]


def _steps(user: User, terms: list[str]) -> list[SearchHit]:
    versions = visible_sop_modules(user).with_only_columns(
        SopModule.slug, SopModule.sort_order, SopVersion.id, SopVersion.title.label("sop"),
    ).order_by(None).subquery()
    step = SopVersionStep
    query = (select(step, versions.c.slug, versions.c.sop)
             .join(versions, versions.c.id == step.version_id)
             .where(_all_terms(terms, [step.title, step.instructions, step.script]))
             .order_by(versions.c.sort_order, versions.c.slug, step.rank).limit(LIMIT))
    return [SearchHit("step", slug, highlight(item.title, terms),
                      snippet([item.instructions, item.script, item.title], terms),
                      parent=sop, key=item.key)
            for item, slug, sop in db.session.execute(query)]
