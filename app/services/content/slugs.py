"""Addresses (slugs) of items made in the web editors: course, quiz, SOP module, question bank.

A new item's address is read from its title — Chinese as pinyin ("术后回访" → shu-hou-hui-fang),
other letters and digits as they are — and made unique with -2, -3 …; the trainer may type
their own instead (lowercase a-z, 0-9 and hyphens). Items that come from the content files
keep the address the files give them: the files are their identity."""

from __future__ import annotations

import itertools
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.services.errors import DomainError

TYPED = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_LENGTH = 60  # made from a title; a typed one may use the whole column
TYPED_LENGTH = 80
NOT_SLUG = re.compile(r"[^a-z0-9]+")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def readable(title: str, length: int = SLUG_LENGTH) -> str:
    """The title as a slug: Chinese characters as pinyin syllables, other letters and digits
    as ASCII, joined by hyphens, cut on a hyphen ("" when nothing is left)."""
    plain = unicodedata.normalize("NFKC", title)
    if HAN.search(plain):
        # imported here, not with the module: pypinyin's dictionaries take ~50 MB in every
        # worker, and only an author naming a new item in Chinese needs them
        from pypinyin import Style, lazy_pinyin

        plain = " ".join(lazy_pinyin(plain, style=Style.NORMAL, errors="default"))
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode().lower()
    slug = NOT_SLUG.sub("-", plain).strip("-")
    if len(slug) > length:
        slug = slug[:length + 1].rsplit("-", 1)[0] if "-" in slug[:length] else slug[:length]
    return slug.strip("-")


def first_free(title: str, prefix: str, taken: set[str]) -> str:
    """`readable(title)`, or "<prefix>-<n>" when the title gives no letter, not in `taken`
    (-2, -3 … when needed)."""
    base = readable(title)
    base = base if re.search("[a-z]", base) else ""
    if base and base not in taken:
        return base
    stem, start = (base, 2) if base else (prefix, 1)
    return next(f"{stem}-{n}" for n in itertools.count(start) if f"{stem}-{n}" not in taken)


def unique_slug(model, title: str, prefix: str) -> str:
    """A slug for a new item of `model` that no other one uses."""
    return first_free(title, prefix, set(db.session.scalars(select(model.slug))))


def choose_slug(model, item, typed: str | None, title: str, prefix: str) -> str:
    """The address `item` (None: a new one) gets from its form: blank keeps the current one or
    makes one from the title; a typed one must be well formed and free. DomainError on "slug"."""
    typed = (typed or "").strip()
    current = getattr(item, "slug", None)
    if not typed or typed == current:
        return current or unique_slug(model, title, prefix)
    if item is not None and getattr(item, "source", "web") != "web":
        raise DomainError(_l("This item comes from the content files: change its address "
                             "there."), "slug")
    if len(typed) > TYPED_LENGTH or not TYPED.match(typed):
        raise DomainError(_l("The address may only use lowercase letters a–z, digits and "
                             "single hyphens (at most %(max)d characters), e.g. "
                             "shu-hou-hui-fang.", max=TYPED_LENGTH), "slug")
    if db.session.scalar(select(model.id).where(model.slug == typed)) is not None:
        raise DomainError(_l("Another item already uses the address “%(slug)s”.", slug=typed),
                          "slug")
    return typed
