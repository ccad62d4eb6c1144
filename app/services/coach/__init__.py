"""The script coach (话术陪练): instant feedback on a reply an employee would send — risky
advertising and medical claims, the step's key points, placeholders left unfilled — from a
registry of checkers that works offline (see docs/coach.md).

    review_reply(text, key_points=…, template=…, settings=<the app settings, passed by the view>)
        -> CoachReport
    find_terms(text) -> list[Finding]   (what `flask coach check` prints)
"""

from app.services.coach.model import CoachContext, CoachReport, Finding
from app.services.coach.registry import CHECKERS, active_checkers, register, review_reply
from app.services.coach.terms import TermsFileError, find_terms, load_terms

__all__ = ["CHECKERS", "CoachContext", "CoachReport", "Finding", "TermsFileError",
           "active_checkers", "find_terms", "load_terms", "register", "review_reply"]
