"""GET /api/v1/openapi.json: the OpenAPI 3.0.3 document, built from the same resource
definitions (fields with their JSON schemas) the views serve, so the two cannot drift."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.services.api_tokens import SCOPES
from app.services.bi.fields import Resource
from app.services.bi.paging import DEFAULT_LIMIT, MAX_LIMIT
from app.services.bi.registry import RESOURCES
from app.web.api import bp
from app.web.api.openapi_webhooks import webhooks_document

REF = "#/components/"
DESCRIPTION = (
    "Read-only JSON for BI tools. Authenticate with `Authorization: Bearer <token>`; an "
    "administrator creates tokens (Administration → API tokens), each limited to some "
    f"scopes ({', '.join(SCOPES)}). Lists are keyset pages: follow `next_cursor` until it is "
    "null. Timestamps are ISO 8601 in UTC with a trailing Z. See docs/api.md. The events SOP "
    "Academy posts to webhook endpoints are under `x-webhooks` (docs/webhooks.md).")

PARAMETERS = {
    "limit": {"name": "limit", "in": "query", "required": False,
              "description": "Rows per page.",
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                         "default": DEFAULT_LIMIT}},
    "cursor": {"name": "cursor", "in": "query", "required": False,
               "description": "The `next_cursor` of the previous page (opaque).",
               "schema": {"type": "string"}},
    "updated_since": {"name": "updated_since", "in": "query", "required": False,
                      "description": "Only rows changed at or after this moment (ISO 8601 "
                                     "with a time zone, e.g. 2026-03-01T08:00:00Z).",
                      "schema": {"type": "string", "format": "date-time"}},
}

ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "parameter": {"type": "string",
                                     "description": "The query parameter at fault."}}}}}


def _error(description: str, headers: dict | None = None) -> dict[str, Any]:
    response = {"description": description, "content": {"application/json": {
        "schema": {"$ref": REF + "schemas/Error"}}}}
    if headers:
        response["headers"] = headers
    return response


RESPONSES = {
    "BadRequest": _error("A query parameter has a bad value (`error.parameter` names it)."),
    "Unauthorized": _error("No token, or an unknown or revoked one.", {
        "WWW-Authenticate": {"schema": {"type": "string"}, "required": True}}),
    "Forbidden": _error("The token lacks this resource's scope."),
}


def schema_name(resource: Resource) -> str:
    return "".join(part.title() for part in resource.name.replace("/", "_").split("_")) + "Row"


def _operation(resource: Resource) -> dict[str, Any]:
    names = ["limit", "cursor"] + (["updated_since"] if resource.incremental else [])
    page = {"type": "object", "required": ["data", "next_cursor"],
            "additionalProperties": False,
            "properties": {"data": {"type": "array",
                                    "items": {"$ref": REF + "schemas/" + schema_name(resource)}},
                           "next_cursor": {"type": "string", "nullable": True,
                                           "description": "null on the last page."}}}
    return {"operationId": "list_" + resource.name.replace("/", "_"),
            "summary": resource.summary, "description": resource.description,
            "tags": [resource.scope], "security": [{"bearerAuth": []}],
            "x-scope": resource.scope,
            "parameters": [{"$ref": REF + "parameters/" + name} for name in names],
            "responses": {
                "200": {"description": "One page.",
                        "content": {"application/json": {"schema": page}}},
                "400": {"$ref": REF + "responses/BadRequest"},
                "401": {"$ref": REF + "responses/Unauthorized"},
                "403": {"$ref": REF + "responses/Forbidden"}}}


def document() -> dict[str, Any]:
    schemas = {schema_name(r): r.row_schema() for r in RESOURCES}
    return {
        "openapi": "3.0.3",
        "info": {"title": "SOP Academy BI API", "version": "1.0.0",
                 "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {f"/{r.name}": {"get": _operation(r)} for r in RESOURCES},
        # OpenAPI 3.1's `webhooks`, as an extension in this 3.0 document: docs/webhooks.md
        "x-webhooks": webhooks_document(),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An API token (sopa_…)."}},
            "parameters": PARAMETERS,
            "responses": RESPONSES,
            "schemas": {"Error": ERROR_SCHEMA, **schemas},
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    """Public: the document describes the API, it gives nothing away."""
    return jsonify(document())
