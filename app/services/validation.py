"""Field rules shared by web forms, the roster importer and the command line."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError
from app.services.privacy import refuse_pii

LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
# Names that only exist inside an organisation's own network (RFC 6762, 6761, 8375, ICANN's
# .internal): email-validator refuses them as "special-use", yet clinics' own mail servers
# use them. An address under one of these still needs a host name before the suffix.
INTRANET_SUFFIXES = ("home.arpa", "local", "lan", "internal", "intranet", "corp", "test",
                     "localdomain")


def like_contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with % _ and \\ taken literally (escape '\\')."""
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cs"})
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in value)


def clean_text(value: str | None, *, field: str, label, max_length: int,
               required: bool = True, privacy_exempt: str | None = None) -> str | None:
    """A single-line text kept exactly as typed; blank → None or an error when required.

    Text that looks like a client's phone or ID-card number is refused (services.privacy)
    unless `privacy_exempt` says why this field may hold one (docs/privacy.md)."""
    if value is None or value.strip() == "":
        if required:
            raise DomainError(_l("%(label)s is required.", label=label), field)
        return None
    if len(value) > max_length:
        raise DomainError(
            _l("%(label)s must be at most %(max)d characters.", label=label, max=max_length),
            field,
        )
    if _has_control_characters(value):
        raise DomainError(
            _l("%(label)s contains invisible control characters; please remove them.",
               label=label),
            field,
        )
    if not privacy_exempt:
        refuse_pii(value, field=field, label=label)
    return value


def clean_multiline(value: str | None, *, field: str, label, max_length: int,
                    required: bool = False, privacy_exempt: str | None = None) -> str | None:
    """A text of several lines (Markdown, notes): line ends made "\\n", otherwise as typed;
    refused like `clean_text` when it looks like a client's phone or ID-card number."""
    if value is not None:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if value is None or value.strip() == "":
        if required:
            raise DomainError(_l("%(label)s is required.", label=label), field)
        return None
    if len(value) > max_length:
        raise DomainError(
            _l("%(label)s must be at most %(max)d characters.", label=label, max=max_length),
            field,
        )
    if _has_control_characters(value.replace("\n", "").replace("\t", "")):
        raise DomainError(
            _l("%(label)s contains invisible control characters; please remove them.",
               label=label),
            field,
        )
    if not privacy_exempt:
        refuse_pii(value, field=field, label=label)
    return value


def clean_login(value: str | None, field: str = "login") -> str:
    """An employee number (工号): letters, digits, dot, underscore, hyphen; at most 32."""
    value = (value or "").strip()
    if not value:
        raise DomainError(_l("Employee number is required."), field)
    if not LOGIN_RE.match(value):
        raise DomainError(
            _l("Employee number '%(value)s' may only contain letters, digits, '.', '_' and "
               "'-', and be at most 32 characters.", value=value[:40]),
            field,
        )
    return value


def clean_phone(value: str | None, field: str = "phone") -> str | None:
    """A mainland mobile number, stored as 11 digits; blank → None."""
    if value is None or value.strip() == "":
        return None
    digits = PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE_RE.match(digits):
        raise DomainError(
            _l("Phone number '%(value)s' is not valid: use an 11-digit mainland mobile number.",
               value=value[:40]),
            field,
        )
    return digits


def clean_email(value: str | None, field: str = "email") -> str | None:
    """An email address, checked for form only (no network); blank → None."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if len(value) > 254:
        raise DomainError(_l("Email address is too long."), field)
    try:
        validate_email(_as_public(value), check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(
            _l("Email address '%(value)s' is not valid.", value=value[:60]), field
        ) from None
    return value


def _as_public(address: str) -> str:
    """`address` with an intranet suffix (clinic.local, mail.corp…) swapped for a public-looking
    one, so that email-validator checks everything else exactly as for the public internet."""
    local, at, domain = address.rpartition("@")
    lowered = domain.lower()
    for suffix in INTRANET_SUFFIXES:
        if at and lowered.endswith("." + suffix) and len(lowered) > len(suffix) + 1:
            return f"{local}@{domain[:-len(suffix)]}example"
    return address


def check_password_strength(password: str, login: str | None = None,
                            field: str = "new_password") -> None:
    """At least 8 characters with a letter and a digit, and not the employee number."""
    if len(password) < 8 or len(password) > 128:
        raise DomainError(_l("Password must be 8 to 128 characters long."), field)
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise DomainError(_l("Password must contain both letters and digits."), field)
    if login and password.lower() == login.lower():
        raise DomainError(_l("Password must not be your employee number."), field)


DAY_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def clean_day(value: str | date | None, *, field: str, label) -> date | None:
    """A calendar day as people write it: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日 (full-width
    digits too, an Excel date cell's time of day ignored); None when empty."""
    if value is None or isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    found = DAY_RE.match(text)
    try:
        day = date(*(int(part) for part in found.groups())) if found else None
    except ValueError:
        day = None
    if day is None or not 1900 < day.year < 2100:
        raise DomainError(_l("%(label)s '%(value)s' is not a date (write it like 2026-03-01, "
                             "2026/3/1 or 2026年3月1日).", label=label, value=value[:40]), field)
    return day
