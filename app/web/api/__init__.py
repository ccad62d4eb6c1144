"""Blueprint 'api' (issue 7): read-only JSON for BI tools under /api/v1.

Token auth only (`Authorization: Bearer …`, see app/services/api_tokens.py): no cookies, so
no CSRF. Routes: app/web/api/routes.py (the lists), openapi.py (the document)."""

from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from app.web.api import openapi, routes  # noqa: E402,F401
