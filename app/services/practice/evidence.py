"""The registry of evidence types of SOP steps: none, text, number, link, photo.

Each type knows the RunStep column that holds its evidence, how to turn what a form sent
into a stored value (refusing bad input with a message), whether a step carries it, its
label and the template partial that renders its input. Adding a type is one class here and
one partial under templates/practice/evidence/.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import ClassVar
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from app.models import RunStep
from app.services.errors import DomainError
from app.services.privacy import refuse_pii
from app.services.validation import clean_multiline, clean_text

MAX_TEXT = 2000
MAX_LINK = 500
MAX_NUMBER = Decimal(10) ** 12
NUMBER = re.compile(r"^[+-]?\d{1,13}(?:\.\d{1,4})?$")


def number_text(value, unit: str | None = "") -> str:
    """A number of evidence as a page or an export shows it: 15.0 → "15", with its unit
    ("12800.5 元"); "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, int | float):
        value = f"{float(value):.4f}".rstrip("0").rstrip(".")
    return f"{value} {unit}".strip() if unit else str(value)


class EvidenceType:
    """No evidence: a tick is enough."""

    name: ClassVar[str] = "none"
    label: ClassVar = _l("No evidence needed")
    column: ClassVar[str | None] = None
    form_field: ClassVar[str | None] = None

    @property
    def partial(self) -> str:
        return f"practice/evidence/_{self.name}.html"

    def normalise(self, raw: str | None):
        """The value to store for what the form sent; DomainError when it is refused."""
        return None

    def present(self, step: RunStep) -> bool:
        return True


class TextEvidence(EvidenceType):
    name = "text"
    label = _l("A written note")
    column = form_field = "evidence_text"

    def normalise(self, raw: str | None) -> str:
        label = _l("Your written record")
        refuse_pii(raw, field=self.form_field, label=label)
        return (clean_multiline(raw, field=self.form_field, label=label,
                                max_length=MAX_TEXT) or "").strip()

    def present(self, step: RunStep) -> bool:
        return bool(step.evidence_text.strip())


class NumberEvidence(EvidenceType):
    name = "number"
    label = _l("A number")
    column = form_field = "evidence_number"

    def normalise(self, raw: str | None) -> float | None:
        refuse_pii(raw, field=self.form_field, label=_l("Evidence (a number)"))
        text = unicodedata.normalize("NFKC", raw or "").strip().replace(",", "")
        if not text:
            return None
        if len(text) > 30 or not NUMBER.match(text):
            raise DomainError(_l("Enter a number such as 15 or 12800.5 (digits, at most 4 "
                                 "decimals)."), self.form_field)
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already rules it out
            raise DomainError(_l("Enter a number."), self.form_field) from None
        if abs(value) >= MAX_NUMBER:
            raise DomainError(_l("The number is too large."), self.form_field)
        return float(value)

    def present(self, step: RunStep) -> bool:
        return step.evidence_number is not None


class LinkEvidence(EvidenceType):
    name = "link"
    label = _l("A link")
    column = form_field = "evidence_link"

    def normalise(self, raw: str | None) -> str:
        label = _l("Link")
        refuse_pii(raw, field=self.form_field, label=label)
        value = (clean_text(raw, field=self.form_field, label=label, max_length=MAX_LINK,
                            required=False) or "").strip()
        if not value:
            return ""
        parts = urlsplit(value)
        if (parts.scheme.lower() not in ("http", "https") or not parts.hostname
                or any(ch.isspace() for ch in value)):
            raise DomainError(_l("Enter a web address starting with http:// or https://."),
                              self.form_field)
        return value

    def present(self, step: RunStep) -> bool:
        return bool(step.evidence_link)


class PhotoEvidence(EvidenceType):
    """A photo of a screen or material; the upload itself is handled by photos.py."""

    name = "photo"
    label = _l("A photo")
    column = "photo_id"
    form_field = "photo"

    def present(self, step: RunStep) -> bool:
        return step.photo_id is not None


EVIDENCE_TYPES: dict[str, EvidenceType] = {
    kind.name: kind() for kind in (EvidenceType, TextEvidence, NumberEvidence, LinkEvidence,
                                   PhotoEvidence)
}


def evidence_type(name: str | None) -> EvidenceType:
    """The registered type; an unknown name (never published by the editor) needs nothing."""
    return EVIDENCE_TYPES.get(name or "none", EVIDENCE_TYPES["none"])
