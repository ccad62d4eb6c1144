"""When a step of a run is due, read from the step's timing text ("离院后24小时内").

The rule (also in docs/practice.md):

- Only the first part of a timing counts: the text before the first "；" (or ";"); what
  follows is a second schedule ("…；到院前一天发送提醒") shown as text only.
- A window is 后 followed *directly* by a number and a unit and 内: 后N分钟内, 后N小时内,
  后N天内, 后N个工作日内, or a range 后N至M小时/天[内] (M counts), or 后当天 / a bare 当天
  ("活动上线当天"). "术后第7天", "上线前2周", "术前1至3天", "发现异常后立即" are not windows.
- A part naming the next day ("次日上班后30分钟内") is anchored to an event a run does not
  record (the start of the next working day): not a window either.
- The window opens at the anchor, chosen by the step's `timing_from`:
  "case_start" — the run's case time (case_at, entered when the run starts: the operation,
  the discharge, the enquiry); "previous_step" (the default) — the tick of the nearest
  earlier step (by position) that is ticked, or, when there is none, the case time.
- Due: anchor + N minutes / hours / days (24 h each); N working days skip Saturdays and
  Sundays in China time (public holidays are not known); 当天 ends at midnight China time of
  the anchor's day. on_time = ticked at or before the deadline; None when the step has no
  window or is not ticked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

# lazy, under the name pybabel extracts plural messages by
from flask_babel import lazy_ngettext as ngettext

CASE_START, PREVIOUS_STEP = "case_start", "previous_step"
TIMING_FROM = (PREVIOUS_STEP, CASE_START)
TIMING_FROM_LABELS = {PREVIOUS_STEP: _l("The previous step"), CASE_START: _l("The case start")}
CHINA = ZoneInfo("Asia/Shanghai")
UNITS = {"分钟": "minutes", "小时": "hours", "天": "days", "日": "days", "个工作日": "workdays",
         "工作日": "workdays"}
UNIT = r"(分钟|小时|个工作日|工作日|天|日)"
WINDOW = re.compile(rf"后\s*(\d{{1,4}})\s*{UNIT}内")
RANGE = re.compile(rf"后\s*\d{{1,4}}\s*[至到~\-－]\s*(\d{{1,4}})\s*{UNIT}")
SAME_DAY = re.compile(r"当天|当日")
NEXT_DAY = re.compile(r"次日|第二天|隔天")


@dataclass(frozen=True)
class Window:
    """A parsed timing: `amount` of `unit` (minutes, hours, days, workdays, same_day)."""

    unit: str
    amount: int = 0

    def deadline(self, anchor: datetime) -> datetime:
        """The latest on-time moment for a step whose window opens at `anchor` (aware)."""
        if self.unit == "same_day":
            local = anchor.astimezone(CHINA)
            end = datetime.combine(local.date() + timedelta(days=1), time(0), CHINA)
            return end - timedelta(microseconds=1)
        if self.unit == "workdays":
            return _add_workdays(anchor, self.amount)
        return anchor + timedelta(**{self.unit: self.amount})


# The rule as a phrase, per anchor and unit ("案例开始后 72 小时内").
_RULES = {
    (CASE_START, "minutes"): lambda n: ngettext(
        "within %(num)d minute of the case start", "within %(num)d minutes of the case start", n),
    (CASE_START, "hours"): lambda n: ngettext(
        "within %(num)d hour of the case start", "within %(num)d hours of the case start", n),
    (CASE_START, "days"): lambda n: ngettext(
        "within %(num)d day of the case start", "within %(num)d days of the case start", n),
    (CASE_START, "workdays"): lambda n: ngettext(
        "within %(num)d working day of the case start",
        "within %(num)d working days of the case start", n),
    (CASE_START, "same_day"): lambda n: _l("on the day the case starts"),
    (PREVIOUS_STEP, "minutes"): lambda n: ngettext(
        "within %(num)d minute of the previous step", "within %(num)d minutes of the previous step",
        n),
    (PREVIOUS_STEP, "hours"): lambda n: ngettext(
        "within %(num)d hour of the previous step", "within %(num)d hours of the previous step", n),
    (PREVIOUS_STEP, "days"): lambda n: ngettext(
        "within %(num)d day of the previous step", "within %(num)d days of the previous step", n),
    (PREVIOUS_STEP, "workdays"): lambda n: ngettext(
        "within %(num)d working day of the previous step",
        "within %(num)d working days of the previous step", n),
    (PREVIOUS_STEP, "same_day"): lambda n: _l("on the day of the previous step"),
}


def timing_rule(text: str | None, timing_from: str | None, first: bool = False):
    """How the app reads a step's timing, as a phrase shown beside 按时/超时 ("案例开始后 72
    小时内"); None when the timing states no window. `first`: no earlier step is ticked (or
    exists), so a window after the previous step opens at the case start too."""
    window = parse_timing(text)
    if window is None:
        return None
    anchor = CASE_START if timing_from == CASE_START or first else PREVIOUS_STEP
    return _RULES[anchor, window.unit](window.amount)


def _add_workdays(anchor: datetime, count: int) -> datetime:
    local = anchor.astimezone(CHINA)
    added = 0
    while added < count:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local


def parse_timing(text: str | None) -> Window | None:
    """The window of a timing text, or None when it states none (see the module docstring)."""
    first = re.split(r"[；;]", text or "", maxsplit=1)[0]
    if not first.strip() or NEXT_DAY.search(first):
        return None
    match = RANGE.search(first) or WINDOW.search(first)
    if match:
        return Window(UNITS[match.group(2)], int(match.group(1)))
    if SAME_DAY.search(first):
        return Window("same_day")
    return None


@dataclass(frozen=True)
class StepTiming:
    window: Window | None
    anchor: datetime | None
    deadline: datetime | None
    on_time: bool | None
    rule: object = None  # timing_rule: the phrase shown beside the badge


def step_timings(steps: list[tuple[str, str | None, datetime | None]], case_at: datetime
                 ) -> list[StepTiming]:
    """For (timing text, timing_from, done_at) in position order: each step's window, anchor,
    deadline, on_time and rule."""
    result = []
    previous = None
    for text, timing_from, done_at in steps:
        window = parse_timing(text)
        anchor = case_at if timing_from == CASE_START or previous is None else previous
        deadline = window.deadline(anchor) if window else None
        on_time = None if deadline is None or done_at is None else done_at <= deadline
        result.append(StepTiming(window, anchor, deadline, on_time,
                                 timing_rule(text, timing_from, first=previous is None)))
        if done_at is not None:
            previous = done_at
    return result
