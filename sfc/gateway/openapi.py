"""The OpenAPI 3.1 document, built from the routes' own descriptions.

Paths, methods, parameters and answers come from the :class:`~sfc.gateway.routing.Route`
lists the application registers; the bodies' schemas are written here as data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from sfc import __version__
from sfc.gateway.auth import PROTECTED_PREFIX
from sfc.gateway.errors import RETRY_AFTER_SECONDS
from sfc.gateway.monitor_schemas import MONITOR_SCHEMAS
from sfc.gateway.routes.pools import SCHEMAS as POOL_SCHEMAS
from sfc.gateway.routing import Route
from sfc.gateway.schemas import SCHEMAS

COMPONENTS: Final = {**SCHEMAS, **MONITOR_SCHEMAS, **POOL_SCHEMAS}
"""Every body schema the document holds."""

_PATH_PARAMS: Final[dict[str, dict[str, Any]]] = {
    "name": {"type": "string", "description": "A blueprint or task definition name"},
    "version": {"type": "integer", "minimum": 1, "description": "A version number"},
    "id": {"type": "string", "description": "A flow id"},
    "path": {"type": "string", "description": "A file's path in the dashboard's folder"},
}

_HEADERS: Final[dict[str, str]] = {
    "Idempotency-Key": (
        "Repeating the request with the same key has no further effect: the same flow id, "
        "the same control message id"
    ),
    "traceparent": "W3C trace context, passed on to the records produced",
}

_ERRORS: Final[dict[int, str]] = {
    400: "Malformed request or invalid blueprint; `field` or `problems` say what",
    401: "Missing or wrong bearer token",
    404: "Unknown blueprint, version, task definition, flow or file; `field` says which",
    409: "The blueprint is disabled",
    413: "The request body is over the limit",
    503: (
        "The broker did not acknowledge in time (nothing was accepted), or the index store "
        "cannot be reached. Retry later"
    ),
}


def build_document(routes: Sequence[Route]) -> dict[str, Any]:
    """The OpenAPI document of these routes."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(document_path(route.path), {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SFC gateway",
            "version": __version__,
            "description": "Deploy blueprints; start, inspect and control flows.",
        },
        "tags": [{"name": tag} for tag in dict.fromkeys(route.tag for route in routes)],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def document_path(path: str) -> str:
    """An aiohttp path template as OpenAPI writes it: ``{path:.+}`` becomes ``{path}``."""
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", path)


def _operation(route: Route) -> dict[str, Any]:
    protected = route.path.startswith(PROTECTED_PREFIX)
    operation: dict[str, Any] = {
        "operationId": _operation_id(route),
        "summary": route.summary,
        "tags": [route.tag],
        "security": [{"bearer": []}] if protected else [],
        "responses": _responses(route, protected),
    }
    parameters = _parameters(route)
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": route.body_required,
            "content": {"application/json": {"schema": _ref(route.body)}},
        }
    return operation


def _operation_id(route: Route) -> str:
    words = re.findall(r"[A-Za-z0-9]+", route.path)
    return "_".join([route.method.lower(), *words])


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_PARAMS[name]}
        for name in re.findall(r"\{(\w+)\}", document_path(route.path))
    ]
    parameters += [
        {
            "name": param.name,
            "in": "query",
            "required": param.required,
            "description": param.description,
            "schema": dict(param.schema),
        }
        for param in route.query
    ]
    parameters += [
        {"name": name, "in": "header", "description": _HEADERS[name], "schema": {"type": "string"}}
        for name in route.headers
    ]
    return parameters


def _responses(route: Route, protected: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, reply in route.replies.items():
        schema = _ref(reply.schema) if reply.schema else {"type": "string"}
        responses[str(status)] = {
            "description": reply.description,
            "content": {reply.media: {"schema": schema}},
        }
    statuses = sorted({*route.errors, *((401,) if protected else ())})
    for status in statuses:
        responses[str(status)] = _error(status)
    return responses


def _error(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": _ERRORS[status],
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    if status == 503:
        answer["headers"] = {
            "Retry-After": {
                "description": f"Seconds to wait before retrying ({RETRY_AFTER_SECONDS})",
                "schema": {"type": "integer"},
            }
        }
    elif status == 401:
        answer["headers"] = {
            "WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}
        }
    return answer


def _ref(schema: str) -> dict[str, str]:
    if schema not in COMPONENTS:
        raise KeyError(f"no schema {schema!r} in the OpenAPI components")
    return {"$ref": f"#/components/schemas/{schema}"}
