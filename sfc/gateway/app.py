"""The gateway's aiohttp application: routes, middlewares, OpenAPI document."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Middleware

from sfc.errors import SfcError
from sfc.gateway.auth import auth_middleware
from sfc.gateway.errors import error_body, error_response, http_error_response, json_error
from sfc.gateway.metrics import metrics_middleware
from sfc.gateway.openapi import build_document
from sfc.gateway.routes import (
    blueprints,
    composer,
    control,
    dashboard,
    flows,
    health,
    pools,
    search,
    stats,
    tasks,
)
from sfc.gateway.routing import OPENAPI, SERVICES, Handler, Route
from sfc.gateway.services import GatewayServices

log = logging.getLogger(__name__)

ROUTES: list[Route] = [
    *blueprints.ROUTES,
    *tasks.ROUTES,
    *flows.ROUTES,
    *control.ROUTES,
    *search.ROUTES,
    *stats.ROUTES,
    *composer.ROUTES,
    *pools.ROUTES,
    *health.ROUTES,
    *dashboard.ROUTES,
]
"""Every route of the gateway: what is registered and what ``/openapi.json`` describes."""


def create_app(services: GatewayServices) -> web.Application:
    """The gateway's application over already-started services.

    The caller owns ``services``: it starts them before and stops them after the
    application runs (see :func:`sfc.gateway.services.open_services`).
    """
    middlewares: list[Middleware] = [metrics_middleware, error_middleware]
    auth = auth_middleware(services.settings.gateway.token)
    if auth is not None:
        middlewares.append(auth)
    app = web.Application(middlewares=middlewares)
    app[SERVICES] = services
    app[OPENAPI] = build_document(ROUTES)
    pools.install(app)
    for route in ROUTES:
        app.router.add_route(route.method, route.path, route.handler)
    return app


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer every error with the JSON error body; log what was not expected."""
    try:
        return await handler(request)
    except SfcError as exc:
        return error_response(exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return http_error_response(exc)
    except Exception:
        log.exception("unexpected error answering %s %s", request.method, request.path)
        return json_error(error_body("sfc.internal", "internal error"), 500, {})
