"""``/healthz``, ``/readyz`` and Prometheus ``/metrics`` for a role without its own HTTP app."""

from __future__ import annotations

import logging
from collections.abc import Callable

import prometheus_client
from aiohttp import web

from sfc.net import free_port

log = logging.getLogger(__name__)


def add_health_routes(app: web.Application, ready: Callable[[], bool]) -> None:
    """Add the three endpoints to an aiohttp app."""

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        if ready():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready"}, status=503)

    async def metrics(_: web.Request) -> web.Response:
        body = prometheus_client.generate_latest()
        return web.Response(
            body=body, headers={"Content-Type": prometheus_client.CONTENT_TYPE_LATEST}
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)


class HealthServer:
    """A small HTTP server with the health endpoints.

    Args:
        host: Address to bind (127.0.0.1 unless told otherwise).
        port: Port; 0 picks a free one (see :attr:`port` after start).
        ready: Tells whether the role is ready to work.
    """

    def __init__(self, host: str, port: int, ready: Callable[[], bool]) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._app = web.Application()
        add_health_routes(self._app, ready)
        self._runner = web.AppRunner(self._app, access_log=None)

    async def start(self) -> None:
        """Start serving."""
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("health endpoints on http://%s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop serving."""
        await self._runner.cleanup()
