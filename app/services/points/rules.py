"""THE points rules: what earns points and how many. The defaults live here and nowhere
else; an administrator overrides the values (0..1000 each) under 系统管理 → 积分规则, stored as
the AppSetting "points_rules". The AppSetting "leaderboard_enabled" (default on) shows or
hides the leaderboard; points stay visible on each person's own page either way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models import User
from app.services.app_settings import read_settings, write_setting
from app.services.errors import DomainError

RULES_KEY = "points_rules"
LEADERBOARD_KEY = "leaderboard_enabled"
MAX_VALUE = 1000


@dataclass(frozen=True)
class Rule:
    key: str
    label: object  # a lazy translation
    description: object
    default: int


RULES: tuple[Rule, ...] = (
    Rule("lesson_completed", _l("Lesson completed"),
         _l("Each lesson marked as completed, once per lesson."), 1),
    Rule("quiz_passed", _l("Quiz passed"),
         _l("Each exam passed, once per quiz however many attempts it took (practice "
            "quizzes and the wrong-question book do not count)."), 5),
    Rule("run_signed_off", _l("Practice run signed off"),
         _l("Each SOP practice run signed off by a supervisor."), 10),
    Rule("class_attended", _l("Offline class attended"),
         _l("Each offline class attended (checked in and out, or marked present), once per "
            "class."), 5),
)
RULE_KEYS = tuple(rule.key for rule in RULES)


@dataclass(frozen=True)
class PointsSettings:
    values: dict[str, int]  # rule key → points, every rule present
    leaderboard_enabled: bool


def _valid(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_VALUE


def load_settings() -> PointsSettings:
    """The rules' current values and the leaderboard switch (one statement)."""
    stored = read_settings(RULES_KEY, LEADERBOARD_KEY)
    overrides = stored.get(RULES_KEY) if isinstance(stored.get(RULES_KEY), dict) else {}
    values = {rule.key: overrides[rule.key] if _valid(overrides.get(rule.key)) else rule.default
              for rule in RULES}
    enabled = stored.get(LEADERBOARD_KEY)
    return PointsSettings(values, enabled if isinstance(enabled, bool) else True)


def clean_value(rule: Rule, raw) -> int:
    """A rule's value as a whole number from 0 to MAX_VALUE, or a DomainError on its field."""
    text = str(raw).strip() if raw is not None else ""
    number = int(text) if re.fullmatch(r"\d{1,4}", text) else None  # also ０-９ typed by an IME
    if number is None or not 0 <= number <= MAX_VALUE:
        raise DomainError(_l("%(rule)s: enter a whole number from 0 to %(max)d.",
                             rule=rule.label, max=MAX_VALUE), rule.key)
    return number


class SettingsErrors(DomainError):
    """Several fields refused at once: `errors` holds one DomainError per field."""

    def __init__(self, errors: list[DomainError]):
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors


def save_settings(actor: User, values: dict[str, object], leaderboard_enabled: bool
                  ) -> PointsSettings:
    """Store the rules' values (every rule required) and the leaderboard switch; every
    wrong value is reported (SettingsErrors) and nothing is stored then."""
    cleaned, errors = {}, []
    for rule in RULES:
        try:
            cleaned[rule.key] = clean_value(rule, values.get(rule.key))
        except DomainError as error:
            errors.append(error)
    if errors:
        raise SettingsErrors(errors)
    write_setting(RULES_KEY, cleaned, actor)
    write_setting(LEADERBOARD_KEY, bool(leaderboard_enabled), actor)
    return PointsSettings(cleaned, bool(leaderboard_enabled))
