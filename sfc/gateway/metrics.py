"""The gateway's Prometheus metrics, and the middleware that records them.

Like the other roles' metrics they live in the default registry, so a process that runs
several roles serves all of them on one ``/metrics``.
"""

from __future__ import annotations

import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from sfc.gateway.routing import Handler

REQUESTS = Counter(
    "sfc_gateway_requests_total",
    "HTTP requests answered by the gateway",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "sfc_gateway_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
FLOWS_STARTED = Counter(
    "sfc_gateway_flows_started_total",
    "Flows whose StartFlow the broker acknowledged",
    ["blueprint"],
)


@web.middleware
async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count every request and time it, labelled by route template (not by raw path)."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        route = _route_of(request)
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, str(status)).inc()


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text exposition of every metric of this process."""
    response = web.Response(body=generate_latest())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


def _route_of(request: web.Request) -> str:
    # The template keeps the label set small: one series per route, not per flow id.
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"
