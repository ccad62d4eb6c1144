"""The script coach on the run page without JavaScript: 检查话术 saves the step, then the page
shows the coach's report on the step's script draft (coach.js does the same as one types)."""

from __future__ import annotations

from flask import current_app

from app.services.coach import CoachReport, review_reply
from app.services.coach.sources import step_context


def coach_report(page, step_key: str) -> CoachReport | None:
    """The coach's report on the saved draft of step `step_key`, checked against the step
    as published (script template, key points); None when there is no such step or
    nothing to check."""
    row = next((row for row in page.rows if row.step.step_key == step_key), None)
    if row is None or not row.step.script_draft.strip():
        return None
    return review_reply(row.step.script_draft, settings=current_app.config,
                        **step_context(row.version_step.id))
