"""The event types a webhook endpoint can subscribe to, with an example payload each (the
`data` of the envelope; docs/webhooks.md and the OpenAPI document show them).

Wired today: attempt.graded (app/services/quiz/grading.py), run.signed_off
(practice/review.py), assignment.overdue (the reminder run), certificate.issued
(certificates.py), user.synced (directory sync and roster import). The others are emitted by
the features that own them, with the payloads below."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

USER = {"user_id": 42, "user_login": "E0042"}
CERTIFICATE = {"certificate_id": 7, "code": "ABCD-EFGH-JKLM", "kind": "course",
               "item_id": 3, "title": "私域运营基础", **USER}

EVENTS: dict[str, dict] = {
    "attempt.graded": {
        "label": _l("A quiz attempt was graded"),
        "example": {"attempt_id": 1001, "quiz_id": 12, "quiz_title": "术后回访话术测验", **USER,
                    "score": 8.5, "max_score": 10.0, "percent": 85.0, "passed": True,
                    "submitted_at": "2026-03-01T08:00:00Z",
                    "graded_at": "2026-03-01T09:30:00Z"}},
    "run.signed_off": {
        "label": _l("An SOP practice run was signed off"),
        "example": {"run_id": 55, "sop_module_id": 4, "sop_title": "出院前添加企业微信",
                    **USER, "case_code": "C-2026-0301", "round": 1, "reviewer_id": 9,
                    "scores": {"script": 4, "timing": 5},
                    "signed_off_at": "2026-03-02T10:00:00Z"}},
    "assignment.overdue": {
        "label": _l("An assignment became overdue"),
        "example": {"assignment_id": 20, "kind": "course", "title": "广告法红线", **USER,
                    "required": True, "due_at": "2026-03-01T15:59:59Z"}},
    "certificate.issued": {
        "label": _l("A certificate was issued"),
        "example": {**CERTIFICATE, "issued_at": "2026-03-03T02:00:00Z"}},
    "certificate.expiring": {
        "label": _l("A certificate expires soon"),
        "example": {**CERTIFICATE, "expires_at": "2026-04-01T00:00:00Z"}},
    "certificate.expired": {
        "label": _l("A certificate expired"),
        "example": {**CERTIFICATE, "expires_at": "2026-04-01T00:00:00Z"}},
    "class.attended": {
        "label": _l("Someone attended an offline class"),
        "example": {"class_id": 8, "session_id": 31, "title": "线下面诊沟通工作坊", **USER,
                    "attended_at": "2026-03-05T06:00:00Z"}},
    "survey.closed": {
        "label": _l("A survey closed"),
        "example": {"survey_id": 5, "title": "三月培训满意度调查", "responses": 37,
                    "closed_at": "2026-03-31T16:00:00Z"}},
    "user.synced": {
        "label": _l("An account was created or changed by directory sync or roster import"),
        "example": {"user_id": 42, "login": "E0042", "name": "王小美", "active": True,
                    "department_id": 3, "position_id": 2, "change": "updated",
                    "source": "wecom"}},
}

EVENT_TYPES = tuple(EVENTS)


def envelope_example(event: str) -> dict:
    """What a receiver gets: the envelope around the event's example payload."""
    return {"id": "evt_3b1f0c9e2a7d4c58b6a1f0e9d8c7b6a5", "type": event,
            "created_at": "2026-03-01T09:30:00Z", "data": EVENTS[event]["example"]}
