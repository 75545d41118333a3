"""Unauthenticated routes: liveness, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from aiohttp import web

from sfc.gateway.metrics import metrics
from sfc.gateway.routing import OPENAPI, Reply, Route, json_response, services_of

READY_TIMEOUT = 2.0
"""Seconds each readiness check may take."""

_PROBE_FLOW = "~readyz"


async def healthz(request: web.Request) -> web.Response:
    """The process is alive and serving."""
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """The broker and the index store answer: ``200``, else ``503`` saying which did not."""
    services = services_of(request)
    checks = {
        "broker": await _check(services.outcomes.ping(READY_TIMEOUT)),
        "index": await _check(services.index.get_flow(_PROBE_FLOW)),
    }
    ready = all(result == "ok" for result in checks.values())
    return json_response(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


async def _check(probe: Awaitable[object]) -> str:
    try:
        await asyncio.wait_for(probe, READY_TIMEOUT)
    except TimeoutError:
        return "timed out"
    except Exception as exc:
        # Whatever a probe raises means "not ready"; the answer says what it was.
        return f"{type(exc).__name__}: {exc}"
    return "ok"


async def openapi(request: web.Request) -> web.Response:
    """This API's OpenAPI 3.1 document."""
    return json_response(request.app[OPENAPI])


ROUTES = [
    Route(
        "GET",
        "/healthz",
        healthz,
        "Liveness",
        "health",
        {200: Reply("Alive", "Health")},
    ),
    Route(
        "GET",
        "/readyz",
        readyz,
        "Readiness: the broker and the index store answer",
        "health",
        {200: Reply("Ready", "Readiness"), 503: Reply("Not ready", "Readiness")},
    ),
    Route(
        "GET",
        "/metrics",
        metrics,
        "Prometheus metrics",
        "health",
        {200: Reply("Prometheus text exposition", media="text/plain")},
    ),
    Route(
        "GET",
        "/openapi.json",
        openapi,
        "This OpenAPI document",
        "health",
        {200: Reply("OpenAPI 3.1", "OpenApiDocument")},
    ),
]
