"""What several route modules share."""

from __future__ import annotations

from typing import Final

from aiohttp import web

from sfc.gateway.bodies import path_int

IDEMPOTENCY_KEY: Final = "Idempotency-Key"
"""Request header: repeating a request with the same key has no further effect."""

TRACEPARENT: Final = "traceparent"
"""Request header (W3C trace context), passed on to the records produced."""

API: Final = "/api/v1"


def version_of_path(request: web.Request) -> int:
    """The ``{version}`` of the route's path."""
    return path_int(request, "version")
