"""Property-based run of /api/v1 against its own OpenAPI document (Schemathesis).

For every operation, in positive mode (parameters that fit the document) and negative mode
(parameters that do not), Hypothesis generates requests sent with a valid token; each
response must not be a 5xx, must use a documented status code, content type and headers,
and its body must match the documented schema; negative data must be refused (4xx), and a
request without the token must get 401 (`ignored_auth`). Seeded data: the demo organisation
plus an assignment, an attempt and a reviewed run, so every row type has rows.

`positive_data_acceptance` is not run on purpose: `cursor` is any string in the document,
but only cursors the API gave are accepted (400 otherwise), by design.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db  # noqa: E402
from app.services.bi.registry import RESOURCES  # noqa: E402
from tests.web.api_helpers import add_users, bearer, make_token, seed_learning  # noqa: E402

EXAMPLES = 25  # per operation and mode: the whole file runs in well under 30 s
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, ignored_auth]
MODES = {"positive": (GenerationMode.POSITIVE, CHECKS),
         "negative": (GenerationMode.NEGATIVE, [*CHECKS, negative_data_rejection])}


# Hypothesis keeps caches in ./.hypothesis by default; pytest's norecursedirs plus
# filterwarnings=error would turn that folder into a collection error for everyone.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "sop-academy-hypothesis")


def isolated(app):
    """The app as a WSGI callable serving each request in its own app context (and so its
    own database session), as a real server does; the test's own work is committed first."""

    def wsgi(environ, start_response):
        db.session.commit()
        with app.app_context():
            return list(app(environ, start_response))

    return wsgi


@pytest.fixture
def api_schema(app, demo):
    seed_learning()
    add_users(7)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))


def _run_operation(operation, generation_mode, checks, headers) -> None:
    @given(case=operation.as_strategy(generation_mode=generation_mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    run()


@pytest.mark.parametrize("mode", sorted(MODES))
def test_api_conforms_to_its_openapi_document(api_schema, mode):
    """Every operation in turn (a failure names its operation and the request to replay)."""
    generation_mode, checks = MODES[mode]
    headers = bearer(make_token())
    for resource in RESOURCES:
        operation = api_schema.find_operation_by_id("list_" + resource.name.replace("/", "_"))
        _run_operation(operation, generation_mode, checks, headers)
