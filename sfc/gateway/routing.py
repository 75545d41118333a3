"""Routes described as data: what :func:`create_app` registers and ``/openapi.json`` shows.

Each route module exports a list of :class:`Route`; the application and its OpenAPI
document are both built from those lists, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
from aiohttp import web

from sfc.gateway.services import GatewayServices

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SERVICES = web.AppKey("services", GatewayServices)
OPENAPI = web.AppKey("openapi", dict[str, Any])


@dataclass(frozen=True)
class Reply:
    """One documented answer of a route.

    Attributes:
        description: What the answer means.
        schema: The component schema of its body (None: a plain string).
        media: The body's media type.
    """

    description: str
    schema: str | None = None
    media: str = "application/json"


@dataclass(frozen=True)
class Param:
    """One documented query parameter."""

    name: str
    description: str
    schema: Mapping[str, Any]
    required: bool = False


@dataclass(frozen=True)
class Route:
    """One HTTP route and its documentation.

    Attributes:
        method: ``GET`` or ``POST``.
        path: The aiohttp path template, ``{name}`` for path parameters.
        handler: The coroutine that answers.
        summary: One line for the OpenAPI document.
        tag: The group it belongs to in the document.
        replies: Status code to documented answer; the error answers the route can
            give are listed by status in ``errors``.
        errors: Error statuses it can answer with (each with the ``Error`` body).
        body: The component schema of its JSON request body, if it takes one.
        body_required: Whether the request body may be left out.
        query: Its query parameters.
        headers: Request headers it reads (documented as header parameters).
    """

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    replies: Mapping[int, Reply]
    errors: tuple[int, ...] = ()
    body: str | None = None
    body_required: bool = True
    query: tuple[Param, ...] = ()
    headers: tuple[str, ...] = ()


def services_of(request: web.Request) -> GatewayServices:
    """The services of the application answering ``request``."""
    return request.app[SERVICES]


def json_response(value: object, status: int = 200) -> web.Response:
    """A JSON answer; ``value`` may hold msgspec structs."""
    return web.Response(
        body=msgspec.json.encode(value), status=status, content_type="application/json"
    )
