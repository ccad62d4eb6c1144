"""GET /api/v1/<resource>: one keyset page of a resource as JSON, for a token holding its
scope. One view per resource of app/services/bi/registry.py."""

from __future__ import annotations

from flask import g, jsonify, request

from app.models.base import utcnow
from app.services.api_tokens import ScopeError
from app.services.bi.fields import Resource
from app.services.bi.paging import ParamError, page_request, read_page
from app.services.bi.registry import RESOURCES
from app.web.api import bp
from app.web.api.auth import token_required
from app.web.api.errors import json_error


def endpoint_name(resource: Resource) -> str:
    return resource.name.replace("/", "_")


def _list_view(resource: Resource):
    def view():
        args = request.args
        try:
            page = read_page(g.api_token, resource,
                             page_request(args.get("limit"), args.get("cursor"),
                                          args.get("updated_since")), utcnow())
        except ParamError as error:
            return json_error(400, str(error), parameter=error.parameter)
        except ScopeError as error:
            return json_error(403, str(error))
        return jsonify({"data": page.data, "next_cursor": page.next_cursor})

    view.__name__ = endpoint_name(resource)
    view.__doc__ = resource.summary
    return token_required(view)


for _resource in RESOURCES:
    bp.add_url_rule(f"/{_resource.name}", endpoint=endpoint_name(_resource),
                    view_func=_list_view(_resource), methods=["GET"])
