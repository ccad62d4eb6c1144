"""Every resource of /api/v1, in the order the OpenAPI document lists them."""

from __future__ import annotations

from app.services.bi.learning_resources import ASSIGNMENT_STATUS, ASSIGNMENTS, ATTEMPTS, RUNS
from app.services.bi.org_resources import DEPARTMENTS, USERS
from app.services.bi.results_resources import KPIS, RESULTS

RESOURCES = (USERS, DEPARTMENTS, ASSIGNMENTS, ASSIGNMENT_STATUS, ATTEMPTS, RUNS, RESULTS, KPIS)
BY_NAME = {resource.name: resource for resource in RESOURCES}
